package io.bluegreen.pg.replication;

import io.bluegreen.schemas.Lsn;

import java.sql.SQLException;
import java.util.Optional;

/** Catalog look-ups shared by the steps: what exists, in which state. */
public final class Catalog {

    /** A logical slot as {@code pg_replication_slots} shows it. */
    public record Slot(String name, String plugin, String database, boolean active, Integer activePid,
                       Lsn confirmedFlush, Lsn restart) {
    }

    /** A subscription of the current database. */
    public record Subscription(long oid, String name, boolean enabled, String slotName) {
    }

    private Catalog() {
    }

    public static Optional<Slot> slot(PgSession session, String name) throws SQLException {
        return session.first("SELECT slot_name, plugin, database, active, active_pid, confirmed_flush_lsn::text, "
                        + "restart_lsn::text FROM pg_replication_slots WHERE slot_name = ?",
                rs -> new Slot(rs.getString(1), rs.getString(2), rs.getString(3), rs.getBoolean(4),
                        (Integer) rs.getObject(5), Lsn.parseNullable(rs.getString(6)), Lsn.parseNullable(rs.getString(7))),
                name);
    }

    public static boolean publicationExists(PgSession session, String name) throws SQLException {
        return session.exists("SELECT 1 FROM pg_publication WHERE pubname = ?", name);
    }

    public static Optional<Subscription> subscription(PgSession session, String name) throws SQLException {
        return session.first("SELECT s.oid, s.subname, s.subenabled, s.subslotname FROM pg_subscription s "
                        + "JOIN pg_database d ON d.oid = s.subdbid WHERE d.datname = current_database() AND s.subname = ?",
                rs -> new Subscription(rs.getLong(1), rs.getString(2), rs.getBoolean(3), rs.getString(4)), name);
    }

    /** Whether the database has {@code default_transaction_read_only = on} as its own setting (any role). */
    public static boolean readOnlyByDefault(PgSession session) throws SQLException {
        return session.exists("SELECT 1 FROM pg_db_role_setting s JOIN pg_database d ON d.oid = s.setdatabase "
                + "WHERE d.datname = current_database() AND s.setrole = 0 "
                + "AND 'default_transaction_read_only=on' = ANY (s.setconfig)");
    }

    /** The agent's helper table that carries drain markers from Blue to Green. */
    public static void ensureMarkerTable(PgSession session) throws SQLException {
        if (!session.exists("SELECT 1 FROM pg_tables WHERE schemaname = ? AND tablename = ?",
                ObjectNames.SCHEMA, ObjectNames.MARKER_TABLE)) {
            session.execute("CREATE SCHEMA IF NOT EXISTS " + Sql.ident(ObjectNames.SCHEMA));
            session.execute("CREATE TABLE IF NOT EXISTS " + markerTable()
                    + " (token text PRIMARY KEY, command_id text NOT NULL, written_at timestamptz NOT NULL DEFAULT now())");
        }
    }

    public static String markerTable() {
        return Sql.ident(ObjectNames.SCHEMA) + "." + Sql.ident(ObjectNames.MARKER_TABLE);
    }

    /** Drops the helper schema when nothing of ours is left in it (a fence function keeps it). */
    public static void dropHelperSchemaIfEmpty(PgSession session) throws SQLException {
        session.execute("DROP TABLE IF EXISTS " + markerTable());
        try {
            session.execute("DROP SCHEMA IF EXISTS " + Sql.ident(ObjectNames.SCHEMA));
        } catch (SQLException e) {
            if (!"2BP01".equals(e.getSQLState())) { // dependent_objects_still_exist: the fence still stands
                throw e;
            }
        }
    }

    /** Keeps the server log free of statements that carry a connection string (superuser settings). */
    public static void quietStatementLogging(PgSession session) {
        for (String setting : new String[]{"SET log_min_error_statement = panic", "SET log_statement = 'none'"}) {
            try {
                session.execute(setting);
            } catch (SQLException notAllowed) {
                // not a superuser here: the server keeps its own logging settings
            }
        }
    }
}
