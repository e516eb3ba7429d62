package io.bluegreen.coordinator.fleet;

import io.bluegreen.schemas.common.AlertKind;
import io.bluegreen.schemas.common.Severity;
import io.bluegreen.schemas.monitor.AlertCleared;
import io.bluegreen.schemas.monitor.AlertRaised;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class OpenAlertsTest {

    private static final Instant T0 = Instant.parse("2026-12-01T08:00:00Z");

    private static AlertRaised raised(String upgrade, String id, Instant at) {
        return new AlertRaised(upgrade, at, id, AlertKind.LAG_OVER_THRESHOLD, Severity.WARNING, "app", 5000.0, 1000.0, "lag high");
    }

    private static AlertCleared cleared(String upgrade, String id) {
        return new AlertCleared(upgrade, T0.plusSeconds(60), id, AlertKind.LAG_OVER_THRESHOLD, "app", 10.0);
    }

    @Test
    void openIsRaisedMinusClearedPerUpgradeOldestFirst() {
        AlertView.OpenAlerts open = new AlertView.OpenAlerts();
        open.apply(raised("u1", "a2", T0.plusSeconds(5)));
        open.apply(raised("u1", "a1", T0));
        open.apply(raised("u1", "a3", T0.plusSeconds(9)));
        open.apply(raised("u2", "b1", T0));
        open.apply(cleared("u1", "a3"));
        assertEquals(List.of("a1", "a2"), open.of("u1").stream().map(AlertRaised::getAlertId).toList());
        assertEquals(List.of("b1"), open.of("u2").stream().map(AlertRaised::getAlertId).toList());
    }

    @Test
    void aClearedAlertOfAnotherUpgradeOrUnknownIdChangesNothing() {
        AlertView.OpenAlerts open = new AlertView.OpenAlerts();
        open.apply(raised("u1", "a1", T0));
        open.apply(cleared("u2", "a1"));
        open.apply(cleared("u1", "zz"));
        assertEquals(1, open.of("u1").size());
        open.apply(cleared("u1", "a1"));
        assertTrue(open.of("u1").isEmpty());
        assertTrue(open.of("nobody").isEmpty());
    }
}
