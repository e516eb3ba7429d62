package io.bluegreen.demo.fleet;

import io.bluegreen.coordinator.saga.PhasePlan;
import io.bluegreen.local.support.Directories;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The fleet benchmark's machinery on a small fleet: the real broker, one coordinator process, the simulated agents
 * and monitor; every upgrade must complete through the requests topic with no duplicate command. No figure is judged
 * here: timing on a shared build machine says nothing.
 */
class FleetBenchmarkIT {

    @Test
    void aSmallFleetCompletesThroughOneCoordinatorProcess() throws Exception {
        FleetOptions options = FleetOptions.defaults().with(20, 1, false, Duration.ofMinutes(2));
        FleetResult result = new FleetRun(options, System.out).run();

        assertEquals(20, result.completed(), () -> "unfinished " + result.unfinishedByPhase() + ", problems "
                + result.problems() + ", logs in " + result.logs());
        assertEquals(0, result.failed());
        assertEquals(0, result.unexplainedDuplicates());
        assertEquals(0, result.undecodable());
        assertEquals(0, result.sendFailures());
        assertTrue(result.lagSamples() >= 20, "every upgrade replicated and was sampled: " + result.lagSamples());
        assertTrue(result.steadyHops().count() >= 20L * 10, "hops measured: " + result.steadyHops());
        // every upgrade went through every phase of its plan, COMPLETED included
        int phases = PhasePlan.phases(FleetPlans.request(1, Instant.now()).getPlan()).size();
        assertTrue(result.phaseTransitions() >= 20L * phases, "phase transitions: " + result.phaseTransitions());
        assertNotNull(result.heapPerUpgradeBytes(), "jcmd gave the coordinator's heap: " + result.problems());
        assertTrue(result.problems().isEmpty(), result.problems().toString());
        Directories.deleteRecursively(result.logs()); // kept when an assertion fails, for the investigation
    }
}
