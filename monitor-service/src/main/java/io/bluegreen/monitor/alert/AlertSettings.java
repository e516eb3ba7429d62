package io.bluegreen.monitor.alert;

import io.bluegreen.schemas.common.AlertKind;

/**
 * Alert thresholds and hysteresis. Lag's threshold comes from each upgrade's plan; the clear level of lag and of
 * retained WAL is {@code clearRatio} times the threshold.
 *
 * @param walRetentionLimitBytes retained WAL above which Blue's disk is in danger
 * @param clearRatio             a raised lag or WAL alert clears only below this fraction of its threshold
 * @param raiseAfter             breaching samples in a row before an alert is raised
 * @param clearAfter             healthy samples in a row before an alert clears
 * @param errorsClearAfter       samples without a new apply or sync error before that alert clears (workers retry
 *                               every few seconds, so errors come in bursts)
 */
public record AlertSettings(long walRetentionLimitBytes, double clearRatio, int raiseAfter, int clearAfter,
                            int errorsClearAfter) {

    public AlertSettings {
        if (clearRatio <= 0 || clearRatio > 1) {
            throw new IllegalArgumentException("bluegreen.monitor.alerts.clear-ratio must be in (0, 1], got " + clearRatio);
        }
    }

    public Hysteresis hysteresis(AlertKind kind) {
        return switch (kind) {
            case APPLY_ERRORS_INCREASING -> new Hysteresis(1, errorsClearAfter);
            default -> new Hysteresis(raiseAfter, clearAfter);
        };
    }
}
