package io.bluegreen.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.bluegreen.demo.LocalStack;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import software.amazon.awssdk.services.rds.model.DBInstance;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The command line against a real local stack (Kafka, the local RDS endpoint, every service), run in-process: a plan
 * checked (valid and refused), started, watched, listed, its audit trail and lag read, approved when it waits for it
 * (manual switchover), followed to COMPLETED, then a rollback refused; a wrong password and an unreachable API.
 * One stack for the class.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class CliIT {

    private static final String BLUE = "cli-orders";
    private static final String USER = "app_admin";

    private final ObjectMapper json = new ObjectMapper();
    private final String password = LocalStack.generatedMasterPassword();
    private LocalStack stack;
    private Map<String, String> env;
    private Path dir;
    private Path plan;
    private String upgradeId;

    @BeforeAll
    void start() throws Exception {
        dir = Files.createDirectories(Path.of("target", "cli-it"));
        stack = LocalStack.start(USER, password);
        env = Map.of("BLUEGREEN_API", stack.coordinator().toString(), "BLUEGREEN_USER", stack.apiUser().name(),
                "BLUEGREEN_PASSWORD", stack.apiUser().password());
        stack.rds().createDBInstance(r -> r.dbInstanceIdentifier(BLUE).engine("postgres").engineVersion("16.15")
                .dbInstanceClass("db.t3.medium").allocatedStorage(20).masterUsername(USER).masterUserPassword(password));
        await().atMost(Duration.ofMinutes(2)).until(() -> "available".equals(describe().dbInstanceStatus()));
        DBInstance blue = describe();
        sql(url(blue, "postgres"), "CREATE DATABASE app");
        sql(url(blue, "app"), "CREATE TABLE orders (id bigserial PRIMARY KEY, note text NOT NULL)",
                "INSERT INTO orders (note) SELECT 'order ' || g FROM generate_series(1, 1000) g");
        plan = Files.writeString(dir.resolve("plan.yaml"), """
                # a manual switchover: the upgrade waits for an approval
                blue:
                  identifier: %s
                  region: %s
                  engine: postgres
                  host: %s
                  port: %d
                  credentialsRef: %s
                targetVersion: 17.11
                allowBlueReboot: true
                databases: [app]
                lagThresholdBytes: 1048576
                holdDurationMs: 1000
                switchoverMode: manual
                repoint: event
                verifyMode: row_count
                """.formatted(BLUE, LocalStack.REGION, blue.endpoint().address(), blue.endpoint().port(),
                LocalStack.CREDENTIALS_REF));
    }

    @AfterAll
    void stop() {
        if (stack != null) {
            stack.close();
        }
    }

    @Test
    @Order(1)
    void aValidPlanShowsItsPhasesAndStartsNothing() {
        CliRun run = cli("plan", plan.toString());
        assertEquals(0, run.exit(), run.toString());
        assertTrue(run.out().contains("valid"), run.out());
        assertTrue(run.out().contains("PREFLIGHT"), run.out());
        assertTrue(run.out().contains("REPLICATING"), run.out());
        CliRun list = cli("status", "--output", "json");
        assertEquals(0, list.exit(), list.toString());
        assertEquals(0, read(list.out()).size(), "a dry run starts nothing: " + list.out());
    }

    @Test
    @Order(2)
    void aRefusedPlanNamesEveryFieldAndExits2() throws IOException {
        Path bad = Files.writeString(dir.resolve("bad.json"), """
                {"blue": {"identifier": "%s", "region": "nowhere-1", "engine": "postgres", "host": "127.0.0.1",
                          "port": 0, "credentialsRef": "%s"},
                 "targetVersion": "17.11", "databases": [], "password": "never"}
                """.formatted(BLUE, LocalStack.CREDENTIALS_REF));
        CliRun run = cli("plan", bad.toString());
        assertEquals(2, run.exit(), run.toString());
        List<String> lines = run.err().lines().toList();
        assertTrue(lines.get(0).startsWith("bluegreen: the coordinator refused the plan (400"), run.err());
        assertTrue(lines.stream().anyMatch(line -> line.startsWith("  blue.port: ")), run.err());
        assertTrue(lines.stream().anyMatch(line -> line.startsWith("  databases: ")), run.err());
        assertTrue(lines.stream().anyMatch(line -> line.startsWith("  password: ")), run.err());
        assertFalse(run.all().contains("never"), "an inline secret is never echoed: " + run);
    }

    @Test
    @Order(3)
    void aWrongPasswordExits2AndIsNeverPrinted() {
        Map<String, String> wrong = new HashMap<>(env);
        wrong.put("BLUEGREEN_PASSWORD", "not-the-password");
        CliRun run = CliRun.run(wrong, "status");
        assertEquals(2, run.exit(), run.toString());
        assertTrue(run.err().contains("401"), run.err());
        assertFalse(run.all().contains("not-the-password"), run.toString());
        assertFalse(run.all().contains(stack.apiUser().password()), run.toString());
    }

    @Test
    @Order(4)
    void anUnreachableApiExits3() throws IOException {
        int closed;
        try (ServerSocket socket = new ServerSocket(0)) {
            closed = socket.getLocalPort();
        }
        CliRun run = cli("status", "--api", "http://127.0.0.1:" + closed);
        assertEquals(3, run.exit(), run.toString());
        assertTrue(run.err().startsWith("bluegreen: cannot reach the coordinator"), run.err());
    }

    @Test
    @Order(5)
    void aPlanRolledBackLeavesNoStrayResourceAndTheSamePlanRunsAgain() {
        CliRun run = cli("start", plan.toString(), "--output", "json");
        assertEquals(0, run.exit(), run.toString());
        String first = read(run.out()).path("upgradeId").asText();
        await().atMost(Duration.ofMinutes(4)).pollInterval(Duration.ofMillis(500)).until(() -> Set.of("REPLICATING",
                "READY_FOR_SWITCHOVER").contains(read(cli("status", first, "--output", "json").out()).path("phase").asText()));
        assertEquals(0, cli("rollback", first, "--reason", "rehearsing the way back").exit());
        await().atMost(Duration.ofMinutes(3)).pollInterval(Duration.ofMillis(500)).until(() ->
                "ROLLED_BACK".equals(read(cli("status", first, "--output", "json").out()).path("phase").asText()));
        assertEquals(List.of(BLUE), stack.rds().describeDBInstances().dbInstances().stream()
                .map(DBInstance::dbInstanceIdentifier).toList(), "Green is gone");
        assertEquals(List.of(), stack.rds().describeDBSnapshots().dbSnapshots().stream()
                .map(s -> s.dbSnapshotIdentifier()).toList(), "its seed snapshot is gone");
        assertEquals(List.of("bluegreen-" + BLUE + "-logical"), stack.rds().describeDBParameterGroups().dbParameterGroups()
                .stream().map(g -> g.dbParameterGroupName()).filter(name -> !name.startsWith("default.")).toList(),
                "only the copy of Blue's group that Blue now runs with; Green's 17 group is gone");
        assertEquals("bluegreen-" + BLUE + "-logical", describe().dbParameterGroups().get(0).dbParameterGroupName());
    }

    @Test
    @Order(6)
    void startPrintsTheUpgrade() {
        CliRun run = cli("start", plan.toString(), "--output", "json");
        assertEquals(0, run.exit(), run.toString());
        JsonNode view = read(run.out());
        upgradeId = view.path("upgradeId").asText();
        assertTrue(upgradeId.startsWith("upg-"), run.out());
        assertEquals(BLUE, view.path("blue").asText());
    }

    @Test
    @Order(7)
    void statusOfTheUpgradeAndTheList() {
        CliRun one = cli("status", upgradeId, "--output", "json");
        assertEquals(0, one.exit(), one.toString());
        assertEquals(upgradeId, read(one.out()).path("upgradeId").asText());

        CliRun text = cli("status", upgradeId);
        assertEquals(0, text.exit(), text.toString());
        assertTrue(text.out().startsWith("upgrade       " + upgradeId), text.out());

        CliRun list = cli("status");
        assertEquals(0, list.exit(), list.toString());
        assertTrue(list.out().lines().anyMatch(line -> line.startsWith(upgradeId) && line.contains(BLUE)), list.out());
    }

    @Test
    @Order(8)
    void theTimelineIsOneLinePerEvent() {
        CliRun asJson = cli("timeline", upgradeId, "--output", "json");
        assertEquals(0, asJson.exit(), asJson.toString());
        JsonNode entries = read(asJson.out());
        CliRun run = cli("timeline", upgradeId);
        assertEquals(0, run.exit(), run.toString());
        List<String> lines = run.out().lines().toList();
        assertTrue(entries.size() > 0 && lines.size() >= entries.size(), "the upgrade only moves on: " + run);
        assertEquals(Render.timelineLine(entries.get(0)), lines.get(0));
        assertTrue(lines.get(0).matches("\\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d:\\d\\dZ  \\S+.*"), run.out());
    }

    @Test
    @Order(9)
    void lagWhileReplicating() {
        awaitPhase(Set.of("REPLICATING", "READY_FOR_SWITCHOVER"), Duration.ofMinutes(4));
        await().atMost(Duration.ofMinutes(1)).pollInterval(Duration.ofMillis(500)).until(() -> {
            CliRun run = cli("lag", upgradeId, "--output", "json");
            return run.exit() == 0 && read(run.out()).path("databases").size() == 1;
        });
        CliRun json = cli("lag", upgradeId, "--output", "json");
        JsonNode app = read(json.out()).path("databases").get(0);
        assertEquals("app", app.path("database").asText());
        assertTrue(app.path("blueReachable").asBoolean(), json.out());
        CliRun text = cli("lag", upgradeId);
        assertEquals(0, text.exit(), text.toString());
        assertTrue(text.out().startsWith("lag of " + upgradeId), text.out());
    }

    @Test
    @Order(10)
    void approveWhenItWaitsForTheApproval() {
        awaitPhase(Set.of("READY_FOR_SWITCHOVER"), Duration.ofMinutes(3));
        CliRun run = cli("approve", upgradeId);
        assertEquals(0, run.exit(), run.toString());
        assertTrue(run.out().startsWith("approved " + upgradeId), run.out());
    }

    @Test
    @Order(11)
    void watchExits0WhenCompleted() {
        CliRun run = cli("status", upgradeId, "--watch", "--interval", "500ms");
        assertEquals(0, run.exit(), run.toString());
        assertTrue(run.out().contains("phase         COMPLETED"), run.out());
        String timeline = cli("timeline", upgradeId).out();
        assertTrue(timeline.lines().anyMatch(line -> line.contains("SwitchoverApproved")
                && line.contains("approvedBy=" + stack.apiUser().name())), "the login approved: " + timeline);
        // the plan ran twice (rolled back once): what exists besides Blue is this run's, tagged with its id
        List<DBInstance> instances = stack.rds().describeDBInstances().dbInstances();
        assertEquals(2, instances.size(), "Blue and this run's Green: " + instances);
        assertTrue(instances.stream().filter(i -> !i.dbInstanceIdentifier().equals(BLUE)).allMatch(i -> i.tagList().stream()
                .anyMatch(t -> t.key().equals("bluegreen:upgrade-id") && t.value().equals(upgradeId))), instances.toString());
        assertTrue(stack.rds().describeDBSnapshots().dbSnapshots().stream().allMatch(snapshot -> snapshot.tagList().stream()
                .anyMatch(t -> t.key().equals("bluegreen:upgrade-id") && t.value().equals(upgradeId))), "no snapshot of the "
                + "rolled-back run is left");
    }

    @Test
    @Order(12)
    void rollbackOfAFinishedUpgradeIsRefused() {
        CliRun run = cli("rollback", upgradeId, "--reason", "too late");
        assertEquals(2, run.exit(), run.toString());
        assertTrue(run.err().startsWith("bluegreen: "), run.err());
    }

    @Test
    @Order(13)
    void retryAndWaiverOfAFinishedUpgradeAreRefused() {
        CliRun retry = cli("retry", upgradeId);
        assertEquals(2, retry.exit(), retry.toString());
        assertTrue(retry.err().startsWith("bluegreen: "), retry.err());
        CliRun waive = cli("waive-verification", upgradeId, "--reason", "compared by hand");
        assertEquals(2, waive.exit(), waive.toString());
        CliRun json = cli("retry", upgradeId, "--output", "json");
        assertEquals(2, json.exit(), json.toString());
        assertEquals(409, read(json.out()).path("status").asInt(), "the problem document on stdout: " + json.out());
    }

    private void awaitPhase(Set<String> phases, Duration within) {
        await().atMost(within).pollInterval(Duration.ofMillis(500)).until(() -> {
            String phase = read(cli("status", upgradeId, "--output", "json").out()).path("phase").asText();
            if (phase.equals("FAILED") || phase.equals("ROLLED_BACK")) {
                throw new AssertionError("the upgrade stopped in " + phase + ": " + cli("status", upgradeId).out());
            }
            return phases.contains(phase);
        });
    }

    private CliRun cli(String... args) {
        return CliRun.run(env, args);
    }

    private JsonNode read(String text) {
        try {
            return json.readTree(text);
        } catch (IOException e) {
            throw new AssertionError("not one JSON document: " + text, e);
        }
    }

    private DBInstance describe() {
        return stack.rds().describeDBInstances(r -> r.dbInstanceIdentifier(BLUE)).dbInstances().get(0);
    }

    private static String url(DBInstance instance, String database) {
        return "jdbc:postgresql://" + instance.endpoint().address() + ":" + instance.endpoint().port() + "/" + database;
    }

    private void sql(String url, String... statements) throws SQLException {
        try (Connection c = DriverManager.getConnection(url, USER, password); Statement s = c.createStatement()) {
            for (String statement : statements) {
                s.execute(statement);
            }
        }
    }
}
