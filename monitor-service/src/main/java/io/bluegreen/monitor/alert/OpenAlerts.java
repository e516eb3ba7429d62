package io.bluegreen.monitor.alert;

import io.bluegreen.schemas.monitor.AlertCleared;
import io.bluegreen.schemas.monitor.AlertRaised;
import org.apache.avro.specific.SpecificRecord;

import java.util.HashMap;
import java.util.Map;

/**
 * The alerts still open, as a fold of the alerts topic: an {@code AlertRaised} opens its key, the
 * {@code AlertCleared} with the same id closes it. Pure.
 */
public final class OpenAlerts {

    private final Map<String, Map<AlertKey, String>> byUpgrade = new HashMap<>();

    public void apply(SpecificRecord message) {
        if (message instanceof AlertRaised raised) {
            byUpgrade.computeIfAbsent(raised.getUpgradeId(), id -> new HashMap<>())
                    .put(new AlertKey(raised.getDatabase(), raised.getKind()), raised.getAlertId());
        } else if (message instanceof AlertCleared cleared) {
            Map<AlertKey, String> open = byUpgrade.get(cleared.getUpgradeId());
            if (open != null) {
                open.entrySet().removeIf(entry -> entry.getValue().equals(cleared.getAlertId()));
            }
        }
    }

    public Map<AlertKey, String> of(String upgradeId) {
        return Map.copyOf(byUpgrade.getOrDefault(upgradeId, Map.of()));
    }
}
