package io.bluegreen.monitor.alert;

import io.bluegreen.schemas.common.AlertKind;
import io.bluegreen.schemas.common.Severity;
import io.bluegreen.schemas.monitor.AlertCleared;
import io.bluegreen.schemas.monitor.AlertRaised;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;

class OpenAlertsTest {

    private static AlertRaised raised(String upgrade, String id, AlertKind kind) {
        return AlertRaised.newBuilder().setUpgradeId(upgrade).setOccurredAt(Instant.EPOCH).setAlertId(id)
                .setKind(kind).setSeverity(Severity.ERROR).setDatabase("app").setMessage("m").build();
    }

    private static AlertCleared cleared(String upgrade, String id, AlertKind kind) {
        return AlertCleared.newBuilder().setUpgradeId(upgrade).setOccurredAt(Instant.EPOCH).setAlertId(id)
                .setKind(kind).setDatabase("app").build();
    }

    @Test
    void keepsRaisedAlertsWithoutTheirClear() {
        OpenAlerts open = new OpenAlerts();
        open.apply(raised("u-1", "a1", AlertKind.LAG_OVER_THRESHOLD));
        open.apply(cleared("u-1", "a1", AlertKind.LAG_OVER_THRESHOLD));
        open.apply(raised("u-1", "a2", AlertKind.LAG_OVER_THRESHOLD));
        open.apply(raised("u-1", "a3", AlertKind.SCHEMA_DRIFT));
        open.apply(raised("u-2", "b1", AlertKind.APPLY_WORKER_DOWN));
        open.apply(cleared("u-1", "unrelated", AlertKind.SCHEMA_DRIFT));
        assertEquals(Map.of(new AlertKey("app", AlertKind.LAG_OVER_THRESHOLD), "a2",
                new AlertKey("app", AlertKind.SCHEMA_DRIFT), "a3"), open.of("u-1"));
        assertEquals(Map.of(), open.of("u-3"));
    }
}
