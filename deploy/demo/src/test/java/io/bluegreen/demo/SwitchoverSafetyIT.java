package io.bluegreen.demo;

import io.bluegreen.schemas.Topics;
import io.bluegreen.schemas.common.AlertKind;
import io.bluegreen.schemas.common.Severity;
import io.bluegreen.schemas.monitor.AlertRaised;
import io.bluegreen.schemas.serde.MessageCodec;
import io.bluegreen.schemas.serde.UndecodableMessageException;
import io.micronaut.core.type.Argument;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.client.HttpClient;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import software.amazon.awssdk.services.rds.model.DBInstance;
import software.amazon.awssdk.services.rds.model.DBSnapshot;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Stream;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The switchover's failure paths end to end: every service, real Kafka, the local RDS endpoint, PostgreSQL
 * 16 -> 17, and the pg-agent in a process of its own so that it can be killed. One upgrade (manual approval,
 * event repoint, a 5 s switchover timeout) is taken to READY_FOR_SWITCHOVER, then:
 * <ol>
 *   <li>a prepared transaction on Blue: the guardrails refuse, nothing is fenced, back to REPLICATING;</li>
 *   <li>Green's marker table locked: the drain cannot finish, the agent gives up at the deadline and unfences;</li>
 *   <li>the same, and the pg-agent killed (SIGKILL) with Blue fenced: the coordinator aborts at the deadline and
 *       a new pg-agent unfences Blue;</li>
 *   <li>a row only Green has: the switchover succeeds, the verification after repoint finds the difference,
 *       raises a critical alert and fails the step; a retry verifies again;</li>
 *   <li>the difference waived by a user: the clean-up deletes the seed snapshot, and after the plan's short retention
 *       old Blue is deleted with a final snapshot; the upgrade completes.</li>
 * </ol>
 * Each abort ends with Blue writable by the application and the upgrade replicating.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class SwitchoverSafetyIT {

    private static final String BLUE = "safety-orders";
    private static final String USER = "app_admin";
    private static final long TIMEOUT_MS = 5_000;
    private static final long RETENTION_MS = 3_000;

    private final String password = LocalStack.generatedMasterPassword();
    private final List<Process> agents = new ArrayList<>();
    private LocalStack stack;
    private HttpClient http;
    private String upgradeId;
    private DBInstance blue;
    private String greenUrl;
    private Path logs;

    @BeforeAll
    void start() throws Exception {
        logs = Files.createDirectories(Path.of("target", "safety-it"));
        stack = LocalStack.start(USER, password, Map.of("bluegreen.pg.listener.enabled", false));
        http = HttpClient.create(stack.coordinatorAs(stack.apiUser()));
        agents.add(startPgAgent("first"));
        stack.rds().createDBInstance(r -> r.dbInstanceIdentifier(BLUE).engine("postgres").engineVersion("16.15")
                .dbInstanceClass("db.t3.medium").allocatedStorage(20).masterUsername(USER).masterUserPassword(password));
        await().atMost(Duration.ofMinutes(2)).until(() -> "available".equals(describe(BLUE).dbInstanceStatus()));
        blue = describe(BLUE);
        sql(url(blue, "postgres"), "CREATE DATABASE app");
        sql(url(blue, "app"), "CREATE TABLE orders (id bigserial PRIMARY KEY, note text NOT NULL)",
                "INSERT INTO orders (note) SELECT 'order ' || g FROM generate_series(1, 1000) g");

        Map<String, Object> plan = new LinkedHashMap<>();
        plan.put("blue", Map.of("identifier", BLUE, "region", LocalStack.REGION, "engine", "postgres",
                "host", blue.endpoint().address(), "port", blue.endpoint().port(), "credentialsRef", LocalStack.CREDENTIALS_REF));
        plan.put("targetVersion", "17.11");
        plan.put("allowBlueReboot", true); // Blue's default group has logical replication off
        plan.put("databases", List.of("app"));
        plan.put("lagThresholdBytes", 1024 * 1024);
        plan.put("holdDurationMs", 1000);
        plan.put("switchoverMode", "manual");
        plan.put("repoint", "event");
        plan.put("switchoverTimeoutMs", TIMEOUT_MS);
        plan.put("switchoverAttempts", 5);
        plan.put("verifyMode", "checksum");
        plan.put("oldBlueRetentionMs", RETENTION_MS);
        Map<?, ?> created = http.toBlocking().retrieve(HttpRequest.POST("/upgrades", plan), Map.class);
        upgradeId = (String) created.get("upgradeId");
        awaitPhase("READY_FOR_SWITCHOVER", Duration.ofMinutes(4));
        String green = String.valueOf(((Map<?, ?>) upgrade().get("green")).get("host"));
        String greenPort = String.valueOf(((Map<?, ?>) upgrade().get("green")).get("port"));
        greenUrl = "jdbc:postgresql://" + green + ":" + greenPort + "/app";
    }

    @AfterAll
    void stop() {
        agents.forEach(Process::destroyForcibly);
        if (http != null) {
            http.close();
        }
        if (stack != null) {
            stack.close();
        }
    }

    @Test
    @Order(1)
    void aPreparedTransactionOnBlueMakesTheGuardrailsRefuseAndNothingIsFenced() throws Exception {
        sql(url(blue, "app"), "BEGIN", "INSERT INTO orders (note) VALUES ('prepared')", "PREPARE TRANSACTION 'held_by_app'");
        try {
            approve();
            Map<?, ?> aborted = awaitEvent("SwitchoverAborted", 1);
            assertTrue(detail(aborted).contains("prepared_transactions"), detail(aborted));
            assertTrue(detail(aborted).contains("held_by_app"), "the finding names the transaction: " + detail(aborted));
            assertTrue(detail(aborted).contains("fencedMs") == false || detail(aborted).contains("fencedMs=null"),
                    "nothing was fenced: " + detail(aborted));
            assertEquals("REPLICATING", upgrade().get("phase"));
            assertBlueTakesWrites();
        } finally {
            sql(url(blue, "app"), "ROLLBACK PREPARED 'held_by_app'");
        }
        awaitPhase("READY_FOR_SWITCHOVER", Duration.ofMinutes(1));
    }

    @Test
    @Order(2)
    void aDrainThatCannotFinishIsAbandonedAtTheDeadlineAndBlueUnfenced() throws Exception {
        try (Connection lock = lockGreenMarker()) {
            long approved = System.nanoTime();
            approve();
            Map<?, ?> aborted = awaitEvent("SwitchoverAborted", 2);
            long tookMs = Duration.ofNanos(System.nanoTime() - approved).toMillis();
            assertTrue(detail(aborted).contains("fencedMs="), detail(aborted));
            long fencedMs = Long.parseLong(detail(aborted).replaceAll(".*fencedMs=(\\d+).*", "$1"));
            assertTrue(fencedMs <= TIMEOUT_MS + 1_000, "Blue was fenced for " + fencedMs + " ms, bounded by the timeout");
            assertTrue(tookMs < TIMEOUT_MS + 10_000, "aborted after " + tookMs + " ms");
            assertBlueTakesWrites();
            assertEquals("REPLICATING", upgrade().get("phase"));
        }
        awaitPhase("READY_FOR_SWITCHOVER", Duration.ofMinutes(1));
    }

    @Test
    @Order(3)
    void aPgAgentKilledWithBlueFencedIsCoveredByTheDeadlineAndAnotherAgent() throws Exception {
        try (Connection lock = lockGreenMarker()) {
            approve();
            await("Blue fenced by the switchover").atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(20))
                    .until(() -> !blueTakesAWrite());
            Process first = agents.get(0);
            first.destroyForcibly(); // SIGKILL: no shutdown hook, no unfence
            first.waitFor();
            agents.add(startPgAgent("second"));
            Map<?, ?> aborted = awaitEvent("SwitchoverAborted", 3);
            // whichever comes first: the coordinator's deadline, or the new agent answering the redelivered command
            // (too late to fence; it releases the fence the killed agent left)
            assertTrue(detail(aborted).contains("no answer from the pg-agent by the deadline")
                    || detail(aborted).contains("released any fence an earlier delivery left"), detail(aborted));
            await("Blue unfenced by the second pg-agent").atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(200))
                    .until(this::blueTakesAWrite);
            assertEquals("REPLICATING", upgrade().get("phase"));
        }
        awaitPhase("READY_FOR_SWITCHOVER", Duration.ofMinutes(1));
    }

    @Test
    @Order(4)
    void aDifferenceOnGreenIsCaughtAfterTheRepointRaisesACriticalAlertAndARetryVerifiesAgain() throws Exception {
        sql(greenUrl, "INSERT INTO orders (id, note) VALUES (-1, 'only on Green')");
        try (KafkaConsumer<byte[], byte[]> alerts = new KafkaConsumer<>(Map.of("bootstrap.servers",
                stack.kafkaBootstrapServers(), "group.id", "safety-" + UUID.randomUUID(), "auto.offset.reset", "earliest",
                "isolation.level", "read_committed"),
                new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            alerts.subscribe(List.of(Topics.ALERTS));
            approve();
            awaitPhase("FAILED", Duration.ofMinutes(1));
            Map<?, ?> view = upgrade();
            assertEquals("CLEANING_UP", view.get("failedPhase"));
            assertNotNull(view.get("writer"), "Green was repointed before the verification ran");
            List<String> names = eventNames();
            assertTrue(names.lastIndexOf("WriterEndpointChanged") < names.lastIndexOf("DataVerificationRecorded"),
                    "verified outside the window, after the repoint: " + names);
            Map<?, ?> verified = awaitEvent("DataVerificationRecorded", 1);
            assertTrue(detail(verified).contains("matched=false"), detail(verified));
            assertTrue(detail(verified).contains("public.orders"), detail(verified));
            AlertRaised alert = awaitAlert(alerts);
            assertEquals(Severity.CRITICAL, alert.getSeverity());
            assertTrue(alert.getMessage().contains("public.orders"), alert.getMessage());

            http.toBlocking().exchange(HttpRequest.POST("/upgrades/" + upgradeId + "/retry", Map.of()), Map.class);
            awaitEvent("DataVerificationRecorded", 2);
            awaitPhase("FAILED", Duration.ofMinutes(1));
        }
    }

    @Test
    @Order(5)
    void aWaivedVerificationCompletesTheCleanUpDeletesTheSeedAndRetiresOldBlueAfterTheRetention() {
        List<String> seeds = stack.rds().describeDBSnapshots().dbSnapshots().stream().map(DBSnapshot::dbSnapshotIdentifier)
                .filter(id -> id.startsWith(BLUE + "-green") && id.endsWith("-seed")).toList();
        assertEquals(1, seeds.size(), "the RDS clone's seed snapshot: " + seeds);
        http.toBlocking().exchange(HttpRequest.POST("/upgrades/" + upgradeId + "/waive-verification",
                Map.of("reason", "the row only Green has was written there on purpose by this test")), Map.class);
        awaitPhase("COMPLETED", Duration.ofMinutes(3));

        List<String> phases = events().stream().filter(e -> "PhaseEntered".equals(e.get("event"))).map(SwitchoverSafetyIT::detail)
                .toList();
        assertTrue(phases.get(phases.size() - 2).contains("RETIRING_BLUE"), "kept for the retention first: " + phases);
        List<String> snapshots = stack.rds().describeDBSnapshots().dbSnapshots().stream()
                .map(DBSnapshot::dbSnapshotIdentifier).toList();
        assertFalse(snapshots.contains(seeds.get(0)), "the seed snapshot is deleted after the switchover: " + snapshots);
        assertTrue(stack.rds().describeDBInstances().dbInstances().stream()
                .noneMatch(i -> i.dbInstanceIdentifier().equals(BLUE) && i.engineVersion().startsWith("16.")),
                "old Blue (the event repoint keeps its identifier) is deleted");
        String finalSnapshot = BLUE + "-final-" + upgradeId.toLowerCase(java.util.Locale.ROOT).replaceAll("[^a-z0-9-]", "-")
                .replaceAll("-{2,}", "-");
        DBSnapshot kept = stack.rds().describeDBSnapshots(r -> r.dbSnapshotIdentifier(finalSnapshot)).dbSnapshots().get(0);
        assertEquals("available", kept.status());
        assertEquals(BLUE, kept.dbInstanceIdentifier());
        List<String> retired = events().stream().filter(e -> "StepCompleted".equals(e.get("event")))
                .map(SwitchoverSafetyIT::detail).filter(d -> d.contains("step=RetireOldBlue")).toList();
        assertEquals(1, retired.size(), retired.toString());
        assertTrue(retired.get(0).contains(finalSnapshot), "the answer names the final snapshot: " + retired);
    }

    private AlertRaised awaitAlert(KafkaConsumer<byte[], byte[]> alerts) {
        AlertRaised[] found = new AlertRaised[1];
        await().atMost(Duration.ofSeconds(30)).until(() -> {
            for (ConsumerRecord<byte[], byte[]> record : alerts.poll(Duration.ofMillis(200))) {
                try {
                    if (MessageCodec.standard().decode(record) instanceof AlertRaised raised
                            && raised.getUpgradeId().equals(upgradeId) && raised.getKind() == AlertKind.DATA_MISMATCH) {
                        found[0] = raised;
                    }
                } catch (UndecodableMessageException ignored) {
                    // not ours
                }
            }
            return found[0] != null;
        });
        return found[0];
    }

    /** A second pg-agent process (the shaded jar the build made), as production would run it. */
    private Process startPgAgent(String name) throws Exception {
        File jar;
        try (Stream<Path> files = Files.list(Path.of("..", "..", "pg-agent", "target"))) {
            jar = files.filter(p -> p.getFileName().toString().matches("bluegreen-pg-agent-.*\\.jar"))
                    .findFirst().orElseThrow(() -> new IllegalStateException("pg-agent/target has no jar: build pg-agent first"))
                    .toFile();
        }
        String java = ProcessHandle.current().info().command().orElse("java");
        List<String> command = List.of(java, "-Dkafka.bootstrap.servers=" + stack.kafkaBootstrapServers(),
                "-Dmicronaut.server.port=-1", "-Dbluegreen.topics.partitions=3",
                "-Dkafka.consumers.default.session.timeout.ms=6000", "-Dkafka.consumers.default.heartbeat.interval.ms=1000",
                "-Dbluegreen.credentials." + LocalStack.CREDENTIALS_REF + ".username=" + USER,
                "-Dbluegreen.credentials." + LocalStack.CREDENTIALS_REF + ".hosts=" + LocalStack.LOCAL_HOSTS,
                "-jar", jar.getAbsolutePath());
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(logs.resolve("pg-agent-" + name + ".log").toFile());
        // the password reaches the process through its environment, never its command line
        builder.environment().put("BLUEGREEN_CREDENTIALS_" + LocalStack.CREDENTIALS_REF.toUpperCase().replace('-', '_')
                + "_PASSWORD", password);
        Process process = builder.start();
        await("pg-agent " + name + " consuming").atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(200))
                .until(() -> Files.readString(logs.resolve("pg-agent-" + name + ".log")).contains("Startup completed"));
        return process;
    }

    private Connection lockGreenMarker() throws SQLException {
        Connection lock = DriverManager.getConnection(greenUrl, USER, password);
        lock.setAutoCommit(false);
        try (Statement s = lock.createStatement()) {
            s.execute("LOCK TABLE bluegreen.drain_marker IN ACCESS EXCLUSIVE MODE");
        }
        return lock;
    }

    private void approve() {
        http.toBlocking().exchange(HttpRequest.POST("/upgrades/" + upgradeId + "/approve", Map.of()), Map.class);
    }

    private void assertBlueTakesWrites() {
        await("Blue takes the application's writes again").atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(100))
                .until(this::blueTakesAWrite);
        assertFalse(upgrade().get("phase").equals("SWITCHING_OVER"));
    }

    private boolean blueTakesAWrite() {
        try (Connection c = DriverManager.getConnection(url(blue, "app"), USER, password); Statement s = c.createStatement()) {
            s.execute("INSERT INTO orders (note) VALUES ('probe')");
            return true;
        } catch (SQLException e) {
            return false;
        }
    }

    private Map<?, ?> awaitEvent(String name, int occurrence) {
        Map<?, ?>[] found = new Map<?, ?>[1];
        await(name + " #" + occurrence).atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(100)).until(() -> {
            List<Map> events = events();
            List<Map> matching = events.stream().filter(e -> name.equals(e.get("event"))).toList();
            if (matching.size() >= occurrence) {
                found[0] = matching.get(occurrence - 1);
                return true;
            }
            return false;
        });
        return found[0];
    }

    private List<Map> events() {
        return http.toBlocking().retrieve(HttpRequest.GET("/upgrades/" + upgradeId + "/events"), Argument.listOf(Map.class));
    }

    private List<String> eventNames() {
        return events().stream().map(e -> String.valueOf(e.get("event"))).toList();
    }

    private static String detail(Map<?, ?> event) {
        return String.valueOf(event.get("detail"));
    }

    private Map<?, ?> upgrade() {
        return http.toBlocking().retrieve(HttpRequest.GET("/upgrades/" + upgradeId), Map.class);
    }

    private void awaitPhase(String phase, Duration atMost) {
        await(upgradeId + " reaches " + phase).atMost(atMost).pollInterval(Duration.ofMillis(200))
                .until(() -> phase.equals(upgrade().get("phase")));
    }

    private DBInstance describe(String id) {
        return stack.rds().describeDBInstances(r -> r.dbInstanceIdentifier(id)).dbInstances().get(0);
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
