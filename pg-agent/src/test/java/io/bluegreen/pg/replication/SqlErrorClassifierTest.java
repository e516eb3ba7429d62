package io.bluegreen.pg.replication;

import io.bluegreen.runtime.credentials.CredentialsUnavailableException;
import io.bluegreen.runtime.credentials.UnknownCredentialsException;
import io.bluegreen.schemas.common.FailureReason;
import org.junit.jupiter.api.Test;

import java.net.ConnectException;
import java.sql.SQLException;

import static io.bluegreen.pg.replication.SqlErrorClassifier.Intent.CREATE;
import static io.bluegreen.pg.replication.SqlErrorClassifier.Intent.DROP;
import static io.bluegreen.pg.replication.SqlErrorClassifier.Intent.OTHER;
import static org.junit.jupiter.api.Assertions.assertEquals;

class SqlErrorClassifierTest {

    private static ErrorClass.Kind kind(String state, SqlErrorClassifier.Intent intent) {
        return SqlErrorClassifier.classify(new SQLException("text does not matter", state), intent).kind();
    }

    @Test
    void duplicateObjectIsAlreadyDoneOnlyWhenCreating() {
        assertEquals(ErrorClass.Kind.ALREADY_DONE, kind("42710", CREATE));
        assertEquals(ErrorClass.Kind.PERMANENT, kind("42710", DROP));
    }

    @Test
    void undefinedObjectIsAlreadyDoneOnlyWhenDropping() {
        assertEquals(ErrorClass.Kind.ALREADY_DONE, kind("42704", DROP));
        assertEquals(ErrorClass.Kind.PERMANENT, kind("42704", CREATE));
    }

    @Test
    void transientStatesAreRetryable() {
        for (String state : new String[]{"55006", "55P03", "40001", "40P01", "08006", "08001", "57P01", "53300"}) {
            assertEquals(ErrorClass.Kind.RETRYABLE, kind(state, OTHER), state);
        }
    }

    @Test
    void authenticationAndPermissionArePermanentWithTheirReason() {
        ErrorClass auth = SqlErrorClassifier.classify(new SQLException("x", "28P01"), OTHER);
        assertEquals(new ErrorClass(ErrorClass.Kind.PERMANENT, FailureReason.AUTHENTICATION_FAILED, "28P01"), auth);
        assertEquals(FailureReason.PERMISSION_DENIED, SqlErrorClassifier.classify(new SQLException("x", "42501"), OTHER).reason());
        assertEquals(FailureReason.PRECONDITION_FAILED, SqlErrorClassifier.classify(new SQLException("x", "42883"), OTHER).reason());
    }

    @Test
    void walksTheCauseChainToTheFirstSqlState() {
        Exception wrapped = new IllegalStateException("outer", new RuntimeException(new SQLException("in use", "55006")));
        assertEquals(new ErrorClass(ErrorClass.Kind.RETRYABLE, FailureReason.CONFLICT, "55006"),
                SqlErrorClassifier.classify(wrapped, OTHER));
        Exception refused = new SQLException("Connection refused", null, new ConnectException("refused"));
        assertEquals(FailureReason.UNREACHABLE, SqlErrorClassifier.classify(refused, OTHER).reason());
        assertEquals(ErrorClass.Kind.PERMANENT, SqlErrorClassifier.classify(new IllegalStateException("bug"), OTHER).kind());
    }

    @Test
    void credentialsThatCannotBeReadAreRetriedOnlyWhenTheStoreWasNotReached() {
        Exception unreachable = new IllegalStateException(new CredentialsUnavailableException("blue", "not reachable", true,
                new ConnectException("refused")));
        assertEquals(new ErrorClass(ErrorClass.Kind.RETRYABLE, FailureReason.UNREACHABLE, null),
                SqlErrorClassifier.classify(unreachable, OTHER));
        Exception denied = new CredentialsUnavailableException("blue", "AccessDeniedException", false, null);
        assertEquals(new ErrorClass(ErrorClass.Kind.PERMANENT, FailureReason.PERMISSION_DENIED, null),
                SqlErrorClassifier.classify(denied, OTHER));
        assertEquals(FailureReason.PRECONDITION_FAILED,
                SqlErrorClassifier.classify(new UnknownCredentialsException("blue", "no secret"), OTHER).reason());
    }

    @Test
    void aCauseLoopEnds() {
        SQLException a = new SQLException("a");
        SQLException b = new SQLException("b");
        a.initCause(b);
        b.initCause(a);
        assertEquals(FailureReason.INTERNAL, SqlErrorClassifier.classify(a, OTHER).reason());
    }
}
