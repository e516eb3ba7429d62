package io.bluegreen.cli;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The {@code ./bluegreen} launcher as a user runs it, from another directory: the package phase has just built what
 * it needs, so it must run at once without building (a build would run {@code MVN=false} and fail).
 */
class LauncherIT {

    private static final Path LAUNCHER = Path.of(System.getProperty("bluegreen.launcher", "../../bluegreen"))
            .toAbsolutePath().normalize();

    /** What the launcher printed and its exit code. */
    record Ran(int exit, String out, String err) {
    }

    @Test
    void versionRunsWithoutRebuilding() throws Exception {
        assertTrue(Files.isExecutable(LAUNCHER), LAUNCHER + " must be executable");
        Ran ran = launch("--version");
        assertEquals(0, ran.exit(), ran.toString());
        assertEquals("bluegreen " + Main.version(), ran.out().strip());
        assertFalse(ran.err().contains("building"), "it was up to date: " + ran.err());
    }

    @Test
    void aClosedPortExits3() throws Exception {
        int closed;
        try (ServerSocket socket = new ServerSocket(0)) {
            closed = socket.getLocalPort();
        }
        Ran ran = launch("status", "--api", "http://127.0.0.1:" + closed);
        assertEquals(3, ran.exit(), ran.toString());
        assertTrue(ran.err().startsWith("bluegreen: cannot reach the coordinator (connection refused)"), ran.err());
    }

    private static Ran launch(String... args) throws IOException, InterruptedException {
        Path elsewhere = Files.createDirectories(Path.of("target", "launcher-it")).toAbsolutePath();
        List<String> command = new ArrayList<>(List.of(LAUNCHER.toString()));
        command.addAll(List.of(args));
        ProcessBuilder builder = new ProcessBuilder(command).directory(elsewhere.toFile());
        builder.environment().put("MVN", "false");
        builder.environment().remove("BLUEGREEN_API");
        builder.environment().remove("BLUEGREEN_USER");
        Process process = builder.start();
        CompletableFuture<String> out = CompletableFuture.supplyAsync(() -> read(process.getInputStream()));
        CompletableFuture<String> err = CompletableFuture.supplyAsync(() -> read(process.getErrorStream()));
        if (!process.waitFor(2, TimeUnit.MINUTES)) {
            process.destroyForcibly();
            throw new AssertionError("the launcher did not finish within 2 minutes: " + command);
        }
        return new Ran(process.exitValue(), out.join(), err.join());
    }

    private static String read(InputStream in) {
        try {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
