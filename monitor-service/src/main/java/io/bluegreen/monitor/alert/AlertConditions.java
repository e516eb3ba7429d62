package io.bluegreen.monitor.alert;

import io.bluegreen.monitor.lag.ReplicationSample;
import io.bluegreen.monitor.lag.SlotStatus;
import io.bluegreen.monitor.lag.SubscriptionStatus;
import io.bluegreen.schemas.common.AlertKind;

import java.util.EnumMap;
import java.util.Map;
import java.util.Set;

/**
 * What one sample says about each alert kind. Pure: the sample, the previous error count and the settings in,
 * one {@link Condition} per kind out. Messages say what, where and what to do.
 */
public final class AlertConditions {

    private static final Set<String> WAL_DANGER = Set.of("unreserved", "lost");
    private static final Set<String> WAL_SAFE = Set.of("reserved", "extended");

    private AlertConditions() {
    }

    public static Map<AlertKind, Condition> of(ReplicationSample sample, Long previousErrors, AlertSettings settings) {
        Map<AlertKind, Condition> conditions = new EnumMap<>(AlertKind.class);
        conditions.put(AlertKind.BLUE_UNREACHABLE, sample.blueReachable() ? Condition.healthy(null)
                : Condition.breaching(null, null, "Blue " + sample.blue() + " database " + sample.database()
                + " cannot be sampled: " + sample.blueFailure().message()
                + sqlState(sample.blueFailure().sqlState()) + "; check the server, the network and the credentials '"
                + sample.blue().credentialsRef() + "'"));
        conditions.put(AlertKind.GREEN_UNREACHABLE, sample.greenReachable() ? Condition.healthy(null)
                : Condition.breaching(null, null, "Green " + sample.green() + " database " + sample.database()
                + " cannot be sampled: " + sample.greenFailure().message()
                + sqlState(sample.greenFailure().sqlState()) + "; check the server, the network and the credentials '"
                + sample.green().credentialsRef() + "'"));
        conditions.put(AlertKind.LAG_OVER_THRESHOLD, lag(sample, settings));
        conditions.put(AlertKind.APPLY_WORKER_DOWN, worker(sample));
        conditions.put(AlertKind.APPLY_ERRORS_INCREASING, errors(sample, previousErrors));
        conditions.put(AlertKind.WAL_RETENTION_DANGER, wal(sample, settings));
        conditions.put(AlertKind.SCHEMA_DRIFT, drift(sample));
        return conditions;
    }

    static Condition lag(ReplicationSample sample, AlertSettings settings) {
        Long lag = sample.lagBytes();
        if (!sample.blueReachable() || lag == null) {
            return Condition.undecided(lag == null ? null : lag.doubleValue());
        }
        long threshold = sample.lagThresholdBytes();
        if (lag > threshold) {
            return Condition.breaching((double) lag, (double) threshold, "Green is " + lag + " bytes behind Blue "
                    + sample.blue() + " in database " + sample.database() + " (slot " + sample.slot() + ", threshold "
                    + threshold + " bytes): switchover waits; check Green's apply worker, long transactions and "
                    + "write volume on Blue");
        }
        return lag <= threshold * settings.clearRatio() ? Condition.healthy((double) lag)
                : Condition.undecided((double) lag);
    }

    static Condition worker(ReplicationSample sample) {
        if (!sample.greenReachable()) {
            return Condition.undecided(null);
        }
        SubscriptionStatus subscription = sample.subscriptionStatus();
        String where = "subscription " + sample.subscription() + " in database " + sample.database() + " on Green "
                + sample.green();
        if (subscription == null) {
            return Condition.breaching(0.0, null, where + " does not exist: nothing replicates; recreate it "
                    + "(CreateSubscription) or roll the upgrade back");
        }
        if (subscription.workerAlive()) {
            return Condition.healthy(1.0);
        }
        if (!subscription.enabled()) {
            return Condition.breaching(0.0, null, where + " is disabled, so no apply worker runs: enable it "
                    + "(ALTER SUBSCRIPTION " + sample.subscription() + " ENABLE) unless it was paused on purpose");
        }
        return Condition.breaching(0.0, null, "no apply worker runs for " + where + " although it is enabled: read "
                + "Green's server log and pg_stat_subscription_stats; check max_logical_replication_workers and that "
                + "slot " + sample.slot() + " exists on Blue " + sample.blue());
    }

    static Condition errors(ReplicationSample sample, Long previousErrors) {
        Long errors = sample.errorCount();
        if (errors == null || previousErrors == null) {
            return Condition.undecided(errors == null ? null : errors.doubleValue());
        }
        if (errors > previousErrors) {
            SubscriptionStatus subscription = sample.subscriptionStatus();
            return Condition.breaching(errors.doubleValue(), previousErrors.doubleValue(), "subscription "
                    + sample.subscription() + " in database " + sample.database() + " on Green " + sample.green()
                    + " keeps failing: apply errors " + subscription.applyErrors() + ", sync errors "
                    + subscription.syncErrors() + " (was " + previousErrors + " in total); read Green's server log "
                    + "for the failing change (duplicate keys, missing columns, permissions) and fix it on Green");
        }
        return Condition.healthy(errors.doubleValue());
    }

    static Condition wal(ReplicationSample sample, AlertSettings settings) {
        SlotStatus slot = sample.slotStatus();
        if (!sample.blueReachable() || slot == null) {
            return Condition.undecided(null);
        }
        long limit = settings.walRetentionLimitBytes();
        Long retained = slot.retainedWalBytes();
        Double value = retained == null ? null : retained.doubleValue();
        String where = "slot " + sample.slot() + " on Blue " + sample.blue() + " (database " + sample.database() + ")";
        if (slot.walStatus() != null && WAL_DANGER.contains(slot.walStatus())) {
            return Condition.breaching(value, (double) limit, where + " has wal_status " + slot.walStatus()
                    + ("lost".equals(slot.walStatus())
                    ? ": WAL it needs is gone, Green can no longer catch up; rebuild Green or roll back"
                    : ": its WAL will be removed at the next checkpoint; let Green catch up now or raise max_slot_wal_keep_size"));
        }
        if (retained != null && retained > limit) {
            return Condition.breaching(value, (double) limit, where + " retains " + retained + " bytes of WAL, over the "
                    + "limit of " + limit + " bytes: Blue's disk fills while Green lags; let Green catch up, or roll "
                    + "back before the disk is full");
        }
        boolean safe = slot.walStatus() == null || WAL_SAFE.contains(slot.walStatus());
        if (safe && (retained == null || retained <= limit * settings.clearRatio())) {
            return Condition.healthy(value);
        }
        return Condition.undecided(value);
    }

    static Condition drift(ReplicationSample sample) {
        String blue = sample.blueFingerprint();
        String green = sample.greenFingerprint();
        if (blue == null || green == null) {
            return Condition.undecided(null);
        }
        if (!blue.equals(green)) {
            return Condition.breaching(1.0, null, "the tables of database " + sample.database() + " differ between "
                    + "Blue " + sample.blue() + " and Green " + sample.green() + ": DDL ran on one side during "
                    + "replication and is not replicated; apply the same DDL on the other side (Green first for "
                    + "added columns) or changes will fail to apply");
        }
        return Condition.healthy(0.0);
    }

    private static String sqlState(String sqlState) {
        return sqlState == null ? "" : " (SQLSTATE " + sqlState + ")";
    }
}
