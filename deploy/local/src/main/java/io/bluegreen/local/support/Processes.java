package io.bluegreen.local.support;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** Runs short-lived commands (initdb, pg_ctl) and fails with their output when they fail. */
public final class Processes {

    private Processes() {
    }

    public static String run(List<String> command, Path workingDirectory, Map<String, String> environment,
                             Duration timeout) {
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
        if (workingDirectory != null) {
            builder.directory(workingDirectory.toFile());
        }
        builder.environment().putAll(environment);
        try {
            Process process = builder.start();
            process.getOutputStream().close();
            byte[] output;
            // read on this thread: the commands used here print little
            output = process.getInputStream().readAllBytes();
            if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                process.destroyForcibly();
                throw new IllegalStateException("Timed out after " + timeout.toSeconds() + " s: " + display(command));
            }
            String text = new String(output, StandardCharsets.UTF_8);
            if (process.exitValue() != 0) {
                throw new IllegalStateException("Command failed with exit code " + process.exitValue() + ": "
                        + display(command) + "\n" + text.strip());
            }
            return text;
        } catch (IOException e) {
            throw new UncheckedIOException("Could not run " + display(command) + ": " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted while running " + display(command), e);
        }
    }

    public static String display(List<String> command) {
        return String.join(" ", command);
    }
}
