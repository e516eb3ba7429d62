package io.bluegreen.demo.fleet;

import io.bluegreen.local.support.FreePorts;

import java.io.File;
import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * One coordinator instance in its own JVM ({@code io.bluegreen.coordinator.Application}), on this JVM's classpath
 * without the modules that would start other services in it (the agents and the monitor, whose beans live on the
 * same classpath) or log like tests, its output in a log file. It can be killed like a crashed host
 * ({@code SIGKILL}) and asked for its live heap ({@code jcmd}).
 */
final class CoordinatorProcess implements AutoCloseable {

    static final String APPLICATION = "io.bluegreen.coordinator.Application";
    /** One class of each module whose beans must not start in a coordinator process. */
    private static final List<String> FOREIGN_MODULES = List.of(
            "io.bluegreen.pg.messaging.PgAgent",
            "io.bluegreen.aws.messaging.AwsAgent",
            "io.bluegreen.monitor.messaging.MonitorFactory",
            "io.bluegreen.coordinator.saga.AgentAnswers",
            CoordinatorProcess.class.getName());
    private static final Pattern HEAP_USED = Pattern.compile("used (\\d+)K");

    private final String instanceId;
    private final int port;
    private final Path log;
    private final Process process;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    private CoordinatorProcess(String instanceId, int port, Path log, Process process) {
        this.instanceId = instanceId;
        this.port = port;
        this.log = log;
        this.process = process;
    }

    /** Starts instance {@code instanceId}; {@link #awaitReady} waits for it. */
    static CoordinatorProcess start(String instanceId, String bootstrapServers, Path logDirectory) throws IOException {
        int port = FreePorts.next();
        Path log = logDirectory.resolve("coordinator-" + instanceId + ".log");
        List<String> command = new ArrayList<>(List.of(javaExecutable(), "-cp", classpath(),
                "-Dkafka.bootstrap.servers=" + bootstrapServers,
                "-Dmicronaut.server.port=" + port,
                "-Dmicronaut.server.host=127.0.0.1",
                "-Dbluegreen.coordinator.instance-id=" + instanceId,
                "-Dorg.apache.avro.SERIALIZABLE_PACKAGES=io.bluegreen",
                APPLICATION));
        Process process = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.to(log.toFile())).start();
        return new CoordinatorProcess(instanceId, port, log, process);
    }

    /**
     * Waits until {@code GET /health} or {@code GET /upgrades} answers 200; fails at once, naming the log, when the
     * process ends first.
     */
    CoordinatorProcess awaitReady(Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IllegalStateException("Coordinator " + instanceId + " exited with " + process.exitValue()
                        + " before it was ready; its output is in " + log);
            }
            if (answers("/health") || answers("/upgrades")) {
                return this;
            }
            process.waitFor(250, TimeUnit.MILLISECONDS);
        }
        throw new IllegalStateException("Coordinator " + instanceId + " did not answer GET /health nor GET /upgrades on "
                + "port " + port + " within " + timeout.toSeconds() + " s; its output is in " + log);
    }

    private boolean answers(String path) {
        try {
            HttpResponse<Void> response = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                    .timeout(Duration.ofSeconds(5)).GET().build(), HttpResponse.BodyHandlers.discarding());
            return response.statusCode() == 200;
        } catch (IOException notYet) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    String instanceId() {
        return instanceId;
    }

    long pid() {
        return process.pid();
    }

    Path log() {
        return log;
    }

    boolean isAlive() {
        return process.isAlive();
    }

    /** Kills the JVM as a crashed host would ({@code SIGKILL}: no shutdown hook, no leaving the group). */
    void kill() throws InterruptedException {
        process.destroyForcibly();
        if (!process.waitFor(10, TimeUnit.SECONDS)) {
            throw new IllegalStateException("Coordinator " + instanceId + " (pid " + pid() + ") survived SIGKILL");
        }
    }

    /**
     * The heap in use after a full collection ({@code jcmd PID GC.run}, then {@code GC.heap_info}), in bytes; empty
     * when jcmd is missing or its answer has no {@code used NK}.
     */
    Optional<Long> liveHeapBytes() throws InterruptedException {
        try {
            jcmd("GC.run");
            Matcher used = HEAP_USED.matcher(jcmd("GC.heap_info"));
            return used.find() ? Optional.of(Long.parseLong(used.group(1)) * 1024) : Optional.empty();
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    private String jcmd(String command) throws IOException, InterruptedException {
        Process jcmd = new ProcessBuilder(jcmdExecutable(), Long.toString(pid()), command).redirectErrorStream(true)
                .start();
        String output = new String(jcmd.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!jcmd.waitFor(60, TimeUnit.SECONDS) || jcmd.exitValue() != 0) {
            throw new IOException("jcmd " + pid() + " " + command + " failed: " + output.trim());
        }
        return output;
    }

    /** This JVM's classpath without the entries of {@link #FOREIGN_MODULES}. */
    static String classpath() {
        Set<String> foreign = FOREIGN_MODULES.stream().map(CoordinatorProcess::location).collect(Collectors.toSet());
        String[] entries = System.getProperty("java.class.path").split(File.pathSeparator);
        return Arrays.stream(entries).filter(entry -> !foreign.contains(normalize(entry)))
                .collect(Collectors.joining(File.pathSeparator));
    }

    /** Where a class was loaded from; fails when it is missing, so a moved class cannot let a module slip through. */
    private static String location(String className) {
        try {
            Class<?> type = Class.forName(className, false, CoordinatorProcess.class.getClassLoader());
            return normalize(Path.of(type.getProtectionDomain().getCodeSource().getLocation().toURI()).toString());
        } catch (ClassNotFoundException | URISyntaxException | NullPointerException e) {
            throw new IllegalStateException("Cannot tell where " + className + " comes from (" + e
                    + "): the coordinator processes would start with its module; name a class of that module in "
                    + "CoordinatorProcess.FOREIGN_MODULES", e);
        }
    }

    private static String normalize(String entry) {
        return Path.of(entry).toAbsolutePath().normalize().toString();
    }

    private static String javaExecutable() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }

    private static String jcmdExecutable() {
        Path besideJava = Path.of(System.getProperty("java.home"), "bin", "jcmd");
        return Files.isExecutable(besideJava) ? besideJava.toString() : "jcmd";
    }

    @Override
    public void close() {
        if (process.isAlive()) {
            process.destroy();
            try {
                if (!process.waitFor(15, TimeUnit.SECONDS)) {
                    process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                process.destroyForcibly();
            }
        }
    }
}
