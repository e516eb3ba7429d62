package io.bluegreen.monitor.lag;

import io.bluegreen.runtime.logging.LogContext;
import io.bluegreen.monitor.alert.AlertChange;
import io.bluegreen.monitor.alert.AlertKey;
import io.bluegreen.monitor.alert.AlertSettings;
import io.bluegreen.monitor.alert.AlertTracker;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The upgrades this instance watches, and what happens to each sample: it is published, it moves the gauges,
 * and it goes through the upgrade's {@link AlertTracker}, whose raises and clears are published too.
 * {@link #watch} and {@link #unwatch} are called as the upgrade events are folded (and partitions come and go).
 */
public final class ReplicationMonitor implements SampleHandler {

    private static final Logger LOG = LoggerFactory.getLogger(ReplicationMonitor.class);

    private static final class Watch {
        final WatchedUpgrade upgrade;
        final AlertTracker alerts;
        Instant lastSampleAt = Instant.EPOCH;
        boolean ended;

        Watch(WatchedUpgrade upgrade, AlertTracker alerts) {
            this.upgrade = upgrade;
            this.alerts = alerts;
        }
    }

    private final Map<String, Watch> watches = new ConcurrentHashMap<>();
    private final AlertSettings alertSettings;
    private final ReplicationGauges gauges;
    private final MonitorOutput output;

    public ReplicationMonitor(AlertSettings alertSettings, ReplicationGauges gauges, MonitorOutput output) {
        this.alertSettings = alertSettings;
        this.gauges = gauges;
        this.output = output;
    }

    /**
     * Starts (or restarts with new settings) watching an upgrade, with the alerts still open for it.
     */
    public void watch(WatchedUpgrade upgrade, Map<AlertKey, String> openAlerts) {
        AlertTracker tracker = new AlertTracker(upgrade.upgradeId(), alertSettings);
        Watch previous = watches.get(upgrade.upgradeId());
        if (previous != null) {
            synchronized (previous) {
                previous.ended = true;
                tracker.restore(previous.alerts.open());
                gauges.remove(upgrade.upgradeId()); // the databases may have changed
            }
        } else {
            tracker.restore(openAlerts);
        }
        watches.put(upgrade.upgradeId(), new Watch(upgrade, tracker));
        LogContext.run(upgrade.upgradeId(), () -> LOG.info(
                "Watching upgrade {}: {} database(s), Blue {}, Green {}, lag threshold {} bytes, {} open alert(s)",
                upgrade.upgradeId(), upgrade.databases().size(), upgrade.blue(), upgrade.green(),
                upgrade.lagThresholdBytes(), tracker.open().size()));
    }

    /** Stops watching an upgrade and removes its gauges. */
    public void unwatch(String upgradeId, String why) {
        Watch watch = watches.remove(upgradeId);
        if (watch != null) {
            synchronized (watch) {
                watch.ended = true;
                gauges.remove(upgradeId);
            }
            LogContext.run(upgradeId, () -> LOG.info("No longer watching upgrade {}: {}", upgradeId, why));
        }
    }

    public boolean watching(String upgradeId) {
        return watches.containsKey(upgradeId);
    }

    public List<WatchedUpgrade> watched() {
        return watches.values().stream().map(watch -> watch.upgrade).toList();
    }

    @Override
    public void handle(WatchedUpgrade upgrade, List<ReplicationSample> samples) {
        LogContext.run(upgrade.upgradeId(), () -> handleSamples(upgrade, samples));
    }

    private void handleSamples(WatchedUpgrade upgrade, List<ReplicationSample> samples) {
        Watch watch = watches.get(upgrade.upgradeId());
        if (watch == null || watch.upgrade != upgrade) {
            return; // unwatched (or rewatched with new settings) while this sample was taken
        }
        synchronized (watch) {
            if (watch.ended || samples.isEmpty() || !samples.get(0).occurredAt().isAfter(watch.lastSampleAt)) {
                return; // a late answer from an older tick
            }
            watch.lastSampleAt = samples.get(0).occurredAt();
            for (ReplicationSample sample : samples) {
                gauges.record(sample);
                output.sampled(sample);
                for (AlertChange change : watch.alerts.observe(sample)) {
                    if (change instanceof AlertChange.Raised raised) {
                        gauges.alertRaised(raised.key().kind());
                        LOG.warn("Alert {} raised for upgrade {}: {}", raised.key().kind(), raised.upgradeId(),
                                raised.message());
                    } else {
                        LOG.info("Alert {} cleared for upgrade {} database {}", change.key().kind(), change.upgradeId(),
                                change.key().database());
                    }
                    output.alert(change);
                }
            }
        }
    }
}
