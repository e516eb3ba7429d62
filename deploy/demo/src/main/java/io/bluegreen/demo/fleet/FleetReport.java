package io.bluegreen.demo.fleet;

import io.bluegreen.demo.fleet.FleetFigures.Distribution;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The fleet run's figures against the targets: every upgrade completes, p99 of input -> next command at most 100 ms,
 * takeover after a kill at most 10 s, no duplicate command. A miss is printed as a miss.
 */
final class FleetReport {

    static final long HOP_P99_TARGET_MS = 100;
    static final long TAKEOVER_TARGET_MS = 10_000;

    /** One target: what, the bound, what was measured, whether it holds; {@code hit} is null when not measured. */
    record Target(String name, String bound, String measured, Boolean hit) {

        String verdict() {
            return hit == null ? "NOT MEASURED" : hit ? "HIT" : "MISS";
        }
    }

    private final FleetResult result;

    FleetReport(FleetResult result) {
        this.result = result;
    }

    List<Target> targets() {
        List<Target> targets = new ArrayList<>();
        targets.add(new Target("upgrades completed", "all " + result.upgrades(),
                result.completed() + " / " + result.upgrades(), result.completed() == result.upgrades()));
        Distribution steady = result.steadyHops();
        targets.add(new Target("p99 input acknowledged -> next command", "<= " + HOP_P99_TARGET_MS + " ms",
                steady.count() == 0 ? "no hop" : ms(steady.p99Micros()) + " ms",
                steady.count() == 0 ? null : steady.p99Micros() <= HOP_P99_TARGET_MS * 1000));
        if (result.killed() != null) {
            Long takeover = result.takeoverFirstMs();
            String measured = result.toTakeOver().isEmpty() ? "nothing to take over: the killed instance's partitions "
                    + result.orphanedPartitions() + " had no unfinished upgrade" : takeover == null ? "never"
                    : result.takeoverBasis().equals("command") ? takeover + " ms"
                    : takeover + " ms (first new event: no command was left to send there, only completions)";
            targets.add(new Target("takeover (kill -> first command on a partition the killed instance owned)",
                    "<= " + TAKEOVER_TARGET_MS / 1000 + " s", measured,
                    result.toTakeOver().isEmpty() ? null : takeover != null && takeover <= TAKEOVER_TARGET_MS));
        } else {
            targets.add(new Target("takeover", "<= " + TAKEOVER_TARGET_MS / 1000 + " s", "no coordinator killed", null));
        }
        targets.add(new Target("duplicate commands (not recorded as CommandResent)", "0",
                Long.toString(result.unexplainedDuplicates()), result.unexplainedDuplicates() == 0));
        return targets;
    }

    /** Every measured target holds and the run had no problem. */
    boolean ok() {
        return result.problems().isEmpty() && targets().stream().allMatch(t -> t.hit() == null || t.hit());
    }

    List<String> text() {
        List<String> lines = new ArrayList<>();
        lines.add(String.format("fleet benchmark: %d upgrades, %d coordinator(s), %d partitions, %d cores",
                result.upgrades(), result.coordinators(), result.partitions(), result.cores()));
        lines.add(String.format("  completed          %d / %d (failed %d) in %.1f s", result.completed(),
                result.upgrades(), result.failed(), result.wallTimeMs() / 1000.0));
        lines.add(String.format("  phase transitions  %d, %.1f /s", result.phaseTransitions(),
                result.phaseTransitionsPerSecond()));
        lines.add("  agents answer      " + (result.agentDelay().isZero() ? "at once"
                : "after " + result.agentDelay().toMillis() + " ms on average (0.5x to 1.5x)"));
        lines.add("  input -> command   " + hops(result.steadyHops()) + " (steady state)");
        lines.add("    of which         " + hops(result.steadyDecided()) + " until the command was produced (queueing and deciding)");
        lines.add("    and              " + hops(result.steadyDelivered()) + " from then to receipt (commit and delivery)");
        lines.add("                     " + hops(result.killHops()) + " (interrupted by the kill)");
        lines.add("                     " + hops(result.allHops()) + " (all)");
        Long perUpgrade = result.heapPerUpgradeBytes();
        lines.add(String.format("  heap of %s        %s before, %s after: %s per upgrade", result.heapInstance(),
                bytes(result.heapBeforeBytes()), bytes(result.heapAfterBytes()),
                perUpgrade == null ? "unknown" : perUpgrade + " bytes"));
        if (result.killed() != null) {
            lines.add(String.format("  kill               %s at %d completed; it owned partitions %s (%s); unfinished "
                            + "upgrades per partition then %s", result.killed(), result.killedAtCompleted(),
                    result.orphanedPartitions(), result.ownership(), result.unfinishedAtKill()));
            lines.add(String.format("  takeover           first %s %s; an event on every partition to take over "
                            + "%s; per partition: first command %s, first event %s", result.takeoverBasis(),
                    result.takeoverFirstMs() == null ? "never" : result.takeoverFirstMs() + " ms",
                    result.takeoverAllMs() == null ? "never" : result.takeoverAllMs() + " ms",
                    result.resumedAfterKillMs(), result.decidedAfterKillMs()));
        }
        lines.add(String.format("  commands           %d received, %d ids more than once (%d extra receipts), %d "
                        + "CommandResent recorded, %d duplicates not recorded", result.commandsReceived(),
                result.repeatedCommandIds(), result.extraReceipts(), result.resentRecorded(),
                result.unexplainedDuplicates()));
        lines.add(String.format("  lag samples        %d; undecodable records %d; failed sends %d", result.lagSamples(),
                result.undecodable(), result.sendFailures()));
        if (!result.unfinishedByPhase().isEmpty()) {
            lines.add("  unfinished         " + result.unfinishedByPhase());
        }
        lines.add("  load               before " + result.loadBefore() + ", after " + result.loadAfter()
                + " (/proc/loadavg), " + result.cores() + " cores");
        lines.add("  coordinators' logs " + result.logs());
        lines.add("targets:");
        for (Target target : targets()) {
            lines.add(String.format("  %-4s %s: %s (target %s)", target.verdict(), target.name(), target.measured(),
                    target.bound()));
        }
        result.problems().forEach(problem -> lines.add("  problem: " + problem));
        return lines;
    }

    Map<String, Object> json() {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("benchmark", "fleet");
        json.put("upgrades", result.upgrades());
        json.put("coordinators", result.coordinators());
        json.put("partitions", result.partitions());
        json.put("agentDelayMs", result.agentDelay().toMillis());
        json.put("completed", result.completed());
        json.put("failed", result.failed());
        json.put("wallTimeMs", result.wallTimeMs());
        json.put("phaseTransitions", result.phaseTransitions());
        json.put("phaseTransitionsPerSecond", result.phaseTransitionsPerSecond());
        Map<String, Object> hops = new LinkedHashMap<>();
        hops.put("steady", hopsJson(result.steadyHops()));
        hops.put("steadyUntilProduced", hopsJson(result.steadyDecided()));
        hops.put("steadyProducedToReceived", hopsJson(result.steadyDelivered()));
        hops.put("interruptedByKill", hopsJson(result.killHops()));
        hops.put("all", hopsJson(result.allHops()));
        json.put("inputToNextCommand", hops);
        Map<String, Object> heap = new LinkedHashMap<>();
        heap.put("instance", result.heapInstance());
        heap.put("beforeBytes", result.heapBeforeBytes());
        heap.put("afterBytes", result.heapAfterBytes());
        heap.put("perUpgradeBytes", result.heapPerUpgradeBytes());
        json.put("heap", heap);
        Map<String, Object> kill = new LinkedHashMap<>();
        kill.put("instance", result.killed());
        kill.put("atCompleted", result.killed() == null ? null : result.killedAtCompleted());
        kill.put("ownedPartitions", List.copyOf(result.orphanedPartitions()));
        kill.put("ownership", result.ownership());
        kill.put("partitionsToTakeOver", List.copyOf(result.toTakeOver()));
        kill.put("unfinishedAtKillByPartition", result.unfinishedAtKill());
        kill.put("takeoverMs", result.takeoverFirstMs());
        kill.put("takeoverTimedOn", result.takeoverBasis());
        kill.put("takeoverEveryPartitionEventMs", result.takeoverAllMs());
        kill.put("firstCommandAfterKillMsByPartition", result.resumedAfterKillMs());
        kill.put("firstEventAfterKillMsByPartition", result.decidedAfterKillMs());
        json.put("kill", kill);
        Map<String, Object> commands = new LinkedHashMap<>();
        commands.put("received", result.commandsReceived());
        commands.put("idsReceivedMoreThanOnce", result.repeatedCommandIds());
        commands.put("extraReceipts", result.extraReceipts());
        commands.put("commandResentRecorded", result.resentRecorded());
        commands.put("duplicatesNotRecorded", result.unexplainedDuplicates());
        json.put("commands", commands);
        json.put("lagSamples", result.lagSamples());
        json.put("undecodableRecords", result.undecodable());
        json.put("failedSends", result.sendFailures());
        Map<String, Object> unfinished = new LinkedHashMap<>();
        result.unfinishedByPhase().forEach((phase, count) -> unfinished.put(phase.name(), count));
        json.put("unfinishedByPhase", unfinished);
        Map<String, Object> load = new LinkedHashMap<>();
        load.put("before", result.loadBefore());
        load.put("after", result.loadAfter());
        load.put("cores", result.cores());
        json.put("load", load);
        List<Object> targets = new ArrayList<>();
        for (Target target : targets()) {
            Map<String, Object> t = new LinkedHashMap<>();
            t.put("name", target.name());
            t.put("target", target.bound());
            t.put("measured", target.measured());
            t.put("verdict", target.verdict());
            targets.add(t);
        }
        json.put("targets", targets);
        json.put("problems", result.problems());
        json.put("logs", result.logs().toString());
        json.put("ok", ok());
        return json;
    }

    private static String hops(Distribution hops) {
        return hops.count() == 0 ? "no hop" : String.format("p50 %s ms, p99 %s ms, max %s ms over %d hops",
                ms(hops.p50Micros()), ms(hops.p99Micros()), ms(hops.maxMicros()), hops.count());
    }

    private static Map<String, Object> hopsJson(Distribution hops) {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("count", hops.count());
        json.put("p50Ms", hops.p50Micros() / 1000.0);
        json.put("p99Ms", hops.p99Micros() / 1000.0);
        json.put("maxMs", hops.maxMicros() / 1000.0);
        return json;
    }

    private static String ms(long micros) {
        return String.format("%.1f", micros / 1000.0);
    }

    private static String bytes(Long bytes) {
        return bytes == null ? "unknown" : String.format("%.1f MiB", bytes / 1048576.0);
    }
}
