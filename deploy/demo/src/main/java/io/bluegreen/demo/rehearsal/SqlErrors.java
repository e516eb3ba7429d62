package io.bluegreen.demo.rehearsal;

import java.sql.SQLException;
import java.util.Set;

/**
 * Tells a lost or unusable session (reconnect and re-resolve Blue's name) from an error of the statement itself (roll
 * back, count it, go on), by SQLSTATE along the cause chain.
 */
public final class SqlErrors {

    /**
     * Not class 08 but still "this server cannot take the write now": shutdown or termination (57P01 admin_shutdown,
     * the fence ends sessions; 57P02 crash_shutdown; 57P03 cannot_connect_now; 57P05 idle_session_timeout), 25006
     * read_only_sql_transaction (the fenced Blue), 53300 too_many_connections.
     */
    private static final Set<String> SESSION_STATES = Set.of("57P01", "57P02", "57P03", "57P05", "25006", "53300");

    private SqlErrors() {
    }

    /** Whether the session must be dropped and the name re-resolved; an error without any SQLSTATE counts as lost. */
    public static boolean sessionLost(SQLException error) {
        for (Throwable t = error; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof SQLException sql && sql.getSQLState() != null) {
                return sessionLost(sql.getSQLState());
            }
        }
        return true;
    }

    public static boolean sessionLost(String sqlState) {
        return sqlState.startsWith("08") || SESSION_STATES.contains(sqlState);
    }

    /** The first SQLSTATE along the cause chain, or "no SQLSTATE". */
    public static String state(Throwable error) {
        for (Throwable t = error; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof SQLException sql && sql.getSQLState() != null) {
                return sql.getSQLState();
            }
        }
        return "no SQLSTATE";
    }
}
