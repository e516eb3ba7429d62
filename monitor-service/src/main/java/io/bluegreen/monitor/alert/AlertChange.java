package io.bluegreen.monitor.alert;

import io.bluegreen.schemas.common.AlertKind;
import io.bluegreen.schemas.common.Severity;

import java.time.Instant;

/** An alert raised or cleared; the raise and the clear of one alert share its id. */
public sealed interface AlertChange {

    String alertId();

    String upgradeId();

    AlertKey key();

    Instant occurredAt();

    record Raised(String alertId, String upgradeId, AlertKey key, Instant occurredAt, Severity severity, Double value,
                  Double threshold, String message) implements AlertChange {
    }

    record Cleared(String alertId, String upgradeId, AlertKey key, Instant occurredAt, Double value)
            implements AlertChange {
    }

    static Severity severityOf(AlertKind kind) {
        return kind == AlertKind.LAG_OVER_THRESHOLD ? Severity.WARNING : Severity.ERROR;
    }
}
