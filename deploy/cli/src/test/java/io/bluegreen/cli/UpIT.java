package io.bluegreen.cli;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code ./bluegreen up} as a user runs it: the local stack in the foreground, its endpoints, and an {@code export} line
 * that another shell uses as it is; the password files are private, and stopping it (SIGTERM, as Ctrl-C's shutdown)
 * stops everything and deletes them.
 */
class UpIT {

    private static final Path LAUNCHER = Path.of(System.getProperty("bluegreen.launcher", "../../bluegreen"))
            .toAbsolutePath().normalize();
    private static final Pattern EXPORT = Pattern.compile(
            "export BLUEGREEN_API=(\\S+) BLUEGREEN_USER=(\\S+) BLUEGREEN_PASSWORD_FILE=(\\S+)");

    @Test
    void upPrintsItsEndpointsAndAWorkingLoginAndCleansUpWhenStopped() throws Exception {
        Path runtime = Files.createDirectories(Path.of("target", "up-it-runtime")).toAbsolutePath();
        ProcessBuilder builder = new ProcessBuilder(LAUNCHER.toString(), "up").redirectErrorStream(true);
        builder.environment().put("MVN", "false"); // built by the package phase: the launcher must not build
        builder.environment().put("XDG_RUNTIME_DIR", runtime.toString());
        // Output goes to a file, not a pipe: a pipe read while the process exits can fail with "Stream closed".
        Path output = runtime.resolve("up.out");
        builder.redirectOutput(output.toFile());
        Process up = builder.start();
        java.util.function.Supplier<List<String>> printedLines = () -> {
            try {
                return Files.readAllLines(output, StandardCharsets.UTF_8);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        };
        try {
            try {
                await().atMost(java.time.Duration.ofMinutes(2)).until(() -> printedLines.get().contains("ready") || !up.isAlive());
            } catch (org.awaitility.core.ConditionTimeoutException e) {
                throw new AssertionError("no 'ready' within 2 minutes; printed:\n" + String.join("\n", printedLines.get()), e);
            }
            String printed = String.join("\n", printedLines.get());
            assertTrue(up.isAlive(), "up stopped early: " + printed);
            for (String endpoint : List.of("REST API", "OpenAPI", "web view", "health", "metrics", "Kafka", "local RDS")) {
                assertTrue(printed.contains(endpoint), endpoint + " is printed: " + printed);
            }
            Matcher export = EXPORT.matcher(printed);
            assertTrue(export.find(), "an export line: " + printed);
            Path passwordFile = Path.of(export.group(3));
            assertTrue(passwordFile.startsWith(runtime), passwordFile + " under XDG_RUNTIME_DIR");
            assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(passwordFile)));
            assertFalse(printed.contains(Files.readString(passwordFile).strip()), "the password itself is not printed");
            Path keyFile = runtime.resolve("bluegreen").resolve("local").resolve("aws-secret-access-key");
            assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(keyFile)));
            assertFalse(printed.contains(Files.readString(keyFile).strip()), "the AWS secret key is not printed");
            assertTrue(printed.contains("AWS_SECRET_ACCESS_KEY=\"$(cat " + keyFile + ")\""), printed);

            CliRun status = CliRun.run(Map.of("BLUEGREEN_API", export.group(1), "BLUEGREEN_USER", export.group(2),
                    "BLUEGREEN_PASSWORD_FILE", passwordFile.toString()), "status", "--output", "json");
            assertEquals(0, status.exit(), status.toString());
            assertEquals("[]", status.out().replaceAll("\\s", ""), "a fresh stack has no upgrade");
            HttpResponse<String> health = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                    URI.create(export.group(1) + "/health")).GET().build(), HttpResponse.BodyHandlers.ofString());
            assertEquals(200, health.statusCode(), health.body());

            up.destroy(); // SIGTERM: the same shutdown as Ctrl-C
            assertTrue(up.waitFor(1, TimeUnit.MINUTES), "up stops");
            assertFalse(Files.exists(passwordFile), "the password files are deleted: " + passwordFile);
            assertFalse(Files.exists(keyFile), "the key file is deleted");
        } finally {
            if (up.isAlive()) {
                up.destroyForcibly();
            }
        }
    }
}
