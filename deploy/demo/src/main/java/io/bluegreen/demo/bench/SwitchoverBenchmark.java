package io.bluegreen.demo.bench;

import io.bluegreen.demo.LocalStack;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * {@code bench switchover}: runs N upgrades (PostgreSQL 16 -> 17) one after the other on the embedded local stack,
 * its database servers durable as on RDS ({@code fsync} and {@code synchronous_commit} on), each with two writers at
 * a given rate that follow the repoint as an application would, and prints per run and as min / median / max the
 * write-unavailable window, failed write attempts, acknowledged writes lost and duplicated on Green, and the parts
 * of the window. Exit 0 only when every upgrade completed with 0 lost and 0 duplicated; 2 on a bad command line.
 *
 * <pre>./bluegreen bench switchover --runs 5 --rate 500 --repoint event</pre>
 *
 * With {@code --output json} stdout holds exactly one JSON object; progress and logs go to stderr ({@code --json-file
 * PATH} writes the same object to a file).
 */
public final class SwitchoverBenchmark {

    private SwitchoverBenchmark() {
    }

    public static void main(String[] args) {
        System.exit(run(args));
    }

    /**
     * Runs the benchmark the command line asks for and returns its exit code: 0 when every target holds, 1 otherwise,
     * 2 on a bad command line. With {@code --output json} it sends {@code System.out} to stderr for the run.
     */
    public static int run(String... args) {
        BenchmarkOptions options;
        try {
            options = BenchmarkOptions.parse(args);
        } catch (IllegalArgumentException e) {
            System.err.println("bluegreen: " + e.getMessage().replace("; " + BenchmarkOptions.USAGE, "")
                    + ", bench switchover, see 'bluegreen bench switchover --help'");
            return 2;
        }
        PrintStream stdout = System.out;
        if (options.json()) {
            System.setOut(System.err); // anything else that prints goes to stderr: stdout holds one JSON object
        }
        int exit;
        try {
            BenchmarkReport report = run(options, System.out);
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
            System.err.println("switchover benchmark failed: " + e);
            e.printStackTrace(System.err);
            exit = 1;
        }
        stdout.flush();
        System.setOut(stdout);
        return exit;
    }

    static BenchmarkReport run(BenchmarkOptions options, PrintStream progress) throws Exception {
        String loadBefore = uptime();
        String password = LocalStack.generatedMasterPassword();
        Map<String, Object> overrides = new LinkedHashMap<>(options.serviceProperties());
        progress.printf("switchover benchmark: %d run(s), %s repoint, %s; starting Kafka, the local RDS endpoint "
                + "(durable servers: fsync and synchronous_commit on) and the services%n", options.runs(),
                options.repoint().planValue(), options.rateText());
        if (!overrides.isEmpty()) {
            progress.println("  service properties: " + overrides);
        }
        List<RunResult> results = new ArrayList<>();
        long began = System.nanoTime();
        try (LocalStack stack = LocalStack.builder(BenchmarkRun.USER, password).durableDatabases(true)
                .properties(overrides).start();
             EndpointFollower follower = new EndpointFollower(stack.kafkaBootstrapServers()).start();
             AuditTrail trail = new AuditTrail(stack.kafkaBootstrapServers()).start()) {
            progress.printf("  stack up in %.1f s; services' log in %s%n", (System.nanoTime() - began) / 1e9,
                    Path.of(System.getProperty("java.io.tmpdir"), "bluegreen-demo.log"));
            for (int index = 1; index <= options.runs(); index++) {
                RunResult result;
                try {
                    result = new BenchmarkRun(stack, options, follower, trail, password, progress, index).run();
                } catch (Exception e) {
                    result = new RunResult(index, null, null, "ERROR", e.toString(), null, null, options.seedRows(), -1,
                            "", Map.of(), Map.of(), SwitchoverTrace.of(List.of()), 0, 0);
                }
                results.add(result);
                progress.println(BenchmarkReport.runLine(result, options.runs()));
                BenchmarkReport.runDetails(result).forEach(detail -> progress.println("    " + detail));
            }
            return new BenchmarkReport(options, results, stack.durableDatabases(), loadBefore, uptime());
        }
    }

    /** The machine's load as {@code uptime} prints it (from /proc/loadavg when the command is missing). */
    static String uptime() {
        try {
            Process process = new ProcessBuilder("uptime").redirectErrorStream(true).start();
            String text = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
            if (process.waitFor(5, TimeUnit.SECONDS) && process.exitValue() == 0 && !text.isEmpty()) {
                return text;
            }
        } catch (IOException e) {
            // no uptime here: fall back to the kernel's figures
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        try {
            return "loadavg " + Files.readString(Path.of("/proc/loadavg")).trim();
        } catch (IOException e) {
            return "unknown";
        }
    }
}
