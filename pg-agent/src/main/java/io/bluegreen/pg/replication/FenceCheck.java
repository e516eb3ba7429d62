package io.bluegreen.pg.replication;

import java.sql.SQLException;
import java.util.List;

/**
 * Reads the state of Blue's write fence (see {@code WriteFence}) from the catalogs.
 *
 * <p>{@link #read} costs the same whatever the number of tables: the fence is engaged when the guard function
 * has its refusing body, the DDL guard is engaged and fires always, and the database is read-only by default.
 * Engaging sets that default last, once it has checked that every table has its guard enabled; from then on no
 * table can be created and no guard disabled or dropped (the DDL guard refuses it to everyone but the operator),
 * so the three facts prove every table is guarded. Only a superuser could break that, and a superuser can undo
 * any fence. {@link #counts} and {@link #gaps} read every table's guard.
 */
public final class FenceCheck {

    /** What the catalogs say about the fence of one database. */
    public record State(boolean readOnlyByDefault, boolean writeGuardEngaged, boolean ddlGuardEngaged, int otherSessions) {

        public boolean fenced() {
            return readOnlyByDefault && writeGuardEngaged && ddlGuardEngaged;
        }

        public String describe() {
            return "default_transaction_read_only is " + (readOnlyByDefault ? "on" : "off")
                    + ", table guards " + (writeGuardEngaged ? "engaged" : "not engaged")
                    + ", DDL guard " + (ddlGuardEngaged ? "engaged" : "not engaged")
                    + ", " + otherSessions + " other client session(s)";
        }
    }

    /**
     * A user table whose guard is missing ({@code trigger} false), disabled or not {@code ALWAYS} ({@code ours}
     * true), or a trigger of our name that is not our guard ({@code trigger} true, {@code ours} false).
     */
    public record Gap(String schema, String table, boolean trigger, boolean ours) {

        public String name() {
            return schema + "." + table;
        }
    }

    /** How many user tables and partitions have an enabled guard, and how many do not. */
    public record Counts(int guarded, int unguarded) {
    }

    private static final String GUARD = "to_regprocedure(" + Sql.literal(Sql.helper(ObjectNames.FENCE_FUNCTION) + "()") + ")";

    /** Client sessions of this database other than the caller's (walsenders and workers excluded). */
    public static final String OTHER_SESSIONS = "SELECT pid FROM pg_stat_activity WHERE datname = current_database() "
            + "AND pid <> pg_backend_pid() AND backend_type = 'client backend'";

    /** Read-only default, guard function engaged, DDL guard engaged and always firing, other sessions. */
    static final String STATE = "SELECT EXISTS (SELECT 1 FROM pg_db_role_setting s JOIN pg_database d ON d.oid = s.setdatabase "
            + "WHERE d.datname = current_database() AND s.setrole = 0 "
            + "AND 'default_transaction_read_only=on' = ANY (s.setconfig)), "
            + "coalesce((SELECT p.prosrc = " + Sql.literal(Sql.GUARD_ENGAGED) + " FROM pg_proc p WHERE p.oid = " + GUARD + "), false), "
            + "coalesce((SELECT p.prosrc = " + Sql.literal(Sql.DDL_GUARD_ENGAGED) + " FROM pg_event_trigger e "
            + "JOIN pg_proc p ON p.oid = e.evtfoid WHERE e.evtname = " + Sql.literal(ObjectNames.DDL_GUARD_TRIGGER)
            + " AND e.evtevent = 'ddl_command_start' AND e.evtenabled = 'A' AND p.pronamespace = "
            + "(SELECT oid FROM pg_namespace WHERE nspname = " + Sql.literal(ObjectNames.SCHEMA) + ")), false), "
            + "(SELECT count(*) FROM (" + OTHER_SESSIONS + ") others)";

    private static final String USER_TABLES = "c.relkind IN ('r', 'p') AND n.nspname NOT IN ('pg_catalog', "
            + "'information_schema', " + Sql.literal(ObjectNames.SCHEMA) + ") AND n.nspname NOT LIKE 'pg\\_toast%' "
            + "AND n.nspname NOT LIKE 'pg\\_temp\\_%'";
    private static final String ENABLED_GUARDS = "SELECT t.tgrelid FROM pg_trigger t WHERE t.tgname = "
            + Sql.literal(ObjectNames.FENCE_TRIGGER) + " AND t.tgenabled = 'A' AND t.tgtype = " + Sql.FENCE_TRIGGER_TYPE
            + " AND t.tgfoid = (SELECT " + GUARD + ")";

    /*
     * Both queries read the enabled guards once (then reach pg_class through its oid index, or hash them) rather
     * than once per table: right after arm created a trigger per table, pg_trigger's statistics are stale (one row
     * estimated), and a join that scanned pg_trigger once per table took 150 ms at 1,000 tables instead of 2.
     */

    /** User tables and partitions (not ours, not the system's, not temporary), and how many have an enabled guard. */
    static final String COUNTS = "SELECT (SELECT count(*) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
            + "WHERE " + USER_TABLES + "), (SELECT count(*) FROM (" + ENABLED_GUARDS + ") g "
            + "JOIN pg_class c ON c.oid = g.tgrelid JOIN pg_namespace n ON n.oid = c.relnamespace WHERE " + USER_TABLES + ")";

    /** User tables and partitions without an enabled guard, each with whether a trigger of our name is there and ours. */
    static final String GAPS = "SELECT n.nspname, c.relname, "
            + "EXISTS (SELECT 1 FROM pg_trigger t WHERE t.tgrelid = c.oid AND t.tgname = " + Sql.literal(ObjectNames.FENCE_TRIGGER) + "), "
            + "EXISTS (SELECT 1 FROM pg_trigger t WHERE t.tgrelid = c.oid AND t.tgname = " + Sql.literal(ObjectNames.FENCE_TRIGGER)
            + " AND t.tgtype = " + Sql.FENCE_TRIGGER_TYPE + " AND t.tgfoid = (SELECT " + GUARD + ")) "
            + "FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE " + USER_TABLES
            + " AND c.oid NOT IN (" + ENABLED_GUARDS + ") ORDER BY 1, 2";

    /** Prepared transactions of this database: a {@code COMMIT PREPARED} writes without firing any trigger. */
    public static final String PREPARED_TRANSACTIONS = "SELECT gid, owner, prepared::text FROM pg_prepared_xacts "
            + "WHERE database = current_database() ORDER BY prepared";

    private FenceCheck() {
    }

    /** The fence's state, in one query whose cost does not depend on the number of tables. */
    public static State read(PgSession session) throws SQLException {
        return session.first(STATE, rs -> new State(rs.getBoolean(1), rs.getBoolean(2), rs.getBoolean(3), rs.getInt(4)))
                .orElseThrow();
    }

    /** How many tables are guarded and how many are not, in one query that returns one row. */
    public static Counts counts(PgSession session) throws SQLException {
        return session.first(COUNTS, rs -> new Counts(rs.getInt(2), rs.getInt(1) - rs.getInt(2))).orElseThrow();
    }

    /** Every table without an enabled guard. */
    public static List<Gap> gaps(PgSession session) throws SQLException {
        return session.list(GAPS, rs -> new Gap(rs.getString(1), rs.getString(2), rs.getBoolean(3), rs.getBoolean(4)));
    }
}
