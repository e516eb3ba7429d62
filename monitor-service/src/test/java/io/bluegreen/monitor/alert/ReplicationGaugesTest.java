package io.bluegreen.monitor.alert;

import io.bluegreen.monitor.lag.ReplicationGauges;
import io.bluegreen.schemas.common.AlertKind;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ReplicationGaugesTest {

    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    private final ReplicationGauges gauges = new ReplicationGauges(registry);

    @Test
    void thePlansThresholdStandsBesideTheLagAndGoesWithTheUpgrade() {
        gauges.record(new Samples().lag(5000).build());
        assertEquals(5000, registry.get("bluegreen.replication.lag.bytes").tags("upgrade", "u-1", "database", "app")
                .gauge().value());
        assertEquals(1000, registry.get("bluegreen.replication.lag.threshold.bytes").tags("upgrade", "u-1", "database", "app")
                .gauge().value());
        assertEquals("bytes", registry.get("bluegreen.replication.lag.threshold.bytes").gauge().getId().getBaseUnit());
        gauges.remove("u-1");
        assertTrue(registry.find("bluegreen.replication.lag.threshold.bytes").gauges().isEmpty());
    }

    @Test
    void postgresErrorCountsAreCountersAndGoWithTheUpgrade() {
        gauges.record(new Samples().subscription(true, true, 3, 1).build());
        var apply = registry.get("bluegreen.replication.apply.errors").tags("upgrade", "u-1", "database", "app")
                .functionCounter();
        assertEquals(3, apply.count());
        assertEquals("errors", apply.getId().getBaseUnit());
        assertEquals(1, registry.get("bluegreen.replication.sync.errors").functionCounter().count());
        assertTrue(registry.find("bluegreen.replication.apply.errors").gauges().isEmpty(), "no gauge of a count");
        gauges.remove("u-1");
        assertTrue(registry.find("bluegreen.replication.apply.errors").functionCounters().isEmpty());
    }

    @Test
    void raisedAlertsAreCountedByKindFromZero() {
        assertEquals(0, registry.get(ReplicationGauges.RAISED_ALERTS).tag("kind", "SCHEMA_DRIFT").counter().count(),
                "every kind the monitor raises is there before the first raise");
        gauges.alertRaised(AlertKind.SCHEMA_DRIFT);
        gauges.alertRaised(AlertKind.SCHEMA_DRIFT);
        assertEquals(2, registry.get(ReplicationGauges.RAISED_ALERTS).tag("kind", "SCHEMA_DRIFT").counter().count());
        assertEquals(0, registry.get(ReplicationGauges.RAISED_ALERTS).tag("kind", "LAG_OVER_THRESHOLD").counter().count());
        assertEquals("alerts", registry.get(ReplicationGauges.RAISED_ALERTS).counters().iterator().next().getId().getBaseUnit());
    }
}
