package io.bluegreen.monitor.alert;

import io.bluegreen.schemas.common.AlertKind;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

class AlertTrackerTest {

    private static final AlertSettings SETTINGS = new AlertSettings(10_000, 0.8, 2, 2, 3);
    private final AtomicInteger ids = new AtomicInteger();
    private final AlertTracker tracker = new AlertTracker("u-1", SETTINGS, () -> "alert-" + ids.incrementAndGet());
    private Instant at = Instant.parse("2026-11-24T10:00:00Z");

    private List<AlertChange> feed(Samples... samples) {
        List<AlertChange> changes = new ArrayList<>();
        for (Samples sample : samples) {
            at = at.plusSeconds(5);
            changes.addAll(tracker.observe(sample.at(at).build()));
        }
        return changes;
    }

    @Test
    void lagHoveringAtTheThresholdRaisesOnceAndClearsOnceWithTheSameId() {
        List<AlertChange> changes = feed(new Samples().lag(1001), new Samples().lag(1500), new Samples().lag(999),
                new Samples().lag(1200), new Samples().lag(900), new Samples().lag(1100), new Samples().lag(100),
                new Samples().lag(0), new Samples().lag(0));
        assertEquals(2, changes.size(), changes.toString());
        AlertChange.Raised raised = assertInstanceOf(AlertChange.Raised.class, changes.get(0));
        AlertChange.Cleared cleared = assertInstanceOf(AlertChange.Cleared.class, changes.get(1));
        assertEquals(AlertKind.LAG_OVER_THRESHOLD, raised.key().kind());
        assertEquals(1500.0, raised.value());
        assertEquals(1000.0, raised.threshold());
        assertEquals(raised.alertId(), cleared.alertId());
        assertEquals(raised.key(), cleared.key());
    }

    @Test
    void everyErrorIncreaseRaisesAtOnceAndClearsAfterQuietSamples() {
        List<AlertChange> changes = feed(new Samples().subscription(true, true, 0, 0),
                new Samples().subscription(true, false, 1, 0), new Samples().subscription(true, true, 2, 0),
                new Samples().subscription(true, true, 2, 0), new Samples().subscription(true, true, 2, 0),
                new Samples().subscription(true, true, 2, 0));
        List<AlertChange> errors = changes.stream()
                .filter(c -> c.key().kind() == AlertKind.APPLY_ERRORS_INCREASING).toList();
        assertEquals(2, errors.size(), changes.toString());
        assertInstanceOf(AlertChange.Raised.class, errors.get(0));
        assertInstanceOf(AlertChange.Cleared.class, errors.get(1));
        assertTrue(changes.stream().noneMatch(c -> c.key().kind() == AlertKind.APPLY_WORKER_DOWN),
                "one sample without a worker is not an outage: " + changes);
    }

    @Test
    void aRestoredAlertIsNotRaisedAgainAndClearsWithItsOriginalId() {
        tracker.restore(Map.of(new AlertKey("app", AlertKind.SCHEMA_DRIFT), "raised-earlier"));
        List<AlertChange> changes = feed(new Samples().fingerprints("a", "b"), new Samples().fingerprints("a", "b"),
                new Samples().fingerprints("a", "a"), new Samples().fingerprints("a", "a"));
        assertEquals(1, changes.size(), changes.toString());
        AlertChange.Cleared cleared = assertInstanceOf(AlertChange.Cleared.class, changes.get(0));
        assertEquals("raised-earlier", cleared.alertId());
        assertTrue(tracker.open().isEmpty());
    }

    @Test
    void anUnreachableBlueRaisesOneAlertAndLeavesLagAlone() {
        List<AlertChange> changes = feed(new Samples().lag(5000), new Samples().lag(5000), new Samples().blueDown(),
                new Samples().blueDown(), new Samples().blueDown());
        assertEquals(List.of(AlertKind.LAG_OVER_THRESHOLD, AlertKind.BLUE_UNREACHABLE),
                changes.stream().map(c -> c.key().kind()).toList());
        assertTrue(changes.stream().allMatch(AlertChange.Raised.class::isInstance));
    }
}
