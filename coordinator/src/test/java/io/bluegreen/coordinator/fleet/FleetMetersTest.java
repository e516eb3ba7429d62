package io.bluegreen.coordinator.fleet;

import io.bluegreen.coordinator.saga.UpgradeState;
import io.bluegreen.schemas.common.UpgradePhase;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;

import static io.bluegreen.coordinator.fleet.MeterHistories.T0;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

class FleetMetersTest {

    /** Cloning since T0 with CloneCluster unanswered since T0+1s. */
    private static UpgradeState cloning() {
        return new MeterHistories("cloning", T0).enter(UpgradePhase.PREFLIGHT, T0).enter(UpgradePhase.CLONING_GREEN, T0)
                .dispatch("CloneCluster", "clone-1", T0.plusSeconds(1), T0.plus(Duration.ofMinutes(10))).state();
    }

    /** Switching over since T0+10m, the switchover's deadline 60 s later. */
    private static UpgradeState switching() {
        Instant at = T0.plus(Duration.ofMinutes(10));
        return new MeterHistories("switching", T0).enter(UpgradePhase.REPLICATING, T0)
                .enter(UpgradePhase.READY_FOR_SWITCHOVER, at).enter(UpgradePhase.SWITCHING_OVER, at)
                .switchover(at, Duration.ofSeconds(60)).state();
    }

    /** Back in REPLICATING after an aborted attempt, Blue's fence being released since T0+11m. */
    private static UpgradeState releasing() {
        return new MeterHistories("releasing", T0).enter(UpgradePhase.REPLICATING, T0.plus(Duration.ofMinutes(11)))
                .dispatch("ReleaseFence", "release-1", T0.plus(Duration.ofMinutes(11)), T0.plus(Duration.ofMinutes(13)))
                .state();
    }

    private static UpgradeState completed() {
        return new MeterHistories("done", T0).enter(UpgradePhase.CLEANING_UP, T0).enter(UpgradePhase.COMPLETED, T0).state();
    }

    @Test
    void onePassCountsPhasesTheLongestInEachPendingCommandsAndOverdueFences() {
        Instant now = T0.plus(Duration.ofMinutes(12));
        FleetMeters.Figures figures = FleetMeters.figures(List.of(cloning(), switching(), completed()), now);
        assertEquals(1, figures.byPhase().get(UpgradePhase.COMPLETED));
        assertEquals(1, figures.byPhase().get(UpgradePhase.CLONING_GREEN));
        assertEquals(Duration.ofMinutes(12), figures.longestInPhase().get(UpgradePhase.CLONING_GREEN));
        assertEquals(Duration.ofMinutes(2), figures.longestInPhase().get(UpgradePhase.SWITCHING_OVER));
        assertNull(figures.longestInPhase().get(UpgradePhase.COMPLETED), "a finished upgrade is in no phase for long");
        assertEquals(1, figures.pending().get("aws-agent"));
        assertEquals(1, figures.pending().get("pg-agent"));
        assertEquals(Duration.ofMinutes(12).minusSeconds(1), figures.oldestPending().get("aws-agent"));
        assertEquals(1, figures.fenced());
        assertEquals(Duration.ofSeconds(60), figures.fenceOverdue(), "12 min is 60 s past the deadline at 11 min");
    }

    @Test
    void aSwitchoverWithinItsDeadlineIsFencedButNotOverdue() {
        FleetMeters.Figures figures = FleetMeters.figures(List.of(switching()),
                T0.plus(Duration.ofMinutes(10)).plusSeconds(20));
        assertEquals(1, figures.fenced());
        assertEquals(Duration.ZERO, figures.fenceOverdue());
    }

    @Test
    void aBlueBeingUnfencedIsOverdueSinceTheReleaseWasSent() {
        FleetMeters.Figures figures = FleetMeters.figures(List.of(releasing(), completed()),
                T0.plus(Duration.ofMinutes(11)).plusSeconds(45));
        assertEquals(1, figures.fenced());
        assertEquals(Duration.ofSeconds(45), figures.fenceOverdue());
        FleetMeters.Figures none = FleetMeters.figures(List.of(cloning(), completed()), T0.plusSeconds(5));
        assertEquals(0, none.fenced());
        assertEquals(Duration.ZERO, none.fenceOverdue());
    }

    @Test
    void theGaugesReadTheFleetAtMostOnceASecondWithUnitsAndNoUpgradeTag() {
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        MovingClock clock = new MovingClock(T0.plus(Duration.ofMinutes(12)));
        List<UpgradeState> fleet = new ArrayList<>(List.of(cloning(), switching()));
        int[] passes = {0};
        FleetMeters.register(() -> {
            passes[0]++;
            return List.copyOf(fleet);
        }, registry, clock);
        assertEquals(1, registry.get(FleetMeters.ACTIVE).tag("phase", "CLONING_GREEN").gauge().value());
        assertEquals(720, registry.get(FleetMeters.LONGEST_IN_PHASE).tag("phase", "CLONING_GREEN").gauge().value());
        assertEquals(0, registry.get(FleetMeters.LONGEST_IN_PHASE).tag("phase", "FAILED").gauge().value());
        assertTrue(registry.find(FleetMeters.LONGEST_IN_PHASE).tag("phase", "COMPLETED").gauges().isEmpty());
        assertEquals(60, registry.get(FleetMeters.FENCE_OVERDUE).gauge().value());
        assertEquals(1, passes[0], "one pass for every gauge read within the second");
        fleet.add(completed());
        assertEquals(0, registry.get(FleetMeters.ACTIVE).tag("phase", "COMPLETED").gauge().value(), "not re-read yet");
        clock.now = clock.now.plusSeconds(1);
        assertEquals(1, registry.get(FleetMeters.ACTIVE).tag("phase", "COMPLETED").gauge().value());
        assertEquals(2, passes[0]);
        registry.getMeters().forEach(meter -> {
            assertTrue(meter.getId().getDescription() != null && !meter.getId().getDescription().isBlank(),
                    meter.getId() + " has a description");
            assertNull(meter.getId().getTag("upgrade"), meter.getId() + " has no upgrade tag");
        });
        assertEquals("seconds", registry.get(FleetMeters.FENCE_OVERDUE).gauge().getId().getBaseUnit());
        assertEquals("commands", registry.get(FleetMeters.PENDING).tag("agent", "pg-agent").gauge().getId().getBaseUnit());
    }

    /** A clock the test moves. */
    static final class MovingClock extends Clock {
        Instant now;

        MovingClock(Instant now) {
            this.now = now;
        }

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
}
