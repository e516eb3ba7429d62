package io.bluegreen.monitor.alert;

import io.bluegreen.monitor.lag.ReplicationSample;
import io.bluegreen.schemas.common.AlertKind;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Supplier;

/**
 * The alerts of one upgrade: feeds each sample through {@link AlertConditions} and each kind's
 * {@link Hysteresis}, and says which alerts to raise or clear. Open alerts can be restored (from the alerts
 * topic) so a restarted monitor clears what an earlier one raised, with the same id, and never raises it twice.
 * Not thread-safe: one upgrade's samples are handled one at a time.
 */
public final class AlertTracker {

    private final String upgradeId;
    private final AlertSettings settings;
    private final Supplier<String> ids;
    private final Map<AlertKey, Hysteresis.Track> tracks = new HashMap<>();
    private final Map<AlertKey, String> openIds = new HashMap<>();
    private final Map<String, Long> lastErrors = new HashMap<>();

    public AlertTracker(String upgradeId, AlertSettings settings) {
        this(upgradeId, settings, () -> UUID.randomUUID().toString());
    }

    public AlertTracker(String upgradeId, AlertSettings settings, Supplier<String> ids) {
        this.upgradeId = upgradeId;
        this.settings = settings;
        this.ids = ids;
    }

    /** Alerts raised before this tracker existed and not cleared since. */
    public void restore(Map<AlertKey, String> open) {
        open.forEach((key, alertId) -> {
            openIds.put(key, alertId);
            tracks.put(key, Hysteresis.Track.RAISED);
        });
    }

    public Map<AlertKey, String> open() {
        return Map.copyOf(openIds);
    }

    public List<AlertChange> observe(ReplicationSample sample) {
        Map<AlertKind, Condition> conditions = AlertConditions.of(sample, lastErrors.get(sample.database()), settings);
        if (sample.errorCount() != null) {
            lastErrors.put(sample.database(), sample.errorCount());
        }
        List<AlertChange> changes = new ArrayList<>();
        conditions.forEach((kind, condition) -> {
            AlertKey key = new AlertKey(sample.database(), kind);
            Hysteresis.Step step = settings.hysteresis(kind).next(tracks.getOrDefault(key, Hysteresis.Track.QUIET),
                    condition.status());
            tracks.put(key, step.track());
            switch (step.transition()) {
                case RAISE -> {
                    String alertId = ids.get();
                    openIds.put(key, alertId);
                    changes.add(new AlertChange.Raised(alertId, upgradeId, key, sample.occurredAt(),
                            AlertChange.severityOf(kind), condition.value(), condition.threshold(), condition.message()));
                }
                case CLEAR -> {
                    String alertId = openIds.remove(key);
                    changes.add(new AlertChange.Cleared(alertId, upgradeId, key, sample.occurredAt(), condition.value()));
                }
                case NONE -> {
                }
            }
        });
        return changes;
    }
}
