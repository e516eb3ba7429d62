package io.bluegreen.cli;

import io.bluegreen.demo.bench.SwitchoverBenchmark;
import io.bluegreen.demo.fleet.FleetBenchmark;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Unmatched;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.function.Function;

/** {@code bluegreen bench switchover|fleet [options]}: the benchmarks of deploy/demo, their options passed through. */
@Command(name = "bench", description = "Benchmarks on the embedded local stack (figures and how they are measured: "
        + "deploy/demo/README.md and coordinator/README.md).",
        subcommands = {BenchCommand.Switchover.class, BenchCommand.Fleet.class})
final class BenchCommand implements Runnable {

    @ParentCommand
    Main main;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(), "name a benchmark: switchover or fleet");
    }

    /** Runs a benchmark's main logic with the options as given, plus {@code --output json} when asked for here. */
    static int run(Main main, List<String> options, Function<String[], Integer> benchmark) {
        List<String> args = new ArrayList<>(options == null ? List.of() : options);
        if (main.json()) {
            args.add("--output");
            args.add("json");
        }
        return benchmark.apply(args.toArray(String[]::new));
    }

    @Command(name = "switchover", description = {
            "N upgrades (PostgreSQL 16 -> 17) one after the other on the local stack with durable servers (fsync and "
                    + "synchronous_commit on), two writers following the repoint; prints the write-unavailable "
                    + "window, failed writes, lost and duplicated writes and the parts of the window, per run and as "
                    + "min / median / max.",
            "Exit 0 only when every upgrade completed with 0 lost and 0 duplicated, 1 otherwise, 2 on bad options."},
            footerHeading = "%nOptions of io.bluegreen.demo.bench.SwitchoverBenchmark (passed through):%n",
            footer = {
                    "  --runs N                  upgrades, one after the other (default 5)",
                    "  --rate R                  writes/s over both writers; 0 = as fast as",
                    "                            acknowledged (default 500)",
                    "  --repoint event|rename    how the writers learn about Green (default event)",
                    "  --seed-rows N             rows in Blue before the upgrade (default 200000)",
                    "  --json-file PATH          the JSON object written there too",
                    "  --verify-before-repoint   verify Green inside the fenced window, not after",
                    "                            the repoint",
                    "  --service-property k=v    a Micronaut property for the services (repeatable)",
                    "  --output json             stdout holds exactly one JSON object; progress",
                    "                            goes to stderr",
                    "Figures and how they are measured: deploy/demo/README.md%n"})
    static final class Switchover implements Callable<Integer> {

        @ParentCommand
        BenchCommand bench;

        @Unmatched
        List<String> options;

        @Override
        public Integer call() {
            return run(bench.main, options, SwitchoverBenchmark::run);
        }
    }

    @Command(name = "fleet", description = {
            "N concurrent upgrades through K coordinator processes sharing the partitions on the embedded broker, "
                    + "agents and monitor simulated; one coordinator killed half way. Prints completions, transitions "
                    + "per second, input -> next command, heap per upgrade, takeover, duplicate commands.",
            "Exit 0 only when every target holds, 1 otherwise, 2 on bad options."},
            footerHeading = "%nOptions of io.bluegreen.demo.fleet.FleetBenchmark (passed through):%n",
            footer = {
                    "  --upgrades N          concurrent upgrades (default 10000)",
                    "  --coordinators K      coordinator processes (default 2)",
                    "  --no-kill             kill no coordinator",
                    "  --timeout D           give up after D: 90s, 20m, 1h, PT30M or seconds",
                    "                        (default 30m)",
                    "  --agent-delay D       simulated agents answer after 0.5 D to 1.5 D",
                    "                        (default 0: at once)",
                    "  --json-file PATH      the JSON object written there too",
                    "  --output json         stdout holds exactly one JSON object; progress goes",
                    "                        to stderr",
                    "Figures and how they are measured: coordinator/README.md%n"})
    static final class Fleet implements Callable<Integer> {

        @ParentCommand
        BenchCommand bench;

        @Unmatched
        List<String> options;

        @Override
        public Integer call() {
            return run(bench.main, options, FleetBenchmark::run);
        }
    }
}
