package io.bluegreen.demo.fleet;

import io.bluegreen.demo.fleet.FleetFigures.Distribution;
import io.bluegreen.schemas.common.UpgradePhase;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The pure parts of the fleet benchmark: options, hop accounting, duplicates against re-sends, percentiles. */
class FleetFiguresTest {

    private static final long MS = 1_000_000;

    @Test
    void defaultsAreTenThousandUpgradesOnTwoCoordinatorsWithAKill() {
        FleetOptions options = FleetOptions.defaults();
        assertEquals(10_000, options.upgrades());
        assertEquals(2, options.coordinators());
        assertTrue(options.killsOne());
        assertEquals(Duration.ofMinutes(30), options.timeout());
        assertFalse(options.json());
    }

    @Test
    void optionsParseWithSpacesOrEquals() {
        FleetOptions options = FleetOptions.parse("--upgrades", "1_000", "--coordinators=3", "--no-kill",
                "--timeout", "90s", "--output", "json", "--json-file=/tmp/fleet.json");
        assertEquals(1_000, options.upgrades());
        assertEquals(3, options.coordinators());
        assertFalse(options.killsOne());
        assertEquals(Duration.ofSeconds(90), options.timeout());
        assertTrue(options.json());
        assertEquals(Path.of("/tmp/fleet.json"), options.jsonFile());
        assertEquals(Duration.ofMinutes(20), FleetOptions.parse("--timeout", "20m").timeout());
        assertEquals(Duration.ofMinutes(45), FleetOptions.parse("--timeout", "PT45M").timeout());
        assertEquals(Duration.ofSeconds(600), FleetOptions.parse("--timeout", "600").timeout());
        assertEquals(Duration.ZERO, options.agentDelay(), "agents answer at once unless asked otherwise");
        assertEquals(Duration.ofSeconds(20), FleetOptions.parse("--agent-delay", "20s").agentDelay());
        assertEquals(Duration.ZERO, FleetOptions.parse("--agent-delay", "0").agentDelay());
    }

    @Test
    void theCommandsCreateTimeSplitsAHopIntoDecidingAndDelivering() {
        FleetFigures figures = new FleetFigures(4);
        figures.inputAcknowledged("u1", 10 * MS, 1_000);
        figures.commandReceived("u1", "c1", 1, 1_020, 40 * MS);
        figures.inputAcknowledged("u2", 10 * MS, 1_000);
        figures.commandReceived("u2", "c2", 1, 999, 15 * MS); // clocks a millisecond apart: never below zero
        assertEquals(30_000, figures.steadyHops().maxMicros());
        assertEquals(List.of(0L, 20_000L), List.of(figures.steadyDecided().p50Micros(), figures.steadyDecided().maxMicros()));
        assertEquals(5_000, figures.steadyDelivered().p50Micros());
        assertEquals(10_000, figures.steadyDelivered().maxMicros());
    }

    @Test
    void aSingleCoordinatorIsNeverKilled() {
        assertFalse(FleetOptions.parse("--coordinators", "1").killsOne());
    }

    @Test
    void badOptionsSayWhatIsWrong() {
        assertTrue(assertThrows(IllegalArgumentException.class, () -> FleetOptions.parse("--upgrades", "0"))
                .getMessage().contains("--upgrades takes a whole number >= 1"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> FleetOptions.parse("--timeout", "soon"))
                .getMessage().contains("--timeout takes a positive duration"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> FleetOptions.parse("--kill"))
                .getMessage().contains("--kill needs a value"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> FleetOptions.parse("--coordinators", "2", "--x", "1"))
                .getMessage().contains("unknown option --x"));
    }

    @Test
    void aHopRunsFromTheFirstInputAcknowledgedToTheNextCommand() {
        FleetFigures figures = new FleetFigures(4);
        figures.inputAcknowledged("u1", 10 * MS, 0);
        figures.inputAcknowledged("u1", 900 * MS, 0); // a later lag sample does not hide a slow answer
        figures.commandReceived("u1", "c2", 1, 0, 40 * MS);
        figures.commandReceived("u1", "c3", 1, 0, 50 * MS); // no input in between: no hop
        Distribution hops = figures.steadyHops();
        assertEquals(1, hops.count());
        assertEquals(30_000, hops.maxMicros());
    }

    @Test
    void hopsAcrossTheKillAreKeptApartFromTheSteadyState() {
        FleetFigures figures = new FleetFigures(4);
        figures.inputAcknowledged("u1", 10 * MS, 0);
        figures.inputAcknowledged("u2", 10 * MS, 0);
        figures.commandReceived("u2", "a", 0, 0, 20 * MS);
        figures.killed(100 * MS, 5_000);
        figures.commandReceived("u1", "b", 3, 5_200, 8_100 * MS);
        assertEquals(1, figures.steadyHops().count());
        assertEquals(10_000, figures.steadyHops().maxMicros());
        assertEquals(1, figures.killHops().count());
        assertEquals(8_090_000, figures.killHops().maxMicros());
        assertEquals(2, figures.allHops().count());
    }

    @Test
    void onlyRecordsProducedAfterTheKillMarkAPartitionResumed() {
        FleetFigures figures = new FleetFigures(3);
        figures.killed(100 * MS, 5_000);
        figures.commandReceived("u1", "a", 2, 4_999, 101 * MS); // written by the killed instance before it died
        figures.commandReceived("u1", "b", 2, 5_000, 7_000 * MS);
        figures.commandReceived("u2", "c", 2, 5_100, 7_500 * MS);
        figures.eventRead(1, 4_900, 150 * MS);
        figures.eventRead(1, 6_000, 6_500 * MS);
        long[] first = figures.firstCommandAfterKill();
        assertEquals(0, first[0]);
        assertEquals(7_000 * MS, first[2]);
        assertEquals(6_500 * MS, figures.firstEventAfterKill()[1]);
        assertEquals(0, figures.firstEventAfterKill()[2]);
    }

    @Test
    void aRepeatedCommandIdIsADuplicateUnlessTheCoordinatorRecordedTheResend() {
        FleetFigures figures = new FleetFigures(1);
        figures.commandReceived("u1", "a", 0, 0, 1);
        figures.commandReceived("u1", "a", 0, 0, 2);
        figures.commandReceived("u1", "b", 0, 0, 3);
        figures.commandReceived("u1", "b", 0, 0, 4);
        figures.commandReceived("u1", "b", 0, 0, 5);
        figures.commandResent("b");
        assertEquals(5, figures.commandsReceived());
        assertEquals(2, figures.repeatedCommandIds());
        assertEquals(3, figures.extraReceipts());
        assertEquals(2, figures.unexplainedDuplicates()); // a once, b once beyond its recorded re-send
        assertEquals(1, figures.resentEvents());
    }

    @Test
    void completionsAndTheLastPhaseOfUnfinishedUpgradesAreCounted() {
        FleetFigures figures = new FleetFigures(1);
        figures.phaseEntered("u1", UpgradePhase.PREFLIGHT);
        figures.phaseEntered("u1", UpgradePhase.COMPLETED);
        figures.phaseEntered("u1", UpgradePhase.COMPLETED);
        figures.phaseEntered("u2", UpgradePhase.REPLICATING);
        figures.phaseEntered("u3", UpgradePhase.FAILED);
        assertEquals(1, figures.completed());
        assertEquals(1, figures.failed());
        assertEquals(5, figures.phaseTransitions());
        assertEquals(Map.of(UpgradePhase.REPLICATING, 1, UpgradePhase.FAILED, 1, UpgradePhase.UNKNOWN, 1),
                figures.unfinishedByPhase(Set.of("u1", "u2", "u3", "u4")));
    }

    @Test
    void percentilesAreNearestRank() {
        long[] values = new long[200];
        for (int i = 0; i < values.length; i++) {
            values[i] = i + 1;
        }
        Distribution d = Distribution.of(values);
        assertEquals(200, d.count());
        assertEquals(100, d.p50Micros());
        assertEquals(198, d.p99Micros());
        assertEquals(200, d.maxMicros());
        assertEquals(new Distribution(0, 0, 0, 0), Distribution.of());
    }
    @Test
    void aMissIsPrintedAsAMiss() {
        FleetReport report = new FleetReport(result(new Distribution(100, 20_000, 150_000, 900_000), 12_500L, 0));
        List<FleetReport.Target> targets = report.targets();
        assertEquals("HIT", targets.get(0).verdict());
        assertEquals("MISS", targets.get(1).verdict());
        assertEquals("150.0 ms", targets.get(1).measured());
        assertEquals("MISS", targets.get(2).verdict());
        assertEquals("HIT", targets.get(3).verdict());
        assertFalse(report.ok());
        assertTrue(report.text().contains("  MISS p99 input acknowledged -> next command: 150.0 ms (target <= 100 ms)"));
        assertEquals(false, report.json().get("ok"));
    }

    @Test
    void aTakeoverThatNeverCameIsAMissAndEveryTargetHeldIsOk() {
        assertEquals("MISS", new FleetReport(result(new Distribution(1, 1, 1, 1), null, 0)).targets().get(2).verdict());
        FleetReport held = new FleetReport(result(new Distribution(100, 2_000, 40_000, 90_000), 7_000L, 0));
        assertTrue(held.ok(), String.join("\n", held.text()));
        assertEquals("MISS", new FleetReport(result(new Distribution(1, 1, 1, 1), 7_000L, 3)).targets().get(3)
                .verdict());
    }

    @Test
    void aKilledInstanceWithNothingLeftToDoHasNoTakeoverToMeasure() {
        FleetReport report = new FleetReport(result(new Distribution(1, 1, 1, 1), null, 0, Set.of()));
        FleetReport.Target takeover = report.targets().get(2);
        assertEquals("NOT MEASURED", takeover.verdict());
        assertTrue(takeover.measured().contains("had no unfinished upgrade"), takeover.measured());
    }

    @Test
    void anUpgradeLivesOnThePartitionTheProducerPicksForItsBlue() {
        for (int index = 1; index <= 50; index++) {
            byte[] key = FleetPlans.blueIdentifier(index).getBytes(java.nio.charset.StandardCharsets.UTF_8);
            assertEquals(org.apache.kafka.clients.producer.internals.BuiltInPartitioner.partitionForKey(key, 12),
                    FleetPlans.partition(index, 12));
        }
    }

    private static FleetResult result(Distribution steady, Long takeoverMs, long duplicates) {
        return result(steady, takeoverMs, duplicates, Set.of(1));
    }

    private static FleetResult result(Distribution steady, Long takeoverMs, long duplicates, Set<Integer> toTakeOver) {
        return new FleetResult(10, 2, 12, 10, 0, 5_000, 140, steady, steady, new Distribution(0, 0, 0, 0), Duration.ZERO,
                new Distribution(0, 0, 0, 0), steady, "c1",
                1_000_000L, 2_000_000L, "c2", 5, Set.of(1, 4), toTakeOver, Map.of(1, 3), "test", takeoverMs, "command", takeoverMs,
                Map.of(1, 7_000L), Map.of(1, 6_900L), 200, duplicates, duplicates, 0, duplicates, 30, 0, 0, Map.of(), "0.1", "0.2", 2,
                Path.of("/tmp"), List.of());
    }
}
