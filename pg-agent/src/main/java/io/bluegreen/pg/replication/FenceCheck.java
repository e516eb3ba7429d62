package io.bluegreen.pg.replication;

import java.sql.SQLException;
import java.util.List;

/**
 * Reads the state of Blue's write fence from the catalogs. The fence is engaged when the database is read-only
 * by default, the guard function has its refusing body, the DDL guard is engaged and fires always, and every
 * user table has its guard trigger enabled always. Other client sessions are reported, not required to be gone:
 * sessions that connect after the fence may read, and every write of theirs is refused.
 */
public final class FenceCheck {

    /** What the catalogs say about the fence of one database. */
    public record State(boolean readOnlyByDefault, boolean writeGuardEngaged, boolean ddlGuardEngaged,
                        List<String> unguardedTables, int otherSessions) {

        public boolean fenced() {
            return readOnlyByDefault && writeGuardEngaged && ddlGuardEngaged && unguardedTables.isEmpty();
        }

        public String describe() {
            return "default_transaction_read_only is " + (readOnlyByDefault ? "on" : "off")
                    + ", table guards " + (writeGuardEngaged ? "engaged" : "not engaged")
                    + ", DDL guard " + (ddlGuardEngaged ? "engaged" : "not engaged") + ", "
                    + unguardedTables.size() + " table(s) without an enabled guard"
                    + (unguardedTables.isEmpty() ? "" : " (" + String.join(", ", unguardedTables.subList(0,
                    Math.min(5, unguardedTables.size()))) + (unguardedTables.size() > 5 ? ", ..." : "") + ")")
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

    private static final String GUARD = "to_regprocedure(" + Sql.literal(Sql.helper(ObjectNames.FENCE_FUNCTION) + "()") + ")";

    /** User tables and partitions (not ours, not the system's) without an enabled guard trigger. */
    public static final String GAPS = "SELECT n.nspname, c.relname, t.oid IS NOT NULL, "
            + "t.oid IS NOT NULL AND t.tgfoid = " + GUARD + " AND t.tgtype = " + Sql.FENCE_TRIGGER_TYPE + " "
            + "FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
            + "LEFT JOIN pg_trigger t ON t.tgrelid = c.oid AND t.tgname = " + Sql.literal(ObjectNames.FENCE_TRIGGER) + " "
            + "WHERE c.relkind IN ('r', 'p') AND n.nspname NOT IN ('pg_catalog', 'information_schema', "
            + Sql.literal(ObjectNames.SCHEMA) + ") AND n.nspname NOT LIKE 'pg\\_toast%' AND n.nspname NOT LIKE 'pg\\_temp\\_%' "
            + "AND (t.oid IS NULL OR t.tgenabled <> 'A' OR t.tgfoid IS DISTINCT FROM " + GUARD + " "
            + "OR t.tgtype <> " + Sql.FENCE_TRIGGER_TYPE + ") ORDER BY 1, 2";

    /** User tables and partitions that have an enabled guard: the count {@link #GAPS} leaves out. */
    public static final String GUARDED_COUNT = "SELECT count(*) FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid "
            + "JOIN pg_namespace n ON n.oid = c.relnamespace WHERE t.tgname = " + Sql.literal(ObjectNames.FENCE_TRIGGER)
            + " AND t.tgfoid = " + GUARD + " AND t.tgtype = " + Sql.FENCE_TRIGGER_TYPE + " AND t.tgenabled = 'A' "
            + "AND c.relkind IN ('r', 'p') AND n.nspname NOT IN ('pg_catalog', 'information_schema', "
            + Sql.literal(ObjectNames.SCHEMA) + ") AND n.nspname NOT LIKE 'pg\\_temp\\_%'";

    /** Whether the guard function has its refusing body, and whether the DDL guard is engaged and fires always. */
    static final String GUARDS = "SELECT coalesce((SELECT p.prosrc = " + Sql.literal(Sql.GUARD_ENGAGED)
            + " FROM pg_proc p WHERE p.oid = " + GUARD + "), false), "
            + "coalesce((SELECT p.prosrc = " + Sql.literal(Sql.DDL_GUARD_ENGAGED) + " FROM pg_event_trigger e "
            + "JOIN pg_proc p ON p.oid = e.evtfoid WHERE e.evtname = " + Sql.literal(ObjectNames.DDL_GUARD_TRIGGER)
            + " AND e.evtevent = 'ddl_command_start' AND e.evtenabled = 'A' AND p.pronamespace = "
            + "(SELECT oid FROM pg_namespace WHERE nspname = " + Sql.literal(ObjectNames.SCHEMA) + ")), false)";

    /** Client sessions of this database other than the caller's (walsenders and workers excluded). */
    public static final String OTHER_SESSIONS = "SELECT pid FROM pg_stat_activity WHERE datname = current_database() "
            + "AND pid <> pg_backend_pid() AND backend_type = 'client backend'";

    /** Prepared transactions of this database: a {@code COMMIT PREPARED} writes without firing any trigger. */
    public static final String PREPARED_TRANSACTIONS = "SELECT gid, owner, prepared::text FROM pg_prepared_xacts "
            + "WHERE database = current_database() ORDER BY prepared";

    private FenceCheck() {
    }

    public static State read(PgSession session) throws SQLException {
        boolean readOnly = Catalog.readOnlyByDefault(session);
        boolean[] guards = session.first(GUARDS, rs -> new boolean[]{rs.getBoolean(1), rs.getBoolean(2)}).orElseThrow();
        List<String> unguarded = gaps(session).stream().map(Gap::name).toList();
        int others = session.list(OTHER_SESSIONS, rs -> rs.getInt(1)).size();
        return new State(readOnly, guards[0], guards[1], unguarded, others);
    }

    public static List<Gap> gaps(PgSession session) throws SQLException {
        return session.list(GAPS, rs -> new Gap(rs.getString(1), rs.getString(2), rs.getBoolean(3), rs.getBoolean(4)));
    }
}
