package io.bluegreen.coordinator;

import io.bluegreen.coordinator.saga.AgentAnswers;
import io.bluegreen.local.testbed.TestBed;
import io.bluegreen.local.testbed.WithTestBed;
import io.bluegreen.schemas.Topics;
import io.bluegreen.schemas.command.pg.RunPreflight;
import io.bluegreen.schemas.command.pg.RunSwitchover;
import io.bluegreen.schemas.command.pg.VerifyData;
import io.bluegreen.schemas.common.FailureReason;
import io.bluegreen.schemas.result.StepFailed;
import io.bluegreen.schemas.command.pg.UnfenceWrites;
import io.bluegreen.schemas.event.WriterEndpointChanged;
import io.bluegreen.schemas.command.aws.CloneCluster;
import io.bluegreen.schemas.event.PhaseEntered;
import io.bluegreen.schemas.event.UpgradeCompleted;
import io.bluegreen.schemas.monitor.ReplicationLagMeasured;
import io.bluegreen.schemas.serde.AvroMessageDeserializer;
import io.bluegreen.schemas.serde.AvroMessageSerializer;
import io.micronaut.context.ApplicationContext;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.client.HttpClient;
import io.micronaut.http.client.exceptions.HttpClientResponseException;
import io.micronaut.runtime.server.EmbeddedServer;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Predicate;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The coordinator through the real broker and its REST API; the test plays the agents (answers every command
 * with a success, keyed as the command) and the monitor (sends lag samples). The coordinator is restarted
 * mid-upgrade and resumes from the committed event log; a second plan for a Blue with an active upgrade is refused.
 */
@WithTestBed
class CoordinatorIT {

    private static EmbeddedServer server;
    private static HttpClient http;
    private static KafkaConsumer<String, SpecificRecord> commands;
    private static KafkaProducer<String, SpecificRecord> producer;

    @BeforeAll
    static void start() {
        String bootstrap = TestBed.shared().kafka().bootstrapServers();
        server = startCoordinator();
        producer = new KafkaProducer<>(Map.of("bootstrap.servers", bootstrap), new StringSerializer(), new AvroMessageSerializer<>());
        commands = new KafkaConsumer<>(Map.of("bootstrap.servers", bootstrap, "group.id", "it-agents-" + UUID.randomUUID(),
                "auto.offset.reset", "earliest", "isolation.level", "read_committed"), new StringDeserializer(),
                new AvroMessageDeserializer<>());
        commands.subscribe(List.of(Topics.PG_COMMANDS, Topics.AWS_COMMANDS));
    }

    static EmbeddedServer startCoordinator() {
        Map<String, Object> config = new java.util.HashMap<>(ApiLogins.properties());
        config.putAll(Map.of("kafka.bootstrap.servers", TestBed.shared().kafka().bootstrapServers(),
                "micronaut.server.port", "-1", "bluegreen.topics.partitions", "3"));
        EmbeddedServer started = ApplicationContext.run(EmbeddedServer.class, config);
        http = HttpClient.create(ApiLogins.as(ApiLogins.ADMIN, started.getURL()));
        return started;
    }

    @AfterAll
    static void stop() {
        commands.close();
        producer.close();
        http.close();
        server.close();
    }

    /** Answers commands of this upgrade until one matches {@code stopAt} (which is returned unanswered). */
    private SpecificRecord playAgents(String upgradeId, Predicate<SpecificRecord> stopAt) {
        return playAgents(c -> upgradeId.equals(upgradeOf(c)), stopAt);
    }

    private SpecificRecord playAgents(Predicate<SpecificRecord> ours, Predicate<SpecificRecord> stopAt) {
        long deadline = System.currentTimeMillis() + 60_000;
        while (System.currentTimeMillis() < deadline) {
            for (ConsumerRecord<String, SpecificRecord> record : commands.poll(Duration.ofMillis(200))) {
                if (!ours.test(record.value())) {
                    continue;
                }
                if (stopAt.test(record.value())) {
                    return record.value();
                }
                answer(record.key(), record.value());
            }
        }
        throw new AssertionError("the coordinator sent no matching command");
    }

    private static String upgradeOf(SpecificRecord message) {
        return String.valueOf(((GenericRecord) message).get("upgradeId"));
    }

    /** Answers as an agent does: with the command record's key. */
    private static void answer(String key, SpecificRecord command) {
        producer.send(new ProducerRecord<>(Topics.RESULTS, key, AgentAnswers.success(command, Instant.now())));
    }

    private static void lag(String key, String id, String db, Instant at) {
        producer.send(new ProducerRecord<>(Topics.LAG, key, ReplicationLagMeasured.newBuilder().setUpgradeId(id)
                .setOccurredAt(at).setDatabase(db).setBlueReachable(true).setGreenReachable(true)
                .setLagBytes(0L).setSlotActive(true).setWorkerAlive(true).build()));
    }

    private Map<?, ?> upgrade(String id) {
        return http.toBlocking().retrieve(HttpRequest.GET("/upgrades/" + id), Map.class);
    }

    private void awaitPhase(String id, String phase) {
        await(id + " reaches " + phase).atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(100))
                .until(() -> phase.equals(upgrade(id).get("phase")));
    }

    @Test
    void runsAnUpgradeThroughRestartsAndApprovalToCompletion() {
        String id = "upg-it-" + UUID.randomUUID().toString().substring(0, 6);
        Map<String, Object> plan = Map.of("upgradeId", id, "blue", Map.of("identifier", "orders", "region", "eu-west-1",
                        "engine", "postgres", "host", "127.0.0.1", "port", 5432, "credentialsRef", "orders-admin"),
                "targetVersion", "17.9", "databases", List.of("app", "billing"), "lagThresholdBytes", 4096,
                "holdDurationMs", 500, "switchoverMode", "manual");
        Map<String, Object> second = new java.util.HashMap<>(plan);
        second.put("upgradeId", id + "-2");
        HttpResponse<Map> created = http.toBlocking().exchange(HttpRequest.POST("/upgrades", plan), Map.class);
        assertEquals(201, created.code());
        assertEquals(200, http.toBlocking().exchange(HttpRequest.POST("/upgrades", plan), Map.class).code(),
                "the same upgrade id twice starts one upgrade");
        HttpClientResponseException conflict = org.junit.jupiter.api.Assertions.assertThrows(HttpClientResponseException.class,
                () -> http.toBlocking().exchange(HttpRequest.POST("/upgrades", second), Map.class));
        assertEquals(409, conflict.code(), "one active upgrade per Blue");
        assertTrue(conflict.getResponse().getBody(String.class).orElse("").contains(id), "names the active upgrade");

        SpecificRecord clone = playAgents(id, c -> c instanceof CloneCluster);

        // the coordinator dies before the clone is answered, and comes back
        server.close();
        server = startCoordinator();
        assertEquals("CLONING_GREEN", upgrade(id).get("phase"), "state rebuilt from the event log");
        answer("orders", clone);

        answerUntilPhase(id, "REPLICATING");

        Instant calmSince = Instant.now().minusSeconds(2);
        for (String db : List.of("app", "billing")) {
            lag("orders", id, db, calmSince);
        }
        producer.flush();
        awaitPhase(id, "READY_FOR_SWITCHOVER");

        http.toBlocking().exchange(HttpRequest.POST("/upgrades/" + id + "/approve", Map.of()), Map.class);
        answerUntilPhase(id, "COMPLETED");
        Map<?, ?> writer = (Map<?, ?>) upgrade(id).get("writer");
        assertEquals("green.local", writer.get("host"), "the event repoint named Green's endpoint");
        try (KafkaConsumer<String, SpecificRecord> endpoints = new KafkaConsumer<>(Map.of("bootstrap.servers",
                TestBed.shared().kafka().bootstrapServers(), "group.id", "it-apps-" + UUID.randomUUID(),
                "auto.offset.reset", "earliest", "isolation.level", "read_committed"), new StringDeserializer(), new AvroMessageDeserializer<>())) {
            endpoints.subscribe(List.of(Topics.ENDPOINTS));
            await().atMost(Duration.ofSeconds(30)).until(() -> {
                for (ConsumerRecord<String, SpecificRecord> r : endpoints.poll(Duration.ofMillis(200))) {
                    if (r.value() instanceof WriterEndpointChanged changed && id.equals(changed.getUpgradeId())) {
                        return changed.getPort() == 6543;
                    }
                }
                return false;
            });
        }

        List<Map> events = http.toBlocking().retrieve(HttpRequest.GET("/upgrades/" + id + "/events"),
                io.micronaut.core.type.Argument.listOf(Map.class));
        List<Object> names = events.stream().map(e -> e.get("event")).toList();
        assertEquals("UpgradeRequested", names.get(0));
        assertTrue(names.contains("SwitchoverApproved") && names.contains("ReplicationEstablished"), names.toString());
        assertEquals(PhaseEntered.class.getSimpleName(), names.get(names.size() - 2));
        assertEquals(UpgradeCompleted.class.getSimpleName(), names.get(names.size() - 1));

        HttpClientResponseException late = org.junit.jupiter.api.Assertions.assertThrows(HttpClientResponseException.class,
                () -> http.toBlocking().exchange(HttpRequest.POST("/upgrades/" + id + "/rollback", Map.of()), Map.class));
        assertEquals(409, late.code());
        assertTrue(late.getResponse().getBody(String.class).orElse("").contains("nothing to roll back"));

        String metrics = http.toBlocking().retrieve("/prometheus");
        assertTrue(metrics.contains("bluegreen_upgrades_active{phase=\"COMPLETED\""), "phase gauge on /prometheus");
    }

    @Test
    void anUnansweredSwitchoverIsAbortedAtItsDeadlineAndBlueIsUnfenced() {
        String id = "upg-dl-" + UUID.randomUUID().toString().substring(0, 6);
        Map<String, Object> plan = Map.of("upgradeId", id, "blue", Map.of("identifier", "invoices", "region", "eu-west-1",
                        "engine", "postgres", "host", "127.0.0.1", "port", 5432, "credentialsRef", "orders-admin"),
                "targetVersion", "17.9", "databases", List.of("app"), "lagThresholdBytes", 4096,
                "holdDurationMs", 200, "switchoverMode", "automatic", "switchoverTimeoutMs", 1500, "repoint", "event");
        http.toBlocking().exchange(HttpRequest.POST("/upgrades", plan), Map.class);
        answerUntilPhase(id, "REPLICATING");
        lag("invoices", id, "app", Instant.now().minusSeconds(1));
        producer.flush();
        // the agent doing the switchover never answers: it died with Blue fenced
        SpecificRecord run = playAgents(id, c -> c instanceof RunSwitchover);
        long dispatched = System.nanoTime();
        SpecificRecord unfence = playAgents(id, c -> c instanceof UnfenceWrites);
        long waited = Duration.ofNanos(System.nanoTime() - dispatched).toMillis();
        assertTrue(((UnfenceWrites) unfence).getKeepGuards(), "an aborted attempt keeps the disarmed guards");
        assertTrue(waited >= 1_000, "not before the deadline: " + waited + " ms");
        awaitPhase(id, "REPLICATING"); // the view reads the events topic, the agents the commands topic
        List<Map> events = http.toBlocking().retrieve(HttpRequest.GET("/upgrades/" + id + "/events"),
                io.micronaut.core.type.Argument.listOf(Map.class));
        Map aborted = events.stream().filter(e -> "SwitchoverAborted".equals(e.get("event"))).findFirst().orElseThrow();
        assertTrue(String.valueOf(aborted.get("detail")).contains("no answer from the pg-agent by the deadline"), aborted.toString());
        // the proof that comes too late changes nothing
        answer("invoices", run);
        answer("invoices", unfence);
        producer.flush();
        await().atMost(Duration.ofSeconds(20)).until(() -> {
            Object waitingFor = upgrade(id).get("waitingFor"); // one read: the view may change between two
            return waitingFor == null || ((List<?>) waitingFor).isEmpty();
        });
        assertEquals("REPLICATING", upgrade(id).get("phase"));
        assertEquals(null, upgrade(id).get("writer"), "no endpoint was published");
    }

    @Test
    void aVerificationLostAfterTheSwitchoverIsWaivedThroughTheApiWithAReasonAndTheUpgradeCompletes() {
        String id = "upg-wv-" + UUID.randomUUID().toString().substring(0, 6);
        Map<String, Object> plan = Map.of("upgradeId", id, "blue", Map.of("identifier", "ledger", "region", "eu-west-1",
                        "engine", "postgres", "host", "127.0.0.1", "port", 5432, "credentialsRef", "orders-admin"),
                "targetVersion", "17.9", "databases", List.of("app"), "lagThresholdBytes", 4096,
                "holdDurationMs", 200, "switchoverMode", "automatic", "repoint", "event");
        http.toBlocking().exchange(HttpRequest.POST("/upgrades", plan), Map.class);
        answerUntilPhase(id, "REPLICATING");
        lag("ledger", id, "app", Instant.now().minusSeconds(1));
        producer.flush();
        SpecificRecord verify = playAgents(id, c -> c instanceof VerifyData);
        GenericRecord command = (GenericRecord) verify;
        producer.send(new ProducerRecord<>(Topics.RESULTS, "ledger", new StepFailed(id, String.valueOf(command.get("commandId")),
                "VerifyData", (Integer) command.get("attempt"), Instant.now(), FailureReason.PRECONDITION_FAILED, false, null,
                "Green's snapshot at the drain point of app is not held by this pg-agent (it restarted)")));
        producer.flush();
        awaitPhase(id, "FAILED");
        assertTrue(String.valueOf(upgrade(id).get("lastFailure")).contains("waive-verification"), upgrade(id).toString());

        HttpClientResponseException noReason = org.junit.jupiter.api.Assertions.assertThrows(HttpClientResponseException.class,
                () -> http.toBlocking().exchange(HttpRequest.POST("/upgrades/" + id + "/waive-verification",
                        Map.of()), Map.class));
        assertEquals(400, noReason.code());
        HttpClientResponseException rollback = org.junit.jupiter.api.Assertions.assertThrows(HttpClientResponseException.class,
                () -> http.toBlocking().exchange(HttpRequest.POST("/upgrades/" + id + "/rollback", Map.of()),
                        Map.class));
        assertEquals(409, rollback.code(), "Green has taken writes");

        http.toBlocking().exchange(HttpRequest.POST("/upgrades/" + id + "/waive-verification",
                Map.of("reason", "row counts compared by hand")), Map.class);
        answerUntilPhase(id, "COMPLETED");
        List<Map> events = http.toBlocking().retrieve(HttpRequest.GET("/upgrades/" + id + "/events"),
                io.micronaut.core.type.Argument.listOf(Map.class));
        Map waived = events.stream().filter(e -> "VerificationWaived".equals(e.get("event"))).findFirst().orElseThrow();
        assertTrue(String.valueOf(waived.get("detail")).contains("row counts compared by hand")
                && String.valueOf(waived.get("detail")).contains("requestedBy=" + ApiLogins.ADMIN.name()), waived.toString());
    }

    @Test
    void rolesDecideWhoMayDoWhatAndTheAuditTrailNamesTheLoggedInUser() throws Exception {
        java.net.URL url = server.getURL();
        String id = "upg-auth-" + UUID.randomUUID().toString().substring(0, 6);
        Map<String, Object> plan = Map.of("upgradeId", id, "blue", Map.of("identifier", "auth-blue", "region", "eu-west-1",
                        "engine", "postgres", "host", "127.0.0.1", "port", 5432, "credentialsRef", "orders-admin"),
                "targetVersion", "17.9", "databases", List.of("app"), "switchoverMode", "manual");
        try (HttpClient anonymous = HttpClient.create(url);
             HttpClient wrong = HttpClient.create(ApiLogins.as(new ApiLogins.Login(ApiLogins.OPERATOR.name(), "not-it",
                     List.of()), url));
             HttpClient viewer = HttpClient.create(ApiLogins.as(ApiLogins.VIEWER, url));
             HttpClient operator = HttpClient.create(ApiLogins.as(ApiLogins.OPERATOR, url));
             HttpClient approver = HttpClient.create(ApiLogins.as(ApiLogins.APPROVER, url))) {
            assertEquals(401, status(anonymous, HttpRequest.GET("/upgrades")), "no login, no read");
            assertEquals(401, status(wrong, HttpRequest.GET("/upgrades")), "a wrong password is refused");
            assertEquals(403, status(viewer, HttpRequest.POST("/upgrades", plan)), "a viewer cannot submit");
            assertEquals(403, status(approver, HttpRequest.POST("/upgrades", plan)), "an approver cannot submit");
            assertEquals(201, status(operator, HttpRequest.POST("/upgrades", plan)), "an operator submits");
            assertEquals(200, status(viewer, HttpRequest.GET("/upgrades/" + id)), "a viewer reads");
            assertEquals(200, status(viewer, HttpRequest.GET("/upgrades/" + id + "/lag")), "a viewer reads the lag");
            assertEquals(403, status(operator, HttpRequest.POST("/upgrades/" + id + "/approve", Map.of())),
                    "an operator cannot approve");
            assertEquals(403, status(viewer, HttpRequest.POST("/upgrades/" + id + "/rollback", Map.of())),
                    "a viewer cannot roll back");
            assertEquals(409, status(approver, HttpRequest.POST("/upgrades/" + id + "/approve", Map.of())),
                    "an approver may approve, but not before the upgrade is ready");
            assertEquals(400, status(approver, HttpRequest.POST("/upgrades/" + id + "/approve", Map.of("reason", "looks fine"))),
                    "a reason the audit trail has no place for is refused, not dropped");
            assertEquals(200, status(operator, HttpRequest.POST("/upgrades/" + id + "/rollback",
                    Map.of("reason", "changed our mind"))), "an operator rolls back");
            HttpClientResponseException refused = org.junit.jupiter.api.Assertions.assertThrows(HttpClientResponseException.class,
                    () -> anonymous.toBlocking().exchange(HttpRequest.GET("/upgrades"), Map.class));
            assertProblem(refused, "urn:bluegreen:problem:unauthorized");
            assertEquals(200, status(anonymous, HttpRequest.GET("/openapi/bluegreen-coordinator-1.yml")),
                    "the OpenAPI document needs no login");
            assertEquals(200, status(anonymous, HttpRequest.GET("/health")), "health needs no login");
        }
        List<Map> events = http.toBlocking().retrieve(HttpRequest.GET("/upgrades/" + id + "/events"),
                io.micronaut.core.type.Argument.listOf(Map.class));
        String requested = events.stream().filter(e -> "UpgradeRequested".equals(e.get("event"))).findFirst()
                .map(e -> String.valueOf(e.get("detail"))).orElseThrow();
        assertTrue(requested.contains("requestedBy=" + ApiLogins.OPERATOR.name()), requested);
        String rollback = events.stream().filter(e -> String.valueOf(e.get("event")).startsWith("Rollback")).findFirst()
                .map(e -> String.valueOf(e.get("detail"))).orElseThrow(() -> new AssertionError(events.toString()));
        assertTrue(rollback.contains(ApiLogins.OPERATOR.name()), rollback);
    }

    @Test
    void aDryRunAnswersThePhasesAndFindingsAndWritesNothing() {
        String id = "upg-dry-" + UUID.randomUUID().toString().substring(0, 6);
        Map<String, Object> plan = Map.of("upgradeId", id, "blue", Map.of("identifier", "dry-blue", "region", "eu-west-1",
                        "engine", "postgres", "host", "127.0.0.1", "port", 5432, "credentialsRef", "orders-admin"),
                "targetVersion", "17.9", "databases", List.of("app", "billing"), "switchoverMode", "automatic");
        java.util.concurrent.CompletableFuture<Map> asked = java.util.concurrent.CompletableFuture.supplyAsync(
                () -> http.toBlocking().retrieve(HttpRequest.POST("/upgrades?dryRun=true", plan), Map.class));
        // the dry run's preflight goes to the pg-agents like an upgrade's, under an id that is no upgrade's
        SpecificRecord preflight = playAgents(c -> upgradeOf(c).startsWith("dry-run-"), c -> c instanceof RunPreflight);
        answer("dry-blue", preflight);
        producer.flush();
        Map<?, ?> dry = asked.join();
        assertEquals(true, dry.get("valid"), dry.toString());
        List<?> phases = (List<?>) dry.get("phases");
        assertEquals("PREFLIGHT", ((Map<?, ?>) phases.get(0)).get("phase"));
        assertTrue(phases.stream().anyMatch(p -> "SWITCHING_OVER".equals(((Map<?, ?>) p).get("phase"))
                && ((List<?>) ((Map<?, ?>) p).get("steps")).contains("RunSwitchover")), phases.toString());
        String findings = String.valueOf(dry.get("findings"));
        assertTrue(findings.contains("not checked against AWS") && findings.contains("automatic"), findings);
        HttpClientResponseException unknown = org.junit.jupiter.api.Assertions.assertThrows(HttpClientResponseException.class,
                () -> upgrade(id));
        assertEquals(404, unknown.code(), "a dry run writes nothing");

        Map<String, Object> bad = new java.util.HashMap<>(plan);
        bad.put("databases", List.of());
        HttpClientResponseException refused = org.junit.jupiter.api.Assertions.assertThrows(HttpClientResponseException.class,
                () -> http.toBlocking().exchange(HttpRequest.POST("/upgrades?dryRun=true", bad), Map.class));
        assertEquals(400, refused.code(), "a dry run runs the same checks");
        assertProblem(refused, "urn:bluegreen:problem:invalid-plan");
    }

    private static int status(HttpClient client, io.micronaut.http.MutableHttpRequest<?> request) {
        try {
            return client.toBlocking().exchange(request, String.class).code();
        } catch (HttpClientResponseException e) {
            return e.code();
        }
    }

    @Test
    void badRequestsSayWhatIsWrongInOneProblemFormat() {
        HttpClientResponseException unknown = org.junit.jupiter.api.Assertions.assertThrows(HttpClientResponseException.class,
                () -> upgrade("upg-nope"));
        assertEquals(404, unknown.code());
        assertProblem(unknown, "urn:bluegreen:problem:not-found");

        Map<String, Object> blue = new java.util.LinkedHashMap<>(Map.of("engine", "oracle", "credentialsRef", "r",
                "region", "europe", "host", "db.local", "masterUserPassword", "hunter2"));
        Map<String, Object> plan = new java.util.LinkedHashMap<>(Map.of("blue", blue, "targetVersion", "17.9",
                "databases", List.of("app", "app"), "lagThreshold", 5, "holdDurationMs", -1));
        HttpClientResponseException bad = org.junit.jupiter.api.Assertions.assertThrows(HttpClientResponseException.class,
                () -> http.toBlocking().exchange(HttpRequest.POST("/upgrades", plan), Map.class));
        assertEquals(400, bad.code());
        Map<?, ?> problem = assertProblem(bad, "urn:bluegreen:problem:invalid-plan");
        List<?> errors = (List<?>) problem.get("errors");
        Map<String, String> byField = new java.util.TreeMap<>();
        errors.forEach(e -> byField.merge(String.valueOf(((Map<?, ?>) e).get("field")),
                String.valueOf(((Map<?, ?>) e).get("problem")), (a, b) -> a + " | " + b));
        assertEquals(List.of("blue.engine", "blue.identifier", "blue.masterUserPassword", "blue.region", "databases[1]",
                "holdDurationMs", "lagThreshold"), List.copyOf(byField.keySet()), byField.toString());
        assertTrue(byField.get("blue.engine").contains("'oracle' is not one of"), byField.toString());
        assertTrue(byField.get("blue.masterUserPassword").contains("secrets are refused"), byField.toString());
        assertTrue(byField.get("lagThreshold").contains("unknown field"), byField.toString());
        assertFalse(bad.getResponse().getBody(String.class).orElse("").contains("hunter2"), "the secret is not echoed");
        assertFalse(http.toBlocking().retrieve(HttpRequest.GET("/upgrades"), String.class).contains("db.local"),
                "nothing was written for the refused plan");

        Map<String, Object> copy = Map.of("blue", Map.of("identifier", "copy-blue", "region", "eu-west-1", "engine", "postgres",
                "host", "copy.local", "port", 5432, "credentialsRef", "orders-admin"), "targetVersion", "17.9",
                "databases", List.of("app"), "strategy", "logical-copy");
        HttpClientResponseException removed = org.junit.jupiter.api.Assertions.assertThrows(HttpClientResponseException.class,
                () -> http.toBlocking().exchange(HttpRequest.POST("/upgrades", copy), Map.class));
        assertEquals(400, removed.code(), "the removed logical-copy strategy is refused like any plan problem");
        List<?> copyErrors = (List<?>) assertProblem(removed, "urn:bluegreen:problem:invalid-plan").get("errors");
        assertEquals(1, copyErrors.size(), copyErrors.toString());
        assertEquals("strategy", ((Map<?, ?>) copyErrors.get(0)).get("field"));
        assertTrue(String.valueOf(((Map<?, ?>) copyErrors.get(0)).get("problem")).contains("use 'snapshot'"), copyErrors.toString());
        assertFalse(http.toBlocking().retrieve(HttpRequest.GET("/upgrades"), String.class).contains("copy.local"),
                "nothing was written for the refused plan");

        HttpClientResponseException notJson = org.junit.jupiter.api.Assertions.assertThrows(HttpClientResponseException.class,
                () -> http.toBlocking().exchange(HttpRequest.POST("/upgrades", "{not json")
                        .contentType(io.micronaut.http.MediaType.APPLICATION_JSON_TYPE), Map.class));
        assertEquals(400, notJson.code());
        assertProblem(notJson, "urn:bluegreen:problem:invalid-plan");

        String huge = "{\"targetVersion\": \"17.9\", \"pad\": \"" + "x".repeat(1_500_000) + "\"}";
        HttpClientResponseException tooLarge = org.junit.jupiter.api.Assertions.assertThrows(HttpClientResponseException.class,
                () -> http.toBlocking().exchange(HttpRequest.POST("/upgrades", huge)
                        .contentType(io.micronaut.http.MediaType.APPLICATION_JSON_TYPE), Map.class));
        assertEquals(413, tooLarge.code(), "a body over micronaut.server.max-request-size (1 MB) is refused unread");
        assertProblem(tooLarge, "urn:bluegreen:problem:request-entity-too-large");

        HttpClientResponseException noRoute = org.junit.jupiter.api.Assertions.assertThrows(HttpClientResponseException.class,
                () -> http.toBlocking().exchange(HttpRequest.GET("/no-such-path"), Map.class));
        assertEquals(404, noRoute.code());
        assertProblem(noRoute, "urn:bluegreen:problem:not-found");
        HttpClientResponseException wrongMethod = org.junit.jupiter.api.Assertions.assertThrows(HttpClientResponseException.class,
                () -> http.toBlocking().exchange(HttpRequest.DELETE("/upgrades"), Map.class));
        assertEquals(405, wrongMethod.code());
        assertProblem(wrongMethod, "urn:bluegreen:problem:method-not-allowed");
    }

    /** The body is RFC 7807 problem JSON of this type, with the response's status. */
    private static Map<?, ?> assertProblem(HttpClientResponseException e, String type) {
        assertEquals("application/problem+json", e.getResponse().getContentType().map(Object::toString).orElse(""));
        String body = e.getResponse().getBody(String.class).orElseThrow();
        Map<?, ?> problem;
        try {
            problem = io.micronaut.serde.ObjectMapper.getDefault().readValue(body, Map.class);
        } catch (java.io.IOException io) {
            throw new AssertionError("not JSON: " + body, io);
        }
        assertEquals(type, problem.get("type"), problem.toString());
        assertEquals(e.code(), ((Number) problem.get("status")).intValue(), problem.toString());
        assertTrue(problem.get("title") != null, problem.toString());
        return problem;
    }

    private void answerUntilPhase(String id, String phase) {
        long deadline = System.currentTimeMillis() + 90_000;
        while (!phase.equals(upgrade(id).get("phase"))) {
            if (System.currentTimeMillis() > deadline) {
                throw new AssertionError(id + " never reached " + phase + ": " + upgrade(id));
            }
            for (ConsumerRecord<String, SpecificRecord> record : commands.poll(Duration.ofMillis(200))) {
                if (id.equals(upgradeOf(record.value()))) {
                    answer(record.key(), record.value());
                }
            }
        }
    }
}
