package io.bluegreen.runtime.agent;

import io.bluegreen.schemas.common.FailureReason;
import io.bluegreen.schemas.result.StepFailed;
import io.bluegreen.schemas.result.StepSucceeded;
import io.bluegreen.schemas.result.SwitchoverAbandoned;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.apache.avro.specific.SpecificRecord;
import org.junit.jupiter.api.Test;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;

class StepMetersTest {

    /** A clock the test moves. */
    private static final class TestClock extends Clock {
        private Instant now = Instant.parse("2026-12-01T08:00:00Z");

        @Override
        public java.time.ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(java.time.ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return now;
        }
    }

    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    private final TestClock clock = new TestClock();
    private final StepMeters meters = new StepMeters(registry, "bluegreen-pg-agent", clock);

    private static StepFailed failed(FailureReason reason) {
        return new StepFailed("upg", "cmd", "FenceWrites", 1, Instant.EPOCH, reason, true, null, "busy");
    }

    @Test
    void theOutcomeOfAnAnswerIsItsKindAndOnlyFailuresHaveAReason() {
        StepSucceeded succeeded = new StepSucceeded("upg", "cmd", "CreateSlot", 1, Instant.EPOCH, "created", false, Map.of());
        SwitchoverAbandoned abandoned = SwitchoverAbandoned.newBuilder().setUpgradeId("upg").setCausationId("cmd")
                .setStep("RunSwitchover").setOccurredAt(Instant.EPOCH).setReason(FailureReason.PRECONDITION_FAILED)
                .setMessage("lag").setFindings(List.of()).setUnfenced(true).build();
        assertEquals("succeeded", StepMeters.outcome(Optional.of(succeeded)));
        assertEquals("failed", StepMeters.outcome(Optional.of(failed(FailureReason.UNREACHABLE))));
        assertEquals("abandoned", StepMeters.outcome(Optional.of(abandoned)));
        assertEquals("stopped", StepMeters.outcome(Optional.empty()));
        assertEquals(Optional.empty(), StepMeters.failureReason(Optional.of(succeeded)));
        assertEquals(Optional.of(FailureReason.PRECONDITION_FAILED), StepMeters.failureReason(Optional.of(abandoned)));
        assertEquals(Optional.empty(), StepMeters.failureReason(Optional.empty()));
    }

    @Test
    void runningCommandsAndTheAgeOfTheOldestFollowStartsAndEnds() {
        assertEquals(0, registry.get(StepMeters.RUNNING).gauge().value());
        assertEquals(0, registry.get(StepMeters.OLDEST).gauge().value(), "no command runs: age 0");
        StepMeters.Running first = meters.started("CloneCluster");
        clock.now = clock.now.plusSeconds(30);
        StepMeters.Running second = meters.started("CreateSlot");
        clock.now = clock.now.plusSeconds(12);
        assertEquals(2, registry.get(StepMeters.RUNNING).tags("agent", "bluegreen-pg-agent").gauge().value());
        assertEquals(42, registry.get(StepMeters.OLDEST).gauge().value());
        meters.finished(first, Optional.of(failed(FailureReason.THROTTLED)), Duration.ofSeconds(42));
        assertEquals(1, registry.get(StepMeters.RUNNING).gauge().value());
        assertEquals(12, registry.get(StepMeters.OLDEST).gauge().value(), "the oldest is now the second");
        meters.finished(second, Optional.empty(), Duration.ofSeconds(12));
        assertEquals(0, registry.get(StepMeters.RUNNING).gauge().value());
        assertEquals(42, registry.get(StepMeters.DURATION).tags("step", "CloneCluster", "outcome", "failed").timer()
                .totalTime(java.util.concurrent.TimeUnit.SECONDS));
        assertEquals(1, registry.get(StepMeters.FAILURES).tags("step", "CloneCluster", "reason", "THROTTLED").counter().count());
        assertEquals("failures", registry.get(StepMeters.FAILURES).counter().getId().getBaseUnit());
    }
}
