package io.bluegreen.pg.switchover;

import io.bluegreen.schemas.common.GuardrailFinding;
import io.bluegreen.schemas.common.ReplicationNames;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.function.Function;

/**
 * The guardrails at the fence as pure decisions: what {@link Guardrails} measured on one database, in; every
 * guardrail that fails, out (empty: the database may be fenced). Each finding names what failed, where, and what
 * to do.
 */
public final class GuardrailRules {

    public static final String LAG = "lag";
    public static final String SUBSCRIPTION_DISABLED = "subscription_disabled";
    public static final String APPLY_WORKER = "apply_worker";
    public static final String APPLY_ERRORS = "apply_errors";
    public static final String SYNC_ERRORS = "sync_errors";
    public static final String SCHEMA_DRIFT = "schema_drift";
    public static final String PREPARED_TRANSACTIONS = "prepared_transactions";
    public static final String LONG_TRANSACTION = "long_transaction";
    public static final String UNPUBLISHED_TABLES = "unpublished_tables";

    /** How many objects a message names before it says how many more there are. */
    static final int NAMED = 10;

    /**
     * Blue's slot as {@code pg_replication_slots} shows it now.
     *
     * @param database  the slot's database (null for a physical slot)
     * @param lagBytes  Blue's {@code pg_current_wal_lsn()} minus {@code confirmed_flush_lsn}; null when the slot has
     *                  no confirmed position
     * @param walStatus {@code reserved}, {@code extended}, {@code unreserved} or {@code lost}
     */
    public record Slot(String database, String currentLsn, String confirmedFlushLsn, Long lagBytes, String walStatus) {
    }

    /**
     * Green's subscription now.
     *
     * @param applyWorkerAlive {@code pg_stat_subscription} shows its (leader) apply worker with a pid
     * @param applyErrors      {@code pg_stat_subscription_stats.apply_error_count}; null when Green has no such view
     * @param syncErrors       {@code pg_stat_subscription_stats.sync_error_count}; null likewise
     */
    public record Subscription(boolean enabled, boolean applyWorkerAlive, Long applyErrors, Long syncErrors) {
    }

    /** A prepared transaction of the database on Blue. */
    public record PreparedTransaction(String gid, String owner, long ageMs) {
    }

    /** A client session's transaction on Blue that holds a transaction id (it wrote or locked rows). */
    public record WriteTransaction(int pid, String user, String application, String state, long ageMs) {
    }

    /**
     * Both fingerprints ({@link io.bluegreen.schemas.SchemaFingerprint#QUERY}) and, when they differ, the entries
     * behind them ({@link io.bluegreen.schemas.SchemaFingerprint#COLUMNS}); empty lists when they are equal.
     */
    public record Schemas(String blueFingerprint, String greenFingerprint, List<String> blueColumns,
                          List<String> greenColumns) {
        public Schemas {
            blueColumns = List.copyOf(blueColumns);
            greenColumns = List.copyOf(greenColumns);
        }

        public static Schemas equal(String fingerprint) {
            return new Schemas(fingerprint, fingerprint, List.of(), List.of());
        }
    }

    /**
     * Everything measured for one database.
     *
     * @param blue              where Blue's session is ({@code database on BLUE host:port}), for messages
     * @param green             where Green's session is
     * @param slot              null when Blue has no slot of that name
     * @param subscription      null when Green's database has no subscription of that name
     * @param seesAllSessions   the agent's role may read every session's transaction in {@code pg_stat_activity}
     *                          (superuser or {@code pg_read_all_stats}); without it other users' transactions are
     *                          hidden
     * @param writeTransactions every other client session of the database on Blue with a transaction id, any age
     * @param publicationExists Blue has the publication
     * @param unpublishedTables Blue's tables the publication does not cover (empty when it is missing)
     */
    public record Facts(String database, String blue, String green, ReplicationNames names, Slot slot,
                        Subscription subscription, Schemas schemas, List<PreparedTransaction> prepared,
                        boolean seesAllSessions, List<WriteTransaction> writeTransactions, boolean publicationExists,
                        List<String> unpublishedTables) {
        public Facts {
            prepared = List.copyOf(prepared);
            writeTransactions = List.copyOf(writeTransactions);
            unpublishedTables = List.copyOf(unpublishedTables);
        }
    }

    private GuardrailRules() {
    }

    /** Every guardrail that fails, in a fixed order: lag, subscription, errors, schema, transactions, publication. */
    public static List<GuardrailFinding> findings(Facts facts, Guardrails.Limits limits) {
        List<GuardrailFinding> findings = new ArrayList<>();
        lag(facts, limits.lagThresholdBytes(), findings);
        subscription(facts, findings);
        errors(facts, limits.applyErrorsSeen(), limits.syncErrorsSeen(), findings);
        schemaDrift(facts, findings);
        preparedTransactions(facts, findings);
        longTransactions(facts, limits.maxTransactionAgeMs(), findings);
        unpublishedTables(facts, findings);
        return findings;
    }

    static void lag(Facts facts, long thresholdBytes, List<GuardrailFinding> findings) {
        String slotName = facts.names().getSlot();
        String slotWhere = "slot " + slotName + " on " + facts.blue();
        String limit = Long.toString(thresholdBytes);
        Slot slot = facts.slot();
        if (slot == null) {
            findings.add(finding(facts, LAG, null, limit, slotWhere + " does not exist: Green receives nothing from "
                    + "Blue, so its lag cannot be measured; set up replication for " + facts.database()
                    + " again (publication, slot, subscription) and let Green catch up before switching over"));
        } else if (!facts.database().equals(slot.database())) {
            findings.add(finding(facts, LAG, null, limit, slotWhere + " is not a logical slot of database "
                    + facts.database() + " (it belongs to " + (slot.database() == null ? "no database" : slot.database())
                    + "): drop it and set up replication for " + facts.database() + " again"));
        } else if ("lost".equals(slot.walStatus())) {
            findings.add(finding(facts, LAG, null, limit, slotWhere + " has wal_status lost: WAL that Green still "
                    + "needs is gone and Green can no longer catch up; rebuild Green (or roll back) instead of "
                    + "switching over"));
        } else if (slot.lagBytes() == null) {
            findings.add(finding(facts, LAG, null, limit, slotWhere + " has no confirmed_flush_lsn: Green has not "
                    + "confirmed any position yet; check that subscription " + facts.names().getSubscription()
                    + " on " + facts.green() + " uses this slot and is streaming, then switch over"));
        } else if (slot.lagBytes() > thresholdBytes) {
            findings.add(finding(facts, LAG, Long.toString(slot.lagBytes()), limit, slotWhere + " is " + slot.lagBytes()
                    + " bytes behind Blue (confirmed " + slot.confirmedFlushLsn() + ", Blue at " + slot.currentLsn()
                    + "), over the plan's threshold of " + thresholdBytes + " bytes: Green has not caught up; wait "
                    + "until the lag is under the threshold, then switch over"));
        }
    }

    static void subscription(Facts facts, List<GuardrailFinding> findings) {
        String name = facts.names().getSubscription();
        Subscription sub = facts.subscription();
        if (sub == null) {
            findings.add(finding(facts, SUBSCRIPTION_DISABLED, null, null, "subscription " + name + " does not exist on "
                    + facts.green() + ": Green receives nothing from Blue; create it again and let Green catch up "
                    + "before switching over"));
        } else if (!sub.enabled()) {
            findings.add(finding(facts, SUBSCRIPTION_DISABLED, "disabled", "enabled", "subscription " + name + " on "
                    + facts.green() + " is disabled: Green receives nothing from Blue; enable it (EnableSubscription, or "
                    + "ALTER SUBSCRIPTION " + name + " ENABLE), wait until the lag is under the threshold, then switch "
                    + "over"));
        } else if (!sub.applyWorkerAlive()) {
            findings.add(finding(facts, APPLY_WORKER, "no apply worker", "apply worker running", "subscription " + name
                    + " on " + facts.green() + " is enabled but its apply worker is not running (none in "
                    + "pg_stat_subscription): it failed and waits to restart, or cannot start; find the cause in Green's "
                    + "server log (a conflicting row on Green, Blue unreachable, no free worker slot), fix it, then "
                    + "switch over"));
        }
    }

    /**
     * New apply and sync errors: counts above those the caller saw in the monitor's last sample. A null count seen
     * means there is nothing to compare with: that guardrail passes whatever the count.
     */
    static void errors(Facts facts, Long applyErrorsSeen, Long syncErrorsSeen, List<GuardrailFinding> findings) {
        Subscription sub = facts.subscription();
        if (sub == null) {
            return;
        }
        String name = facts.names().getSubscription();
        if (above(sub.applyErrors(), applyErrorsSeen)) {
            findings.add(finding(facts, APPLY_ERRORS, Long.toString(sub.applyErrors()), Long.toString(applyErrorsSeen),
                    "subscription " + name + " on " + facts.green() + " has " + sub.applyErrors() + " apply error(s), "
                            + (sub.applyErrors() - applyErrorsSeen) + " since the monitor's last sample (" + applyErrorsSeen
                            + "): a change from Blue failed to apply on Green, typically a conflicting row written on "
                            + "Green; find it in Green's server log, resolve it on Green, wait until the lag is under "
                            + "the threshold, then switch over"));
        }
        if (above(sub.syncErrors(), syncErrorsSeen)) {
            findings.add(finding(facts, SYNC_ERRORS, Long.toString(sub.syncErrors()), Long.toString(syncErrorsSeen),
                    "subscription " + name + " on " + facts.green() + " has " + sub.syncErrors() + " table sync "
                            + "error(s), " + (sub.syncErrors() - syncErrorsSeen) + " since the monitor's last sample ("
                            + syncErrorsSeen + "): the initial copy of a table failed on Green; find the table in "
                            + "Green's server log, fix the cause, wait until every table is ready, then switch over"));
        }
    }

    private static boolean above(Long count, Long seen) {
        return count != null && seen != null && count > seen;
    }

    static void schemaDrift(Facts facts, List<GuardrailFinding> findings) {
        Schemas schemas = facts.schemas();
        if (Objects.equals(schemas.blueFingerprint(), schemas.greenFingerprint())) {
            return;
        }
        List<String> onlyBlue = minus(schemas.blueColumns(), schemas.greenColumns());
        List<String> onlyGreen = minus(schemas.greenColumns(), schemas.blueColumns());
        String difference = onlyBlue.isEmpty() && onlyGreen.isEmpty()
                ? "the definitions changed while they were read"
                : (onlyBlue.isEmpty() ? "" : "only on Blue: " + named(onlyBlue, Function.identity()))
                + (onlyBlue.isEmpty() || onlyGreen.isEmpty() ? "" : "; ")
                + (onlyGreen.isEmpty() ? "" : "only on Green: " + named(onlyGreen, Function.identity()));
        findings.add(finding(facts, SCHEMA_DRIFT, schemas.blueFingerprint(), schemas.greenFingerprint(),
                "the tables differ between " + facts.blue() + " and " + facts.green() + " (" + difference + "): DDL is not replicated and changes to these tables may "
                        + "fail to apply; run the same DDL on the other side (Green first for added columns), then "
                        + "switch over"));
    }

    static void preparedTransactions(Facts facts, List<GuardrailFinding> findings) {
        List<PreparedTransaction> prepared = facts.prepared();
        if (prepared.isEmpty()) {
            return;
        }
        findings.add(finding(facts, PREPARED_TRANSACTIONS, Integer.toString(prepared.size()), "0", prepared.size()
                + " prepared transaction(s) on " + facts.blue() + ": "
                + named(prepared, p -> "'" + p.gid() + "' (owner " + p.owner() + ", prepared " + p.ageMs() + " ms ago)")
                + ": they hold their locks and the fence cannot end them, and their changes reach Green only once "
                + "committed; finish each with COMMIT PREPARED or ROLLBACK PREPARED, then switch over"));
    }

    static void longTransactions(Facts facts, long maxAgeMs, List<GuardrailFinding> findings) {
        if (!facts.seesAllSessions()) {
            findings.add(finding(facts, LONG_TRANSACTION, null, Long.toString(maxAgeMs), "the agent's role on "
                    + facts.blue() + " cannot see other users' transactions in pg_stat_activity, so their age cannot be "
                    + "measured: grant it pg_read_all_stats (or pg_monitor), then switch over"));
            return;
        }
        List<WriteTransaction> old = facts.writeTransactions().stream().filter(t -> t.ageMs() > maxAgeMs)
                .sorted(Comparator.comparingLong(WriteTransaction::ageMs).reversed()).toList();
        if (old.isEmpty()) {
            return;
        }
        findings.add(finding(facts, LONG_TRANSACTION, Long.toString(old.get(0).ageMs()), Long.toString(maxAgeMs),
                old.size() + " transaction(s) on " + facts.blue() + " have held writes for longer than " + maxAgeMs
                        + " ms: " + named(old, t -> "pid " + t.pid() + " (user " + t.user() + ", application '"
                        + t.application() + "', " + t.state() + ", " + t.ageMs() + " ms)")
                        + ": the fence would terminate them and roll their work back; let them commit, or end them "
                        + "(pg_terminate_backend(pid)), then switch over"));
    }

    static void unpublishedTables(Facts facts, List<GuardrailFinding> findings) {
        String publication = facts.names().getPublication();
        if (!facts.publicationExists()) {
            findings.add(finding(facts, UNPUBLISHED_TABLES, null, "0", "publication " + publication + " does not exist on "
                    + facts.blue() + ": no change of " + facts.database() + " reaches Green; set up replication for "
                    + facts.database() + " again before switching over"));
            return;
        }
        List<String> tables = facts.unpublishedTables();
        if (tables.isEmpty()) {
            return;
        }
        findings.add(finding(facts, UNPUBLISHED_TABLES, Integer.toString(tables.size()), "0", tables.size()
                + " table(s) on " + facts.blue() + " are not in publication "
                + publication + ": " + named(tables, Function.identity()) + ": their changes never reach Green; "
                + "ALTER PUBLICATION " + publication + " ADD TABLE them on Blue and ALTER SUBSCRIPTION "
                + facts.names().getSubscription() + " REFRESH PUBLICATION on Green (copies their rows), wait until "
                + "they are ready, then switch over"));
    }

    private static GuardrailFinding finding(Facts facts, String check, String measured, String limit, String message) {
        return new GuardrailFinding(facts.database(), check, measured, limit, message);
    }

    /** The first {@value #NAMED} items, then how many more. */
    static <T> String named(List<T> items, Function<T, String> name) {
        List<String> names = items.stream().limit(NAMED).map(name).toList();
        return String.join(", ", names) + (items.size() > NAMED ? " and " + (items.size() - NAMED) + " more" : "");
    }

    private static List<String> minus(List<String> from, List<String> remove) {
        Set<String> removed = Set.copyOf(remove);
        return List.copyOf(new LinkedHashSet<>(from.stream().filter(entry -> !removed.contains(entry)).toList()));
    }
}
