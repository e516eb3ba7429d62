package io.bluegreen.pg.switchover;

import io.bluegreen.pg.replication.ObjectNames;
import io.bluegreen.pg.replication.PgSession;
import io.bluegreen.schemas.SchemaFingerprint;
import io.bluegreen.schemas.common.GuardrailFinding;
import io.bluegreen.schemas.common.ReplicationNames;

import java.sql.SQLException;
import java.util.List;
import java.util.Optional;

/**
 * The guardrails at the fence: right before fencing a database, measures it afresh on Blue and Green and returns
 * every guardrail that fails ({@link GuardrailRules} decides). A failing guardrail does not fence.
 *
 * <ul>
 *   <li>{@code lag}: Blue's {@code pg_current_wal_lsn()} minus the slot's {@code confirmed_flush_lsn} is at most
 *       the plan's threshold; a missing slot, a slot of another database, a slot with {@code wal_status = lost} or
 *       without a confirmed position fails too.</li>
 *   <li>{@code subscription_disabled} / {@code apply_worker}: the subscription exists on Green, is enabled, and its
 *       leader apply worker runs ({@code pg_stat_subscription}, no {@code relid}, a pid). A disabled subscription
 *       is reported as disabled only, not also as a missing worker.</li>
 *   <li>{@code apply_errors} / {@code sync_errors}: {@code pg_stat_subscription_stats} counts above those of the
 *       monitor's last sample ({@link Limits}).</li>
 *   <li>{@code schema_drift}: {@link SchemaFingerprint} equal on both sides; on a difference the columns that
 *       differ are named.</li>
 *   <li>{@code prepared_transactions}: none of this database in {@code pg_prepared_xacts} on Blue.</li>
 *   <li>{@code long_transaction}: no other client session of this database on Blue whose transaction holds a
 *       transaction id ({@code backend_xid}: it wrote or locked rows) and began longer ago than the limit.
 *       Read-only transactions only hold a snapshot ({@code backend_xmin}) and lose nothing when the fence ends
 *       them, so they do not count.</li>
 *   <li>{@code unpublished_tables}: every permanent table and partitioned table on Blue outside the system schemas
 *       and {@value ObjectNames#SCHEMA} is covered by the publication: {@code FOR ALL TABLES}, listed itself, or
 *       through a listed ancestor or a published schema ({@code FOR TABLES IN SCHEMA}) of itself or an ancestor.
 *       Unlogged and temporary tables cannot be published and are left out (the preflight names unlogged ones).</li>
 * </ul>
 *
 * <p>Only catalog and statistics views are read, a dozen queries at most; nothing is changed.
 */
public final class Guardrails {

    /**
     * What the plan allows.
     *
     * @param lagThresholdBytes   the largest lag that passes (the lag gate's threshold: lag {@code <=} threshold)
     * @param maxTransactionAgeMs the oldest a write transaction on Blue may be; must be positive (resolve the plan's
     *                            "0 means the default" before)
     * @param applyErrorsSeen     the subscription's {@code apply_error_count} in the monitor's last sample: a higher
     *                            count now fails. Null means nothing to compare with: the guardrail is not applied
     *                            (an apply error loop still shows as a missing apply worker or as lag)
     * @param syncErrorsSeen      likewise for {@code sync_error_count}
     */
    public record Limits(long lagThresholdBytes, long maxTransactionAgeMs, Long applyErrorsSeen, Long syncErrorsSeen) {
        public Limits {
            if (lagThresholdBytes < 0) {
                throw new IllegalArgumentException("lagThresholdBytes must not be negative: " + lagThresholdBytes);
            }
            if (maxTransactionAgeMs <= 0) {
                throw new IllegalArgumentException("maxTransactionAgeMs must be positive: " + maxTransactionAgeMs);
            }
        }
    }

    static final String SLOT = """
            SELECT database, pg_current_wal_lsn()::text, confirmed_flush_lsn::text,
                   pg_wal_lsn_diff(pg_current_wal_lsn(), confirmed_flush_lsn)::bigint, wal_status
              FROM pg_replication_slots
             WHERE slot_name = ?""";

    /** Green; {@code %s}: the leader condition (16+) and the error counts (15+), which older servers lack. */
    static final String SUBSCRIPTION = """
            SELECT s.subenabled,
                   EXISTS (SELECT 1 FROM pg_stat_subscription w
                            WHERE w.subid = s.oid AND w.relid IS NULL AND w.pid IS NOT NULL%s),
                   %s
              FROM pg_subscription s
             WHERE s.subdbid = (SELECT oid FROM pg_database WHERE datname = current_database()) AND s.subname = ?""";

    static final String ERROR_COUNTS = "(SELECT st.apply_error_count FROM pg_stat_subscription_stats st WHERE st.subid = s.oid), "
            + "(SELECT st.sync_error_count FROM pg_stat_subscription_stats st WHERE st.subid = s.oid)";

    static final String PREPARED = """
            SELECT gid, owner, (extract(epoch FROM clock_timestamp() - prepared) * 1000)::bigint
              FROM pg_prepared_xacts
             WHERE database = current_database()
             ORDER BY prepared""";

    /** Whether the session's role sees every session's transaction in {@code pg_stat_activity}. */
    static final String SEES_ALL_SESSIONS = """
            SELECT rolsuper OR pg_has_role(current_user, 'pg_read_all_stats', 'member')
              FROM pg_roles WHERE rolname = current_user""";

    static final String WRITE_TRANSACTIONS = """
            SELECT pid, usename, application_name, state,
                   (extract(epoch FROM clock_timestamp() - xact_start) * 1000)::bigint
              FROM pg_stat_activity
             WHERE datname = current_database() AND backend_type = 'client backend' AND pid <> pg_backend_pid()
               AND backend_xid IS NOT NULL AND xact_start IS NOT NULL
             ORDER BY xact_start""";

    static final String PUBLICATION = "SELECT oid, puballtables FROM pg_publication WHERE pubname = ?";

    /**
     * Blue's tables a publication ({@code ?} = its oid, twice) does not cover. {@code %s}: the schema-publication
     * clause (15+). A partition is covered when an ancestor is.
     */
    static final String UNPUBLISHED = """
            SELECT format('%%I.%%I', n.nspname, c.relname)
              FROM pg_class c
              JOIN pg_namespace n ON n.oid = c.relnamespace
             WHERE c.relkind IN ('r', 'p') AND c.relpersistence = 'p'
               AND n.nspname NOT IN ('pg_catalog', 'information_schema', '%s') AND n.nspname NOT LIKE 'pg\\_toast%%'
               AND NOT EXISTS (
                   SELECT 1
                     FROM (SELECT c.oid AS relid UNION ALL SELECT relid FROM pg_partition_ancestors(c.oid)) a
                     JOIN pg_class ac ON ac.oid = a.relid
                    WHERE EXISTS (SELECT 1 FROM pg_publication_rel pr WHERE pr.prpubid = ? AND pr.prrelid = a.relid)%s)
             ORDER BY n.nspname COLLATE "C", c.relname COLLATE "C"
            """;

    static final String IN_PUBLISHED_SCHEMA = """

                       OR EXISTS (SELECT 1 FROM pg_publication_namespace pn
                                   WHERE pn.pnpubid = ? AND pn.pnnspid = ac.relnamespace)""";

    public Guardrails() {
    }

    /**
     * Measures now, on two sessions already open (Blue: the agent's own session in the Blue database; Green: the
     * Green database), and returns every guardrail that fails (empty = may fence). Never changes anything.
     */
    public List<GuardrailFinding> check(PgSession blue, PgSession green, ReplicationNames names, String database,
                                        Limits limits) throws SQLException {
        return GuardrailRules.findings(measure(blue, green, names, database), limits);
    }

    /** The facts of one database, read from both sides. */
    GuardrailRules.Facts measure(PgSession blue, PgSession green, ReplicationNames names, String database)
            throws SQLException {
        GuardrailRules.Slot slot = blue.first(SLOT, rs -> new GuardrailRules.Slot(rs.getString(1), rs.getString(2),
                rs.getString(3), (Long) rs.getObject(4), rs.getString(5)), names.getSlot()).orElse(null);
        int greenMajor = green.serverMajor();
        String subscriptionQuery = SUBSCRIPTION.formatted(greenMajor >= 16 ? " AND w.leader_pid IS NULL" : "",
                greenMajor >= 15 ? ERROR_COUNTS : "NULL::bigint, NULL::bigint");
        GuardrailRules.Subscription subscription = green.first(subscriptionQuery, rs -> new GuardrailRules.Subscription(
                rs.getBoolean(1), rs.getBoolean(2), (Long) rs.getObject(3), (Long) rs.getObject(4)),
                names.getSubscription()).orElse(null);
        GuardrailRules.Schemas schemas = schemas(blue, green);
        List<GuardrailRules.PreparedTransaction> prepared = blue.list(PREPARED,
                rs -> new GuardrailRules.PreparedTransaction(rs.getString(1), rs.getString(2), rs.getLong(3)));
        boolean seesAll = blue.first(SEES_ALL_SESSIONS, rs -> rs.getBoolean(1)).orElse(false);
        List<GuardrailRules.WriteTransaction> writes = blue.list(WRITE_TRANSACTIONS,
                rs -> new GuardrailRules.WriteTransaction(rs.getInt(1), rs.getString(2), rs.getString(3),
                        rs.getString(4), rs.getLong(5)));
        Optional<Object[]> publication = blue.first(PUBLICATION, rs -> new Object[]{rs.getLong(1), rs.getBoolean(2)},
                names.getPublication());
        List<String> unpublished = List.of();
        if (publication.isPresent() && !(Boolean) publication.get()[1]) {
            long oid = (Long) publication.get()[0];
            boolean schemaPublications = blue.serverMajor() >= 15;
            String query = UNPUBLISHED.formatted(ObjectNames.SCHEMA, schemaPublications ? IN_PUBLISHED_SCHEMA : "");
            unpublished = schemaPublications ? blue.list(query, rs -> rs.getString(1), oid, oid)
                    : blue.list(query, rs -> rs.getString(1), oid);
        }
        return new GuardrailRules.Facts(database, blue.where(), green.where(), names, slot, subscription, schemas,
                prepared, seesAll, writes, publication.isPresent(), unpublished);
    }

    private static GuardrailRules.Schemas schemas(PgSession blue, PgSession green) throws SQLException {
        String blueFingerprint = blue.text(SchemaFingerprint.QUERY);
        String greenFingerprint = green.text(SchemaFingerprint.QUERY);
        if (blueFingerprint.equals(greenFingerprint)) {
            return GuardrailRules.Schemas.equal(blueFingerprint);
        }
        return new GuardrailRules.Schemas(blueFingerprint, greenFingerprint,
                blue.list(SchemaFingerprint.COLUMNS, rs -> rs.getString(1)),
                green.list(SchemaFingerprint.COLUMNS, rs -> rs.getString(1)));
    }
}
