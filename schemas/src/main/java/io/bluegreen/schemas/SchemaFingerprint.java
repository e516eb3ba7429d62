package io.bluegreen.schemas;

/**
 * The schema fingerprint by which Blue and Green are compared: part of the contract between the monitor, which
 * samples it to raise {@code SCHEMA_DRIFT}, and the pg-agent, whose guardrail refuses to fence when the two sides
 * differ. Both run these very queries against the database they are connected to, so both see the same drift.
 *
 * <p>What it covers: every column (name, type with modifiers, {@code not null}) of every table and partitioned
 * table that is not temporary, outside the system schemas and outside {@value #OWN_SCHEMA}. Column order does not
 * count (logical replication matches columns by name); indexes, constraints other than {@code NOT NULL}, defaults
 * and triggers do not count. Entries are ordered in the {@code "C"} collation, so the result does not depend on
 * either server's collation.
 *
 * <p>{@value #OWN_SCHEMA} is left out on purpose: it holds the agent's own helpers (the drain marker table, the
 * write-fence function), which exist on both sides but need not be equal.
 */
public final class SchemaFingerprint {

    /** The schema of the agent's own objects on Blue and Green; not part of the fingerprint. */
    public static final String OWN_SCHEMA = "bluegreen";

    /** One column as it enters the fingerprint: {@code schema.table.column type[ not null]}. */
    private static final String ENTRY = "n.nspname || '.' || c.relname || '.' || a.attname || ' ' "
            + "|| format_type(a.atttypid, a.atttypmod) || CASE WHEN a.attnotnull THEN ' not null' ELSE '' END";

    private static final String ORDER = "n.nspname COLLATE \"C\", c.relname COLLATE \"C\", a.attname COLLATE \"C\"";

    private static final String FROM = """
              FROM pg_class c
              JOIN pg_namespace n ON n.oid = c.relnamespace
              JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped
             WHERE c.relkind IN ('r', 'p') AND c.relpersistence <> 't'
               AND n.nspname NOT IN ('pg_catalog', 'information_schema', '%s') AND n.nspname NOT LIKE 'pg\\_toast%%'
            """.formatted(OWN_SCHEMA);

    /**
     * One row: {@code fingerprint} (hex SHA-256 of the {@link #COLUMNS} entries joined by commas, the hash of the
     * empty string for a database without tables) and {@code tables} (how many tables it covers).
     */
    public static final String QUERY = "SELECT encode(sha256(convert_to(coalesce(string_agg(" + ENTRY + ", ',' ORDER BY "
            + ORDER + "), ''), 'UTF8')), 'hex') AS fingerprint, count(DISTINCT c.oid)::int AS tables\n" + FROM;

    /**
     * The entries behind {@link #QUERY}, one row ({@code entry}) per column in the same order: read them when two
     * fingerprints differ, to name what differs.
     */
    public static final String COLUMNS = "SELECT " + ENTRY + " AS entry\n" + FROM + " ORDER BY " + ORDER;

    private SchemaFingerprint() {
    }
}
