package io.bluegreen.monitor.lag;

import io.bluegreen.schemas.common.AlertKind;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.ToDoubleFunction;

/**
 * Micrometer gauges per upgrade and database, tagged {@code upgrade} and {@code database}, each with a
 * description; an unknown value reads NaN. {@link #remove(String)} drops an upgrade's gauges when it stops
 * being watched. The plan's lag threshold is a gauge beside the lag, so an alert rule compares the two per database.
 * Alerts this instance raised are counted by kind ({@value #RAISED_ALERTS}).
 */
public final class ReplicationGauges {

    /** The latest values of one database; read by the gauges. */
    static final class Values {
        volatile double lagBytes = Double.NaN;
        volatile double lagThresholdBytes = Double.NaN;
        volatile double retainedWalBytes = Double.NaN;
        volatile double safeWalSizeBytes = Double.NaN;
        volatile double workerAlive = Double.NaN;
        volatile double slotActive = Double.NaN;
        volatile double lastMessageAgeSeconds = Double.NaN;
        volatile double applyErrors = Double.NaN;
        volatile double syncErrors = Double.NaN;
        volatile double schemaDrift = Double.NaN;
        volatile double blueReachable = Double.NaN;
        volatile double greenReachable = Double.NaN;
        volatile double tablesNotReady = Double.NaN;
    }

    private record Key(String upgradeId, String database) {
    }

    private record Registered(Values values, List<Meter> meters) {
    }

    public static final String RAISED_ALERTS = "bluegreen.monitor.raised.alerts";
    /** The kinds of alert the monitor raises from its samples (the coordinator raises the data alerts). */
    private static final List<AlertKind> MONITORED = List.of(AlertKind.LAG_OVER_THRESHOLD, AlertKind.APPLY_WORKER_DOWN,
            AlertKind.APPLY_ERRORS_INCREASING, AlertKind.WAL_RETENTION_DANGER, AlertKind.SCHEMA_DRIFT,
            AlertKind.BLUE_UNREACHABLE, AlertKind.GREEN_UNREACHABLE);

    private final MeterRegistry registry;
    private final Map<Key, Registered> registered = new ConcurrentHashMap<>();

    public ReplicationGauges(MeterRegistry registry) {
        this.registry = registry;
        // at zero from the start, so that a rule on their increase sees the first raise
        for (AlertKind kind : MONITORED) {
            raisedAlerts(kind);
        }
    }

    public void record(ReplicationSample sample) {
        Values values = registered.computeIfAbsent(new Key(sample.upgradeId(), sample.database()),
                key -> register(key.upgradeId(), key.database())).values();
        values.lagBytes = number(sample.lagBytes());
        values.lagThresholdBytes = sample.lagThresholdBytes();
        values.retainedWalBytes = number(sample.retainedWalBytes());
        values.safeWalSizeBytes = sample.slotStatus() == null ? Double.NaN : number(sample.slotStatus().safeWalSizeBytes());
        values.slotActive = sample.slotStatus() == null ? Double.NaN : flag(sample.slotStatus().active());
        values.workerAlive = sample.greenReachable() ? flag(sample.workerAlive()) : Double.NaN;
        values.lastMessageAgeSeconds = sample.subscriptionStatus() == null
                || sample.subscriptionStatus().lastMessageAgeMs() == null ? Double.NaN
                : sample.subscriptionStatus().lastMessageAgeMs() / 1000.0;
        values.applyErrors = sample.subscriptionStatus() == null ? Double.NaN
                : number(sample.subscriptionStatus().applyErrors());
        values.syncErrors = sample.subscriptionStatus() == null ? Double.NaN
                : number(sample.subscriptionStatus().syncErrors());
        values.schemaDrift = sample.blueFingerprint() == null || sample.greenFingerprint() == null ? Double.NaN
                : flag(!sample.blueFingerprint().equals(sample.greenFingerprint()));
        values.blueReachable = flag(sample.blueReachable());
        values.greenReachable = flag(sample.greenReachable());
        values.tablesNotReady = sample.tablesNotReady().size();
    }

    /** Removes every gauge of the upgrade. */
    public void remove(String upgradeId) {
        registered.entrySet().removeIf(entry -> {
            if (!entry.getKey().upgradeId().equals(upgradeId)) {
                return false;
            }
            entry.getValue().meters().forEach(registry::remove);
            return true;
        });
    }

    /** An alert of this kind was raised (counted once per raise, not per sample). */
    public void alertRaised(AlertKind kind) {
        raisedAlerts(kind).increment();
    }

    private Counter raisedAlerts(AlertKind kind) {
        return Counter.builder(RAISED_ALERTS).baseUnit("alerts").description("Alerts this monitor instance raised, by kind")
                .tag("kind", kind.name()).register(registry);
    }

    public int databases() {
        return registered.size();
    }

    private Registered register(String upgradeId, String database) {
        Values values = new Values();
        Tags tags = Tags.of("upgrade", upgradeId, "database", database);
        List<Meter> meters = new ArrayList<>();
        meters.add(gauge("bluegreen.replication.lag.bytes", "Bytes of WAL on Blue not yet confirmed by Green's "
                + "subscription (pg_current_wal_lsn() - confirmed_flush_lsn of the slot)", "bytes", tags, values,
                v -> v.lagBytes));
        meters.add(gauge("bluegreen.replication.lag.threshold.bytes", "The plan's lag threshold: the switchover waits "
                + "until the lag stays under it for the hold time", "bytes", tags, values, v -> v.lagThresholdBytes));
        meters.add(gauge("bluegreen.replication.retained.wal.bytes", "Bytes of WAL Blue keeps for the slot "
                + "(pg_current_wal_lsn() - restart_lsn)", "bytes", tags, values, v -> v.retainedWalBytes));
        meters.add(gauge("bluegreen.replication.safe.wal.size.bytes", "Bytes that can still be written on Blue "
                + "before the slot risks losing WAL (safe_wal_size; NaN when unlimited)", "bytes", tags, values,
                v -> v.safeWalSizeBytes));
        meters.add(gauge("bluegreen.replication.slot.active", "1 when a walsender streams from the slot on Blue",
                null, tags, values, v -> v.slotActive));
        meters.add(gauge("bluegreen.replication.apply.worker.alive", "1 when the subscription's apply worker runs "
                + "on Green", null, tags, values, v -> v.workerAlive));
        meters.add(gauge("bluegreen.replication.last.message.age.seconds", "Seconds since Green's apply worker last "
                + "heard from Blue", "seconds", tags, values, v -> v.lastMessageAgeSeconds));
        // PostgreSQL's own counters, exported as counters (a statistics reset reads as a counter reset)
        meters.add(counter("bluegreen.replication.apply.errors", "Errors applying changes on Green "
                + "(pg_stat_subscription_stats.apply_error_count)", tags, values, v -> v.applyErrors));
        meters.add(counter("bluegreen.replication.sync.errors", "Errors copying tables on Green "
                + "(pg_stat_subscription_stats.sync_error_count)", tags, values, v -> v.syncErrors));
        meters.add(gauge("bluegreen.replication.schema.drift", "1 when the tables of the database differ between "
                + "Blue and Green", null, tags, values, v -> v.schemaDrift));
        meters.add(gauge("bluegreen.replication.tables.not.ready", "Tables of the subscription still in their "
                + "initial copy (pg_subscription_rel state other than ready)", null, tags, values,
                v -> v.tablesNotReady));
        meters.add(gauge("bluegreen.replication.blue.reachable", "1 when Blue answered the last sample", null, tags,
                values, v -> v.blueReachable));
        meters.add(gauge("bluegreen.replication.green.reachable", "1 when Green answered the last sample", null, tags,
                values, v -> v.greenReachable));
        return new Registered(values, List.copyOf(meters));
    }

    private Meter gauge(String name, String description, String unit, Tags tags, Values values,
                        ToDoubleFunction<Values> read) {
        Gauge.Builder<Values> builder = Gauge.builder(name, values, read).description(description).tags(tags);
        if (unit != null) {
            builder.baseUnit(unit);
        }
        return builder.register(registry);
    }

    private Meter counter(String name, String description, Tags tags, Values values, ToDoubleFunction<Values> read) {
        return FunctionCounter.builder(name, values, read).description(description).baseUnit("errors").tags(tags)
                .register(registry);
    }

    private static double number(Long value) {
        return value == null ? Double.NaN : value;
    }

    private static double flag(boolean value) {
        return value ? 1 : 0;
    }
}
