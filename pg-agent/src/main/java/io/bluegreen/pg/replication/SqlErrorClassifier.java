package io.bluegreen.pg.replication;

import io.bluegreen.schemas.common.FailureReason;
import io.bluegreen.runtime.credentials.CredentialsNotBoundException;
import io.bluegreen.runtime.credentials.CredentialsUnavailableException;
import io.bluegreen.runtime.credentials.UnknownCredentialsException;

import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.sql.SQLException;
import java.util.IdentityHashMap;
import java.util.Map;

/**
 * Classifies a failure by SQLSTATE, walking the cause chain (the first SQLSTATE found wins), never by message
 * text. Whether "exists" or "missing" means already-done depends on what the statement wanted: see
 * {@link Intent}.
 */
public final class SqlErrorClassifier {

    /** What the failing statement was trying to do. */
    public enum Intent {
        CREATE, DROP, OTHER
    }

    private SqlErrorClassifier() {
    }

    public static ErrorClass classify(Throwable error, Intent intent) {
        Map<Throwable, Boolean> seen = new IdentityHashMap<>();
        for (Throwable t = error; t != null && seen.put(t, Boolean.TRUE) == null; t = t.getCause()) {
            if (t instanceof SQLException sql && sql.getSQLState() != null) {
                return classify(sql.getSQLState(), intent);
            }
            if (t instanceof ConnectException || t instanceof NoRouteToHostException
                    || t instanceof UnknownHostException) {
                return new ErrorClass(ErrorClass.Kind.RETRYABLE, FailureReason.UNREACHABLE, null);
            }
            if (t instanceof SocketTimeoutException) {
                return new ErrorClass(ErrorClass.Kind.RETRYABLE, FailureReason.TIMEOUT, null);
            }
            if (t instanceof UnknownCredentialsException || t instanceof CredentialsNotBoundException) {
                return new ErrorClass(ErrorClass.Kind.PERMANENT, FailureReason.PRECONDITION_FAILED, null);
            }
            if (t instanceof CredentialsUnavailableException unavailable) {
                return unavailable.retryable()
                        ? new ErrorClass(ErrorClass.Kind.RETRYABLE, FailureReason.UNREACHABLE, null)
                        : new ErrorClass(ErrorClass.Kind.PERMANENT, FailureReason.PERMISSION_DENIED, null);
            }
        }
        return new ErrorClass(ErrorClass.Kind.PERMANENT, FailureReason.INTERNAL, null);
    }

    public static ErrorClass classify(String sqlState, Intent intent) {
        String code = sqlState.toUpperCase();
        return switch (code) {
            // duplicate_object, duplicate_table, duplicate_schema, duplicate_function
            case "42710", "42P07", "42P06", "42723" -> intent == Intent.CREATE
                    ? of(ErrorClass.Kind.ALREADY_DONE, FailureReason.CONFLICT, code)
                    : of(ErrorClass.Kind.PERMANENT, FailureReason.CONFLICT, code);
            // undefined_object, undefined_table
            case "42704", "42P01" -> intent == Intent.DROP
                    ? of(ErrorClass.Kind.ALREADY_DONE, FailureReason.NOT_FOUND, code)
                    : of(ErrorClass.Kind.PERMANENT, FailureReason.NOT_FOUND, code);
            // object_in_use, lock_not_available, serialization_failure, deadlock_detected
            case "55006", "55P03", "40001", "40P01" -> of(ErrorClass.Kind.RETRYABLE, FailureReason.CONFLICT, code);
            // too_many_connections, admin_shutdown, crash_shutdown, cannot_connect_now
            case "53300", "57P01", "57P02", "57P03" -> of(ErrorClass.Kind.RETRYABLE, FailureReason.UNREACHABLE, code);
            // query_canceled (statement_timeout)
            case "57014" -> of(ErrorClass.Kind.RETRYABLE, FailureReason.TIMEOUT, code);
            case "42501" -> of(ErrorClass.Kind.PERMANENT, FailureReason.PERMISSION_DENIED, code);
            // invalid_catalog_name (no such database)
            case "3D000" -> of(ErrorClass.Kind.PERMANENT, FailureReason.NOT_FOUND, code);
            // undefined_function (e.g. aurora_volume_logical_start_lsn off Aurora), feature_not_supported
            case "42883", "0A000" -> of(ErrorClass.Kind.PERMANENT, FailureReason.PRECONDITION_FAILED, code);
            // object_not_in_prerequisite_state, read_only_sql_transaction
            case "55000", "25006" -> of(ErrorClass.Kind.PERMANENT, FailureReason.WRONG_STATE, code);
            // invalid_parameter_value, syntax_error
            case "22023", "42601" -> of(ErrorClass.Kind.PERMANENT, FailureReason.INVALID_REQUEST, code);
            default -> byClass(code);
        };
    }

    private static ErrorClass byClass(String code) {
        String cls = code.length() >= 2 ? code.substring(0, 2) : code;
        return switch (cls) {
            // connection_exception
            case "08" -> of(ErrorClass.Kind.RETRYABLE, FailureReason.UNREACHABLE, code);
            // invalid_authorization_specification
            case "28" -> of(ErrorClass.Kind.PERMANENT, FailureReason.AUTHENTICATION_FAILED, code);
            // transaction_rollback
            case "40" -> of(ErrorClass.Kind.RETRYABLE, FailureReason.CONFLICT, code);
            // insufficient_resources (disk full, out of memory) need an operator
            case "53" -> of(ErrorClass.Kind.PERMANENT, FailureReason.QUOTA_EXCEEDED, code);
            case "22", "23" -> of(ErrorClass.Kind.PERMANENT, FailureReason.INVALID_REQUEST, code);
            default -> of(ErrorClass.Kind.PERMANENT, FailureReason.UNKNOWN, code);
        };
    }

    private static ErrorClass of(ErrorClass.Kind kind, FailureReason reason, String code) {
        return new ErrorClass(kind, reason, code);
    }
}
