package io.bluegreen.coordinator.fleet;

import io.bluegreen.schemas.monitor.ReplicationLagMeasured;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

class LagSamplesTest {

    private static final Instant T0 = Instant.parse("2026-12-01T08:00:00Z");

    private static ReplicationLagMeasured sample(String upgrade, String db, Instant at, Long lag) {
        return ReplicationLagMeasured.newBuilder().setUpgradeId(upgrade).setDatabase(db).setOccurredAt(at)
                .setLagBytes(lag).setBlueReachable(true).setGreenReachable(true).setSlotActive(true).setWorkerAlive(true)
                .build();
    }

    private static List<Long> lags(LagSamples samples, String upgrade, String db) {
        return samples.history(upgrade).get(db).stream().map(LagView.Point::lagBytes).toList();
    }

    @Test
    void keepsAtMostMaxPointsPerDatabaseTheNewest() {
        LagSamples samples = new LagSamples(3, Duration.ofHours(1));
        for (long i = 0; i < 5; i++) {
            samples.add(sample("u", "app", T0.plusSeconds(i), i * 100));
        }
        samples.add(sample("u", "billing", T0, 7L));
        assertEquals(List.of(200L, 300L, 400L), lags(samples, "u", "app"));
        assertEquals(List.of(7L), lags(samples, "u", "billing"), "each database has its own history");
        assertEquals(400L, samples.latest("u").get("app").getLagBytes());
    }

    @Test
    void dropsPointsOlderThanTheWindowBehindTheNewest() {
        LagSamples samples = new LagSamples(100, Duration.ofMinutes(1));
        samples.add(sample("u", "app", T0, 1L));
        samples.add(sample("u", "app", T0.plusSeconds(30), 2L));
        samples.add(sample("u", "app", T0.plusSeconds(61), 3L));
        assertEquals(List.of(2L, 3L), lags(samples, "u", "app"));
    }

    @Test
    void aLateSampleGoesInItsPlaceAndDoesNotReplaceTheLatest() {
        LagSamples samples = new LagSamples(10, Duration.ofHours(1));
        samples.add(sample("u", "app", T0, 1L));
        samples.add(sample("u", "app", T0.plusSeconds(20), 3L));
        samples.add(sample("u", "app", T0.plusSeconds(10), 2L));
        assertEquals(List.of(1L, 2L, 3L), lags(samples, "u", "app"));
        assertEquals(3L, samples.latest("u").get("app").getLagBytes());
    }

    @Test
    void anUnmeasuredLagIsAPointWithoutAValue() {
        LagSamples samples = new LagSamples(10, Duration.ofHours(1));
        samples.add(sample("u", "app", T0, null));
        assertNull(samples.history("u").get("app").get(0).lagBytes());
        assertEquals(T0, samples.history("u").get("app").get(0).at());
    }

    @Test
    void pruneForgetsDatabasesThatStoppedReporting() {
        LagSamples samples = new LagSamples(10, Duration.ofHours(1));
        samples.add(sample("old", "app", T0, 1L));
        samples.add(sample("new", "app", T0.plusSeconds(600), 1L));
        samples.prune(T0.plusSeconds(300));
        assertTrue(samples.history("old").isEmpty());
        assertTrue(samples.latest("old").isEmpty());
        assertEquals(1, samples.history("new").get("app").size());
    }
}
