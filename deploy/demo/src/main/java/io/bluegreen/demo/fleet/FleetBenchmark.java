package io.bluegreen.demo.fleet;

import io.bluegreen.demo.bench.Json;

import java.io.PrintStream;
import java.nio.file.Files;

/**
 * {@code bench fleet}: N concurrent upgrades (10,000) through K coordinator processes (2) sharing the partitions, on
 * the embedded broker, with agents and a monitor simulated in this JVM that answer at once; at half the completions
 * one coordinator is killed with {@code SIGKILL} and the others take over its partitions. Prints completions, wall
 * time, phase transitions per second, the time from an input (result or lag sample) acknowledged to the next command
 * received (p50 / p99 / max), the surviving coordinator's live heap per upgrade, the takeover time, duplicate commands
 * and the machine's load, each against its target. Exit 0 only when every target holds; 2 on a bad command line.
 *
 * <pre>./bluegreen bench fleet --upgrades 10000</pre>
 *
 * With {@code --output json} stdout holds exactly one JSON object; progress goes to stderr ({@code --json-file PATH}
 * writes the same object to a file).
 */
public final class FleetBenchmark {

    private FleetBenchmark() {
    }

    public static void main(String[] args) {
        System.exit(run(args));
    }

    /**
     * Runs the benchmark the command line asks for and returns its exit code: 0 when every target holds, 1 otherwise,
     * 2 on a bad command line. With {@code --output json} it sends {@code System.out} to stderr for the run.
     */
    public static int run(String... args) {
        FleetOptions options;
        try {
            options = FleetOptions.parse(args);
        } catch (IllegalArgumentException e) {
            System.err.println("bluegreen: " + e.getMessage().replace("; " + FleetOptions.USAGE, "")
                    + ", bench fleet, see 'bluegreen bench fleet --help'");
            return 2;
        }
        PrintStream stdout = System.out;
        if (options.json()) {
            System.setOut(System.err); // anything else that prints goes to stderr: stdout holds one JSON object
        }
        int exit;
        try {
            FleetReport report = new FleetReport(new FleetRun(options, System.out).run());
            String json = Json.write(report.json());
            if (options.jsonFile() != null) {
                Files.writeString(options.jsonFile(), json + System.lineSeparator());
            }
            if (options.json()) {
                stdout.println(json);
            } else {
                report.text().forEach(stdout::println);
            }
            exit = report.ok() ? 0 : 1;
        } catch (Exception e) {
            System.err.println("fleet benchmark failed: " + e);
            e.printStackTrace(System.err);
            exit = 1;
        }
        stdout.flush();
        System.setOut(stdout);
        return exit;
    }
}
