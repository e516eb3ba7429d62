package io.bluegreen.demo.bench;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.ToDoubleFunction;

/**
 * The benchmark's answer: one line per run, then min / median / max of every figure over the runs, the machine's
 * load and the durability the servers ran with; as text or as one JSON object. Every number is printed as measured
 * (µs resolution for the writers' times, ms for the agents'), never rounded.
 */
final class BenchmarkReport {

    private final BenchmarkOptions options;
    private final List<RunResult> runs;
    private final boolean durable;
    private final String loadBefore;
    private final String loadAfter;

    BenchmarkReport(BenchmarkOptions options, List<RunResult> runs, boolean durable, String loadBefore, String loadAfter) {
        this.options = options;
        this.runs = List.copyOf(runs);
        this.durable = durable;
        this.loadBefore = loadBefore;
        this.loadAfter = loadAfter;
    }

    /** Exit 0 only when every upgrade completed and no run lost or duplicated an acknowledged write. */
    boolean ok() {
        return !runs.isEmpty() && runs.size() == options.runs() && runs.stream().allMatch(RunResult::ok);
    }

    long lost() {
        return runs.stream().filter(r -> r.accounting() != null).mapToLong(r -> r.accounting().lost()).sum();
    }

    long duplicated() {
        return runs.stream().filter(r -> r.accounting() != null).mapToLong(r -> r.accounting().duplicated()).sum();
    }

    private List<RunResult> measured() {
        return runs.stream().filter(r -> r.completed() && r.figures() != null).toList();
    }

    private Optional<Summary> summary(ToDoubleFunction<RunResult> figure) {
        return Summary.of(measured().stream().map(r -> figure.applyAsDouble(r)).toList());
    }

    private List<String> partNames() {
        Set<String> names = new LinkedHashSet<>();
        measured().forEach(r -> names.addAll(r.figures().partsMs().keySet()));
        return List.copyOf(names);
    }

    private static double part(RunResult run, String name) {
        Double value = run.figures().partsMs().get(name);
        return value == null ? Double.NaN : value;
    }

    private static double lostOf(RunResult run) {
        return run.accounting() == null ? Double.NaN : run.accounting().lost();
    }

    private static double duplicatedOf(RunResult run) {
        return run.accounting() == null ? Double.NaN : run.accounting().duplicated();
    }

    // ------------------------------------------------------------------ text

    static String runLine(RunResult run, int of) {
        StringBuilder line = new StringBuilder(String.format("run %d/%d %s %s", run.index(), of,
                run.upgradeId() == null ? "-" : run.upgradeId(), run.finalPhase()));
        RunFigures f = run.figures();
        if (f != null) {
            line.append("  window ").append(Double.isNaN(f.windowMs()) ? "n/a" : Json.number(f.windowMs()) + " ms")
                    .append("  failed ").append(f.failedAttempts()).append(" (in the window ").append(f.failedInWindow())
                    .append(")")
                    .append("  acked ").append(f.acknowledged()).append(" (Blue ").append(f.acknowledgedOnBlue())
                    .append(", Green ").append(f.acknowledgedOnGreen()).append(")");
        }
        if (run.accounting() != null) {
            line.append("  lost ").append(run.accounting().lost()).append("  duplicated ").append(run.accounting().duplicated());
            if (run.accounting().unacknowledgedPresent() > 0) {
                line.append("  (unacknowledged but on Green ").append(run.accounting().unacknowledgedPresent()).append(")");
            }
            if (run.seedRowsOnGreen() != run.seedRowsExpected()) {
                line.append("  SEED ROWS on Green ").append(run.seedRowsOnGreen()).append(" of ").append(run.seedRowsExpected());
            }
        }
        if (run.failure() != null) {
            line.append("  failure: ").append(run.failure());
        }
        return line.toString();
    }

    static List<String> runDetails(RunResult run) {
        List<String> lines = new ArrayList<>();
        RunFigures f = run.figures();
        if (f != null && !f.partsMs().isEmpty()) {
            StringBuilder parts = new StringBuilder("parts ms:");
            f.partsMs().forEach((name, ms) -> parts.append(' ').append(name).append(' ').append(Json.number(ms)).append(','));
            parts.setLength(parts.length() - 1);
            lines.add(parts.toString());
        }
        if (!run.trace().stepsMs().isEmpty()) {
            StringBuilder steps = new StringBuilder("switchover steps, dispatch to completion ms:");
            run.trace().stepsMs().forEach((step, ms) -> steps.append(' ').append(step).append(' ').append(ms).append(','));
            steps.setLength(steps.length() - 1);
            lines.add(steps.toString());
        }
        if (f != null && !f.errors().isEmpty()) {
            lines.add("write errors by SQLSTATE: " + f.errors());
        }
        if (f != null && f.failedAfterSwitch() > 0) {
            lines.add(f.failedAfterSwitch() + " write(s) failed after the writers were pointed at Green");
        }
        if (f != null && (f.blueAcksAfterFirstGreen() > 0 || f.blueAcksStartedAfterFence() > 0)) {
            lines.add("Blue acknowledged " + f.blueAcksAfterFirstGreen() + " write(s) after Green's first and "
                    + f.blueAcksStartedAfterFence() + " write(s) begun after the fence");
        }
        if (run.accounting() != null && !run.accounting().lostSample().isEmpty()) {
            lines.add("lost, e.g.: " + run.accounting().lostSample());
        }
        if (run.accounting() != null && !run.accounting().duplicatedSample().isEmpty()) {
            lines.add("duplicated, e.g.: " + run.accounting().duplicatedSample());
        }
        if (run.trace().attempts() > 1) {
            lines.add("switchover attempts: " + run.trace().attempts());
        }
        run.trace().problems().forEach(problem -> lines.add("audit trail: " + problem));
        return lines;
    }

    List<String> text() {
        List<String> lines = new ArrayList<>();
        lines.add(String.format("switchover benchmark: %d run(s), %s repoint, %s over %d writers, %d seed rows, %s, "
                        + "durable servers: %s", options.runs(), options.repoint().planValue(), options.rateText(),
                BenchmarkRun.WRITERS, options.seedRows(), options.verifyBeforeRepoint() ? "verified before repoint"
                        : "verified after repoint", durabilityText()));
        for (RunResult run : runs) {
            lines.add(runLine(run, options.runs()));
            runDetails(run).forEach(detail -> lines.add("    " + detail));
        }
        lines.add("");
        lines.add(String.format("over %d completed run(s) of %d:%30s %12s %12s", measured().size(), options.runs(), "min",
                "median", "max"));
        row(lines, "window ms (last Blue ack -> first Green ack)", summary(RunResult::windowMs));
        row(lines, "failed write attempts (whole upgrade)", summary(r -> r.figures().failedAttempts()));
        row(lines, "failed write attempts in the window", summary(r -> Double.isNaN(r.windowMs()) ? Double.NaN
                : r.figures().failedInWindow()));
        row(lines, "acknowledged writes lost", summary(BenchmarkReport::lostOf));
        row(lines, "acknowledged writes duplicated", summary(BenchmarkReport::duplicatedOf));
        row(lines, "acknowledged writes/s achieved", summary(RunResult::achievedRate));
        for (String name : partNames()) {
            row(lines, "part " + name + " ms", summary(r -> part(r, name)));
        }
        lines.add(String.format("lost %d, duplicated %d in total; %d of %d upgrade(s) completed", lost(), duplicated(),
                runs.stream().filter(RunResult::completed).count(), options.runs()));
        lines.add("load (uptime) before: " + loadBefore);
        lines.add("load (uptime) after:  " + loadAfter);
        lines.add(ok() ? "OK: every upgrade completed, every acknowledged write is on Green exactly once"
                : "NOT OK: see the runs above");
        return lines;
    }

    private static void row(List<String> lines, String name, Optional<Summary> summary) {
        lines.add(summary.map(s -> String.format("  %-52s %12s %12s %12s", name, Json.number(s.min()),
                Json.number(s.median()), Json.number(s.max()))).orElse(String.format("  %-52s %12s", name, "n/a")));
    }

    private String durabilityText() {
        if (!durable) {
            return "NO (fsync off: figures flattered)";
        }
        return runs.stream().findFirst().map(r -> "yes, Blue " + r.blueSettings()
                + (r.greenSettings().isEmpty() ? "" : ", Green " + r.greenSettings())).orElse("yes");
    }

    // ------------------------------------------------------------------ JSON

    Map<String, Object> json() {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("benchmark", "switchover");
        json.put("repoint", options.repoint().planValue());
        json.put("rate", options.rate());
        json.put("rateText", options.rateText());
        json.put("writers", BenchmarkRun.WRITERS);
        json.put("seedRows", options.seedRows());
        json.put("verifyBeforeRepoint", options.verifyBeforeRepoint());
        json.put("runsRequested", options.runs());
        json.put("runsCompleted", runs.stream().filter(RunResult::completed).count());
        json.put("durable", durable);
        runs.stream().findFirst().ifPresent(r -> json.put("serverSettings", Map.of("blue", r.blueSettings(),
                "green", r.greenSettings())));
        json.put("serviceProperties", options.serviceProperties());
        json.put("windowMs", summaryJson(summary(RunResult::windowMs)));
        Map<String, Object> failed = summaryJson(summary(r -> r.figures().failedAttempts()));
        failed.put("total", measured().stream().mapToLong(r -> r.figures().failedAttempts()).sum());
        json.put("failedAttempts", failed);
        json.put("failedInWindow", summaryJson(summary(r -> Double.isNaN(r.windowMs()) ? Double.NaN
                : r.figures().failedInWindow())));
        json.put("lost", lost());
        json.put("duplicated", duplicated());
        json.put("writesPerSecond", summaryJson(summary(RunResult::achievedRate)));
        Map<String, Object> parts = new LinkedHashMap<>();
        for (String name : partNames()) {
            parts.put(name, summaryJson(summary(r -> part(r, name))));
        }
        json.put("parts", parts);
        json.put("runs", runs.stream().map(BenchmarkReport::runJson).toList());
        json.put("load", Map.of("before", loadBefore, "after", loadAfter));
        json.put("cores", Runtime.getRuntime().availableProcessors());
        json.put("ok", ok());
        return json;
    }

    private static Map<String, Object> summaryJson(Optional<Summary> summary) {
        Map<String, Object> json = new LinkedHashMap<>();
        summary.ifPresent(s -> {
            json.put("min", s.min());
            json.put("median", s.median());
            json.put("max", s.max());
        });
        return json;
    }

    private static Map<String, Object> runJson(RunResult run) {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("run", run.index());
        json.put("blue", run.blueIdentifier());
        json.put("upgradeId", run.upgradeId());
        json.put("phase", run.finalPhase());
        json.put("failure", run.failure());
        json.put("upgradeSeconds", Math.round(run.upgradeSeconds() * 1000) / 1000.0);
        RunFigures f = run.figures();
        if (f != null) {
            json.put("windowMs", f.windowMs());
            json.put("failedAttempts", f.failedAttempts());
            json.put("acknowledged", f.acknowledged());
            json.put("acknowledgedOnBlue", f.acknowledgedOnBlue());
            json.put("acknowledgedOnGreen", f.acknowledgedOnGreen());
            json.put("writesPerSecond", Math.round(run.achievedRate() * 10) / 10.0);
            json.put("blueAcksAfterFirstGreenAck", f.blueAcksAfterFirstGreen());
            json.put("blueAcksStartedAfterFence", f.blueAcksStartedAfterFence());
            json.put("failedAfterSwitch", f.failedAfterSwitch());
            json.put("failedInWindow", f.failedInWindow());
            json.put("errors", f.errors());
            json.put("parts", f.partsMs());
        }
        if (run.accounting() != null) {
            json.put("lost", run.accounting().lost());
            json.put("duplicated", run.accounting().duplicated());
            json.put("unacknowledgedPresent", run.accounting().unacknowledgedPresent());
            json.put("lostSample", run.accounting().lostSample());
            json.put("duplicatedSample", run.accounting().duplicatedSample());
            json.put("seedRowsOnGreen", run.seedRowsOnGreen());
            json.put("greenVersion", run.greenVersion());
        }
        json.put("switchoverAttempts", run.trace().attempts());
        json.put("switchoverStepsMs", run.trace().stepsMs());
        json.put("problems", run.trace().problems());
        return json;
    }
}
