package io.bluegreen.coordinator.api;

import io.bluegreen.schemas.monitor.AlertRaised;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.serde.annotation.Serdeable;

/** An alert raised for an upgrade and not cleared yet ({@code GET /upgrades/{id}/alerts}). */
@Serdeable
public record OpenAlert(String alertId, String kind, String severity, String database, @Nullable Double value,
                        @Nullable Double threshold, String message, String raisedAt) {

    static OpenAlert of(AlertRaised a) {
        return new OpenAlert(a.getAlertId(), a.getKind().name(), a.getSeverity().name(), a.getDatabase(), a.getValue(),
                a.getThreshold(), a.getMessage(), a.getOccurredAt().toString());
    }
}
