package io.bluegreen.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Deque;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The command line against a stub of the API on loopback: requests sent, answers turned into output and exit codes. */
class MainTest {

    static final String PASSWORD = "s3cret-Pa55";
    static final String PLAN = "blue: {identifier: orders, region: eu-west-1, host: 127.0.0.1, port: 5432, "
            + "credentialsRef: orders-admin}\ntargetVersion: 17.11\ndatabases: [app]\n";

    /** A request the stub received. */
    record Received(String method, String uri, String authorization, String body) {
    }

    /** An answer the stub gives. */
    record Answer(int status, String contentType, String body) {
    }

    private final ObjectMapper json = new ObjectMapper();
    private final List<Received> received = new ArrayList<>();
    private final Deque<Answer> answers = new ArrayDeque<>();
    private HttpServer server;
    private String api;

    @TempDir
    Path dir;

    @BeforeEach
    void start() throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/", this::answer);
        server.start();
        api = "http://127.0.0.1:" + server.getAddress().getPort();
    }

    @AfterEach
    void stop() {
        server.stop(0);
    }

    private synchronized void answer(HttpExchange exchange) throws IOException {
        received.add(new Received(exchange.getRequestMethod(), exchange.getRequestURI().toString(),
                exchange.getRequestHeaders().getFirst("Authorization"),
                new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8)));
        Answer answer = answers.size() > 1 ? answers.poll() : answers.peek();
        byte[] body = answer.body().getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().add("Content-Type", answer.contentType());
        exchange.sendResponseHeaders(answer.status(), body.length == 0 ? -1 : body.length);
        if (body.length > 0) {
            exchange.getResponseBody().write(body);
        }
        exchange.close();
    }

    private void answer(int status, String body) {
        answers.add(new Answer(status, status < 400 ? "application/json" : "application/problem+json", body));
    }

    private Map<String, String> env() {
        return Map.of("BLUEGREEN_API", api, "BLUEGREEN_USER", "ops", "BLUEGREEN_PASSWORD", PASSWORD);
    }

    private static String view(String phase) {
        return "{\"upgradeId\": \"upg-1\", \"phase\": \"" + phase + "\", \"blue\": \"orders\", \"targetVersion\": \"17.11\","
                + " \"databases\": [\"app\"], \"waitingFor\": [], \"green\": {\"snapshots\": []}, \"perDatabase\": [],"
                + " \"switchover\": {\"attempts\": 0, \"allowed\": 3, \"timeoutMs\": 60000, \"repoint\": \"EVENT\","
                + " \"dataMismatch\": false}}";
    }

    @Test
    void versionAndHelp() {
        CliRun version = CliRun.run(Map.of(), "--version");
        assertEquals(0, version.exit(), version.toString());
        assertTrue(version.out().startsWith("bluegreen "), version.toString());
        CliRun help = CliRun.run(Map.of(), "status", "--help");
        assertEquals(0, help.exit());
        assertTrue(help.out().contains("--watch") && help.out().contains("--api"), help.out());
    }

    @Test
    void theBenchmarksListTheirOptionsAndRefuseABadOne() {
        CliRun help = CliRun.run(Map.of(), "bench", "fleet", "--help");
        assertEquals(0, help.exit(), help.toString());
        assertTrue(help.out().contains("--upgrades") && help.out().contains("--agent-delay"), help.out());
        CliRun bad = CliRun.run(Map.of(), "bench", "switchover", "--runs", "many");
        assertEquals(2, bad.exit(), "a bad option of the benchmark is bad input: " + bad);
    }

    @Test
    void aBadFlagIsBadInput() {
        CliRun run = CliRun.run(env(), "status", "--bogus");
        assertEquals(2, run.exit(), run.toString());
        assertTrue(run.err().startsWith("bluegreen: Unknown option: '--bogus', bluegreen status, "), run.err());
        CliRun interval = CliRun.run(env(), "status", "--interval", "soon");
        assertEquals(2, interval.exit(), interval.toString());
        assertTrue(received.isEmpty());
    }

    @Test
    void aClosedPortIsUnreachable() throws IOException {
        int closed;
        try (ServerSocket socket = new ServerSocket(0)) {
            closed = socket.getLocalPort();
        }
        CliRun run = CliRun.run(env(), "status", "--api", "http://127.0.0.1:" + closed);
        assertEquals(3, run.exit(), run.toString());
        assertTrue(run.err().startsWith("bluegreen: cannot reach the coordinator (connection refused), GET http://127.0.0.1:"
                + closed + "/upgrades, "), run.err());
    }

    @Test
    void httpBasicFromTheEnvironmentOrAPasswordFileAndNoneWithoutAUser() throws IOException {
        answer(200, "[]");
        assertEquals(0, CliRun.run(env(), "status").exit());
        String basic = "Basic " + Base64.getEncoder().encodeToString(("ops:" + PASSWORD).getBytes(StandardCharsets.UTF_8));
        assertEquals(basic, received.get(0).authorization());

        Path file = Files.writeString(dir.resolve("password"), "from-file\n");
        CliRun fromFile = CliRun.run(env(), "status", "--password-file", file.toString());
        assertEquals(0, fromFile.exit(), fromFile.toString());
        assertEquals("Basic " + Base64.getEncoder().encodeToString("ops:from-file".getBytes(StandardCharsets.UTF_8)),
                received.get(1).authorization());

        assertEquals(0, CliRun.run(Map.of("BLUEGREEN_API", api), "status").exit());
        assertNull(received.get(2).authorization());
    }

    @Test
    void aUserWithoutPasswordIsBadInputAndNothingIsSent() {
        CliRun run = CliRun.run(Map.of("BLUEGREEN_API", api, "BLUEGREEN_USER", "ops"), "status");
        assertEquals(2, run.exit(), run.toString());
        assertTrue(run.err().startsWith("bluegreen: no password for user 'ops', "), run.err());
        CliRun missingFile = CliRun.run(env(), "status", "--password-file", dir.resolve("nope").toString());
        assertEquals(2, missingFile.exit(), missingFile.toString());
        assertTrue(received.isEmpty());
    }

    @Test
    void aRefusedLoginIsBadInputAndThePasswordIsNeverPrinted() {
        answer(401, "{\"type\": \"urn:bluegreen:problem:unauthorized\", \"title\": \"Unauthorized\", \"status\": 401}");
        CliRun run = CliRun.run(env(), "status", "upg-1");
        assertEquals(2, run.exit(), run.toString());
        assertTrue(run.err().contains("refused the login of user 'ops'"), run.err());
        assertFalse(run.all().contains(PASSWORD), run.toString());
    }

    @Test
    void aRefusedPlanPrintsEachFieldAndIsBadInput() throws IOException {
        answer(400, "{\"type\": \"urn:bluegreen:problem:invalid-plan\", \"title\": \"Invalid plan\", \"status\": 400, "
                + "\"detail\": \"2 problem(s); nothing was written\", \"errors\": [{\"field\": \"blue.port\", "
                + "\"problem\": \"must be 1-65535\"}, {\"field\": \"databases\", \"problem\": \"must not be empty\"}]}");
        Path plan = Files.writeString(dir.resolve("plan.yaml"), PLAN);
        CliRun run = CliRun.run(env(), "plan", plan.toString());
        assertEquals(2, run.exit(), run.toString());
        List<String> lines = run.err().lines().toList();
        assertTrue(lines.get(0).startsWith("bluegreen: the coordinator refused the plan (400 Invalid plan"), run.err());
        assertEquals(List.of("  blue.port: must be 1-65535", "  databases: must not be empty"), lines.subList(1, 3));
        assertEquals("POST", received.get(0).method());
        assertEquals("/upgrades?dryRun=true", received.get(0).uri());
        assertEquals(json.readTree(PlanFile.parse("plan.yaml", PLAN).toString()), json.readTree(received.get(0).body()));

        CliRun asJson = CliRun.run(env(), "plan", plan.toString(), "--output", "json");
        assertEquals(2, asJson.exit());
        assertEquals(400, json.readTree(asJson.out()).path("status").asInt(), "the problem document on stdout");
    }

    @Test
    void aDryRunExitsByItsFindings() throws IOException {
        Path plan = Files.writeString(dir.resolve("plan.yaml"), PLAN);
        answer(200, "{\"valid\": true, \"blueVersion\": \"16.15\", \"targetVersion\": \"17.11\", \"validTargets\": [\"17.11\"],"
                + " \"phases\": [{\"phase\": \"PREFLIGHT\", \"steps\": [\"RunPreflight\"]}], \"findings\": []}");
        answer(200, "{\"valid\": false, \"phases\": [], \"findings\": [{\"severity\": \"error\", \"subject\": \"blue\","
                + " \"message\": \"upgrade upg-0 is active\"}]}");
        CliRun valid = CliRun.run(env(), "plan", plan.toString());
        assertEquals(0, valid.exit(), valid.toString());
        assertTrue(valid.out().contains("PREFLIGHT") && valid.out().contains("RunPreflight"), valid.out());
        CliRun refused = CliRun.run(env(), "plan", plan.toString());
        assertEquals(1, refused.exit(), refused.toString());
        assertTrue(refused.out().contains("error    blue: upgrade upg-0 is active"), refused.out());
    }

    @Test
    void aBadPlanFileIsBadInputAndNothingIsSent() throws IOException {
        Path plan = Files.writeString(dir.resolve("plan.yaml"), "blue: [\n");
        CliRun run = CliRun.run(env(), "start", plan.toString());
        assertEquals(2, run.exit(), run.toString());
        assertTrue(run.err().contains(plan + ":"), run.err());
        assertTrue(received.isEmpty());
    }

    @Test
    void conflictsUnknownUpgradesAndUnavailable() {
        answer(409, "{\"title\": \"Conflict\", \"status\": 409, \"detail\": \"COMPLETED does not allow it\"}");
        answer(404, "{\"title\": \"Not Found\", \"status\": 404, \"detail\": \"no upgrade nope\"}");
        answer(503, "{\"title\": \"Service Unavailable\", \"status\": 503, \"detail\": \"no owner answered\"}");
        CliRun conflict = CliRun.run(env(), "rollback", "upg-1", "--reason", "test");
        assertEquals(2, conflict.exit(), conflict.toString());
        assertEquals("{\"reason\":\"test\"}", received.get(0).body());
        assertEquals("/upgrades/upg-1/rollback", received.get(0).uri());
        assertEquals(2, CliRun.run(env(), "timeline", "nope").exit());
        assertEquals(3, CliRun.run(env(), "approve", "upg-1").exit());
        assertEquals("{}", received.get(2).body());
    }

    @Test
    void rollbackNeedsAReason() {
        CliRun run = CliRun.run(env(), "rollback", "upg-1");
        assertEquals(2, run.exit(), run.toString());
        assertTrue(run.err().contains("--reason"), run.err());
    }

    @Test
    void statusOfOneUpgradeExitsByItsPhase() throws IOException {
        answer(200, view("FAILED"));
        CliRun run = CliRun.run(env(), "status", "upg-1", "--output", "json");
        assertEquals(1, run.exit(), run.toString());
        JsonNode document = json.readTree(run.out());
        assertEquals("FAILED", document.path("phase").asText());
    }

    @Test
    void watchFollowsUntilTheUpgradeIsFinished() {
        answer(200, view("REPLICATING"));
        answer(200, view("SWITCHING_OVER"));
        answer(200, view("COMPLETED"));
        CliRun run = CliRun.run(env(), "status", "upg-1", "--watch", "--interval", "10ms");
        assertEquals(0, run.exit(), run.toString());
        assertEquals(3, run.out().lines().filter(line -> line.startsWith("--- ")).count(), run.out());
        assertTrue(run.out().contains("phase         COMPLETED"), run.out());
        assertFalse(run.out().contains(Watch.CLEAR), "no terminal, no escape codes");
    }

    @Test
    void startPrintsTheIdAndWaitsWhenAsked() throws IOException {
        Path plan = Files.writeString(dir.resolve("plan.yaml"), PLAN);
        answer(201, view("PREFLIGHT"));
        answer(200, view("ROLLED_BACK"));
        CliRun run = CliRun.run(env(), "start", plan.toString(), "--wait", "--interval", "10ms");
        assertEquals(1, run.exit(), run.toString());
        assertEquals("upg-1", run.out().lines().findFirst().orElse(""));
        assertEquals("POST", received.get(0).method());
        assertEquals("/upgrades", received.get(0).uri());
    }
}
