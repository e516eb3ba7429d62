package io.bluegreen.coordinator.fleet;

import io.bluegreen.coordinator.saga.UpgradeState;
import io.bluegreen.schemas.common.FailureReason;
import io.bluegreen.schemas.common.RepointMethod;
import io.bluegreen.schemas.common.UpgradePhase;
import io.bluegreen.schemas.event.RolledBack;
import io.bluegreen.schemas.event.StepCompleted;
import io.bluegreen.schemas.event.StepFailureRecorded;
import io.bluegreen.schemas.event.SwitchoverAborted;
import io.bluegreen.schemas.event.UpgradeCompleted;
import io.bluegreen.schemas.event.UpgradeFailed;
import io.bluegreen.schemas.event.WriterEndpointChanged;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.distribution.CountAtBucket;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static io.bluegreen.coordinator.fleet.MeterHistories.T0;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SagaMetersTest {

    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    private final SagaMeters meters = new SagaMeters(registry);

    private static UpgradeState slotPending() {
        return new MeterHistories("upg", T0).enter(UpgradePhase.PREPARING_BLUE, T0)
                .dispatch("CreateSlot", "slot-1", T0, T0.plusSeconds(120)).state();
    }

    private static WriterEndpointChanged repointed(Instant fencedAt, Instant at) {
        return new WriterEndpointChanged("upg", "ev", null, at, "orders", "blue.local", 5432, "green.local", 5433,
                List.of("app"), RepointMethod.EVENT, fencedAt);
    }

    @Test
    void theWriteUnavailableWindowRunsFromTheFenceToTheRepointIntoItsBuckets() {
        Instant fencedAt = T0.plusSeconds(100);
        List<SagaMeters.Observation> seen = SagaMeters.observe(slotPending(), repointed(fencedAt, fencedAt.plusMillis(1700)));
        assertEquals(List.of(new SagaMeters.Fenced("repointed", Duration.ofMillis(1700))), seen);
        meters.record(seen);
        Timer window = registry.get(SagaMeters.WRITE_UNAVAILABLE).tag("outcome", "repointed").timer();
        assertEquals(1, window.count());
        assertEquals(1.7, window.totalTime(TimeUnit.SECONDS), 1e-9);
        CountAtBucket[] buckets = window.takeSnapshot().histogramCounts();
        assertTrue(Arrays.stream(buckets).anyMatch(b -> b.bucket(TimeUnit.SECONDS) == 2.0 && b.count() == 1),
                "the 2 s bucket holds it: " + Arrays.toString(buckets));
        assertTrue(Arrays.stream(buckets).anyMatch(b -> b.bucket(TimeUnit.SECONDS) == 1.0 && b.count() == 0));
        assertEquals(0, registry.get(SagaMeters.WRITE_UNAVAILABLE).tag("outcome", "aborted").timer().count(),
                "both outcomes exist from the start");
    }

    @Test
    void anAbortedAttemptCountsTheTimeTheAgentReportsAndOneNeverFencedNothing() {
        SwitchoverAborted fenced = new SwitchoverAborted("upg", "ev", "cmd", T0, "lag", 1, 900L, List.of(),
                UpgradePhase.REPLICATING);
        SwitchoverAborted refused = new SwitchoverAborted("upg", "ev", "cmd", T0, "lag", 1, null, List.of(),
                UpgradePhase.REPLICATING);
        assertEquals(List.of(new SagaMeters.Fenced("aborted", Duration.ofMillis(900))), SagaMeters.observe(slotPending(), fenced));
        assertEquals(List.of(), SagaMeters.observe(slotPending(), refused));
        assertEquals(List.of(), SagaMeters.observe(slotPending(), repointed(null, T0)), "no fence moment, no window");
    }

    @Test
    void aStepsRoundTripRunsFromItsDispatchToItsAnswerAndAFailureCountsItsReason() {
        StepCompleted completed = new StepCompleted("upg", "ev", "slot-1", T0.plusMillis(350), "CreateSlot", "created", Map.of());
        assertEquals(List.of(new SagaMeters.StepAnswered("CreateSlot", "succeeded", Duration.ofMillis(350))),
                SagaMeters.observe(slotPending(), completed));
        StepFailureRecorded timedOut = new StepFailureRecorded("upg", "ev", "slot-1", T0.plusSeconds(240), "CreateSlot",
                FailureReason.TIMEOUT, true, null, "no answer");
        List<SagaMeters.Observation> seen = SagaMeters.observe(slotPending(), timedOut);
        assertEquals(List.of(new SagaMeters.StepAnswered("CreateSlot", "failed", Duration.ofSeconds(240)),
                new SagaMeters.StepFailed("CreateSlot", FailureReason.TIMEOUT)), seen);
        StepFailureRecorded unknown = new StepFailureRecorded("upg", "ev", "gone", T0, "CreateSlot",
                FailureReason.INTERNAL, false, null, "late");
        assertEquals(List.of(new SagaMeters.StepFailed("CreateSlot", FailureReason.INTERNAL)),
                SagaMeters.observe(slotPending(), unknown), "a command no longer pending has no round trip");
        List<SagaMeters.Observation> all = new ArrayList<>(seen);
        all.addAll(SagaMeters.observe(slotPending(), completed));
        meters.record(all);
        assertEquals(1, registry.get(SagaMeters.STEP_FAILURES).tags("step", "CreateSlot", "reason", "TIMEOUT").counter().count());
        assertEquals(1, registry.get(SagaMeters.STEP_ROUND_TRIP).tags("step", "CreateSlot", "outcome", "failed").timer().count());
        assertEquals(0.35, registry.get(SagaMeters.STEP_ROUND_TRIP).tags("step", "CreateSlot", "outcome", "succeeded")
                .timer().totalTime(TimeUnit.SECONDS), 1e-9);
    }

    @Test
    void completionsFailuresAndRollbacksAreCountersThatStartAtZero() {
        assertEquals(0, registry.get(SagaMeters.COMPLETIONS).counter().count());
        assertEquals(0, registry.get(SagaMeters.ROLLBACKS).counter().count());
        List<SagaMeters.Observation> seen = new ArrayList<>();
        seen.addAll(SagaMeters.observe(slotPending(), new UpgradeCompleted("upg", "ev", null, T0, "done", "g", 1, null)));
        seen.addAll(SagaMeters.observe(slotPending(), new UpgradeFailed("upg", "ev", null, T0, UpgradePhase.CLONING_GREEN,
                FailureReason.QUOTA_EXCEEDED, "no quota", true)));
        seen.addAll(SagaMeters.observe(slotPending(), new UpgradeFailed("upg", "ev", null, T0, UpgradePhase.CLONING_GREEN,
                FailureReason.QUOTA_EXCEEDED, "no quota", true)));
        seen.addAll(SagaMeters.observe(slotPending(), new RolledBack("upg", "ev", null, T0, "undone")));
        meters.record(seen);
        assertEquals(1, registry.get(SagaMeters.COMPLETIONS).counter().count());
        assertEquals(2, registry.get(SagaMeters.FAILURES).tags("phase", "CLONING_GREEN", "reason", "QUOTA_EXCEEDED")
                .counter().count());
        assertEquals(1, registry.get(SagaMeters.ROLLBACKS).counter().count());
        assertEquals("completions", registry.get(SagaMeters.COMPLETIONS).counter().getId().getBaseUnit());
        // (the simple registry shows a timer's buckets as meters of their own, "<name>.histogram")
        registry.getMeters().stream().filter(meter -> !meter.getId().getName().endsWith(".histogram"))
                .forEach(meter -> assertTrue(meter.getId().getDescription() != null, meter.getId() + " has a description"));
    }
}
