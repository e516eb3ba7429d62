package io.bluegreen.demo.process;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One bluegreen service in a JVM of its own ({@code java -cp <its classpath> <its main class> -D...}), started with a
 * small heap and the C1 compiler only so that it comes back fast, and killed the hard way ({@code SIGKILL}: no
 * shutdown hook, no consumer leaving its group, no transaction ended). Every incarnation writes its output to a log
 * file of its own ({@code <module>-<n>.log}). Secrets reach the process through its environment, never its command
 * line.
 *
 * <p>Given a class-data archive ({@link #classDataArchive}), the first incarnation writes the classes it loaded into
 * it once it has started ({@link #writeArchive()}), and every later incarnation maps them instead of loading and
 * verifying them again: on a busy machine that is most of a restart.
 */
public final class ServiceProcess implements AutoCloseable {

    /** What a service logs once its application context has started. */
    private static final String STARTED = "Startup completed";

    private final Service service;
    private final String classpath;
    private final Map<String, String> properties;
    private final Map<String, String> environment;
    private final Path logs;
    private Path archive;
    private Process process;
    private Path log;
    private int incarnation;
    private int kills;

    /**
     * @param classpath   a classpath holding every service; this one's is cut from it ({@link Service#classpathFrom})
     * @param properties  system properties ({@code -Dkey=value}): configuration, no secret
     * @param environment environment variables: the secrets
     * @param logs        the directory of the log files
     */
    public ServiceProcess(Service service, String classpath, Map<String, String> properties,
                          Map<String, String> environment, Path logs) {
        this.service = service;
        this.classpath = service.classpathFrom(classpath);
        this.properties = new LinkedHashMap<>(properties);
        this.environment = Map.copyOf(environment);
        this.logs = logs;
    }

    public Service service() {
        return service;
    }

    /**
     * Where the classes this service loads are archived (once) and mapped from (every later start). An archive older
     * than anything on the service's classpath was made from other classes: it is deleted and made again.
     */
    public synchronized ServiceProcess classDataArchive(Path file) {
        try {
            if (Files.exists(file) && Files.getLastModifiedTime(file).toMillis() <= newestOnClasspath()) {
                Files.delete(file);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("Could not check the class-data archive " + file + " of " + service, e);
        }
        this.archive = file;
        return this;
    }

    private long newestOnClasspath() throws IOException {
        long newest = 0;
        for (String entry : classpath.split(java.io.File.pathSeparator)) {
            Path path = Path.of(entry);
            if (Files.isDirectory(path)) {
                try (var files = Files.walk(path)) {
                    for (Path file : (Iterable<Path>) files::iterator) {
                        newest = Math.max(newest, Files.getLastModifiedTime(file).toMillis());
                    }
                }
            } else if (Files.exists(path)) {
                newest = Math.max(newest, Files.getLastModifiedTime(path).toMillis());
            }
        }
        return newest;
    }

    /** Whether a class-data archive is given but not written yet (see {@link #writeArchive()}). */
    public synchronized boolean archivePending() {
        return archive != null && !Files.exists(archive);
    }

    /** Starts a new incarnation; does not wait for it (see {@link #started()}). */
    public synchronized ServiceProcess start() {
        if (process != null && process.isAlive()) {
            throw new IllegalStateException(service + " is already running (pid " + process.pid() + ")");
        }
        incarnation++;
        log = logs.resolve(service.module() + "-" + incarnation + ".log");
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        List<String> command = new ArrayList<>(List.of(java, "-Xms64m", "-Xmx320m", "-XX:TieredStopAtLevel=1",
                "-Xshare:auto", "-XX:+UseSerialGC", "-XX:CICompilerCount=1"));
        if (archive != null) {
            command.add(Files.exists(archive) ? "-XX:SharedArchiveFile=" + archive : "-XX:+RecordDynamicDumpInfo");
        }
        properties.forEach((key, value) -> command.add("-D" + key + "=" + value));
        command.addAll(List.of("-cp", classpath, service.mainClass()));
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile());
        builder.environment().putAll(environment);
        try {
            process = builder.start();
        } catch (IOException e) {
            throw new UncheckedIOException("Could not start " + service + " (" + service.mainClass() + "); its log: " + log, e);
        }
        return this;
    }

    /** SIGKILL, then waits until the process is gone. */
    public synchronized void kill() {
        if (process == null) {
            return;
        }
        process.destroyForcibly();
        awaitExit();
        kills++;
    }

    /**
     * Writes the class-data archive from the running incarnation ({@code jcmd <pid> VM.cds dynamic_dump}), if one is
     * pending; the process keeps running.
     */
    public synchronized void writeArchive() {
        if (!archivePending() || process == null || !process.isAlive()) {
            return;
        }
        String jcmd = Path.of(System.getProperty("java.home"), "bin", "jcmd").toString();
        try {
            Process dump = new ProcessBuilder(jcmd, String.valueOf(process.pid()), "VM.cds", "dynamic_dump", archive.toString())
                    .redirectErrorStream(true).start();
            String output = new String(dump.getInputStream().readAllBytes());
            if (dump.waitFor() != 0 || !Files.exists(archive)) {
                throw new IllegalStateException("jcmd could not write the class-data archive of " + this + " to " + archive
                        + ": " + output.strip());
            }
        } catch (IOException e) {
            throw new UncheckedIOException("Could not run " + jcmd + " for " + this, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted while writing the class-data archive of " + this, e);
        }
    }

    /** Waits for the process to be gone, even when interrupted (the interrupt is kept for the caller). */
    private void awaitExit() {
        boolean interrupted = false;
        while (process.isAlive()) {
            try {
                process.waitFor();
            } catch (InterruptedException e) {
                interrupted = true;
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }

    /** Starts the service again if its process is not alive (after a failed test left it killed). */
    public synchronized void ensureRunning() {
        if (process == null || !process.isAlive()) {
            start();
        }
    }

    /** Kills the running incarnation ({@code SIGKILL}) and starts the next one at once. */
    public synchronized void killAndRestart() {
        kill();
        start();
    }

    /** Whether the current incarnation is alive and has logged that its application context started. */
    public synchronized boolean started() {
        if (process == null || !process.isAlive()) {
            return false;
        }
        try {
            return Files.exists(log) && Files.readString(log).contains(STARTED);
        } catch (IOException e) {
            return false;
        }
    }

    /** Whether the current incarnation died by itself (not killed here): its exit code, or -1 while alive. */
    public synchronized int exitCode() {
        return process == null || process.isAlive() ? -1 : process.exitValue();
    }

    public synchronized int incarnation() {
        return incarnation;
    }

    public synchronized int kills() {
        return kills;
    }

    /** The current incarnation's log file. */
    public synchronized Path log() {
        return log;
    }

    @Override
    public synchronized void close() {
        if (process != null) {
            process.destroyForcibly();
            awaitExit();
        }
    }

    @Override
    public String toString() {
        return service + "#" + incarnation;
    }
}
