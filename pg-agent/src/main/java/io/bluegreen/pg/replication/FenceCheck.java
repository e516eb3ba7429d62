package io.bluegreen.pg.replication;

import java.sql.SQLException;
import java.util.List;

/**
 * Reads whether Blue's database is fenced: read-only by default, every user table guarded by the fence
 * trigger, and no other client session left (walsenders do not count: they only read).
 */
public final class FenceCheck {

    /** What the catalogs say about the fence of one database. */
    public record State(boolean readOnlyByDefault, List<String> unguardedTables, int otherSessions) {

        public boolean fenced() {
            // sessions that connect after the fence may read; the trigger refuses their writes
            return readOnlyByDefault && unguardedTables.isEmpty();
        }

        public String describe() {
            return "default_transaction_read_only is " + (readOnlyByDefault ? "on" : "off") + ", "
                    + unguardedTables.size() + " table(s) without the write fence"
                    + (unguardedTables.isEmpty() ? "" : " (" + String.join(", ", unguardedTables.subList(0,
                    Math.min(5, unguardedTables.size()))) + (unguardedTables.size() > 5 ? ", ..." : "") + ")")
                    + ", " + otherSessions + " other client session(s)";
        }
    }

    /** User tables and partitions (not ours, not the system's) lacking the fence trigger. */
    public static final String UNGUARDED_TABLES = "SELECT n.nspname, c.relname FROM pg_class c "
            + "JOIN pg_namespace n ON n.oid = c.relnamespace "
            + "WHERE c.relkind IN ('r', 'p') AND n.nspname NOT IN ('pg_catalog', 'information_schema', '"
            + ObjectNames.SCHEMA + "') AND n.nspname NOT LIKE 'pg\\_toast%' AND n.nspname NOT LIKE 'pg\\_temp\\_%' "
            + "AND NOT EXISTS (SELECT 1 FROM pg_trigger t WHERE t.tgrelid = c.oid AND t.tgname = '"
            + ObjectNames.FENCE_TRIGGER + "') ORDER BY 1, 2";

    /** Client sessions of this database other than the caller's (walsenders and workers excluded). */
    public static final String OTHER_SESSIONS = "SELECT pid FROM pg_stat_activity WHERE datname = current_database() "
            + "AND pid <> pg_backend_pid() AND backend_type = 'client backend'";

    private FenceCheck() {
    }

    public static State read(PgSession session) throws SQLException {
        boolean readOnly = Catalog.readOnlyByDefault(session);
        List<String> unguarded = session.list(UNGUARDED_TABLES, rs -> rs.getString(1) + "." + rs.getString(2));
        int others = session.list(OTHER_SESSIONS, rs -> rs.getInt(1)).size();
        return new State(readOnly, unguarded, others);
    }
}
