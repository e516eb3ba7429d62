package io.bluegreen.coordinator;

import io.bluegreen.local.testbed.TestBed;
import io.bluegreen.local.testbed.WithTestBed;
import io.bluegreen.schemas.Topics;
import io.bluegreen.schemas.common.AlertKind;
import io.bluegreen.schemas.common.Severity;
import io.bluegreen.schemas.monitor.AlertCleared;
import io.bluegreen.schemas.monitor.AlertRaised;
import io.bluegreen.schemas.monitor.ReplicationLagMeasured;
import io.bluegreen.schemas.serde.AvroMessageSerializer;
import io.micronaut.context.ApplicationContext;
import io.micronaut.core.type.Argument;
import io.micronaut.http.HttpHeaders;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.client.HttpClient;
import io.micronaut.http.client.exceptions.HttpClientResponseException;
import io.micronaut.runtime.server.EmbeddedServer;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * What the web view reads, through the real broker: the lag history per database (from samples on
 * {@code bluegreen.lag}), the open alerts (raised minus cleared on {@code bluegreen.alerts}), the logged-in user and
 * roles, the decisions an upgrade accepts now and its progress; a refused login of a script without a browser
 * challenge; the page's files without a login.
 */
@WithTestBed
class ViewEndpointsIT {

    private static EmbeddedServer server;
    private static KafkaProducer<String, SpecificRecord> producer;

    @BeforeAll
    static void start() {
        Map<String, Object> config = new HashMap<>(ApiLogins.properties());
        config.putAll(Map.of("kafka.bootstrap.servers", TestBed.shared().kafka().bootstrapServers(),
                "micronaut.server.port", "-1", "bluegreen.topics.partitions", "3"));
        server = ApplicationContext.run(EmbeddedServer.class, config);
        producer = new KafkaProducer<>(Map.of("bootstrap.servers", TestBed.shared().kafka().bootstrapServers()),
                new StringSerializer(), new AvroMessageSerializer<>());
    }

    @AfterAll
    static void stop() {
        producer.close();
        server.close();
    }

    private static HttpClient as(ApiLogins.Login login) {
        return HttpClient.create(ApiLogins.as(login, server.getURL()));
    }

    private static String submit(String blue) {
        String id = "upg-view-" + UUID.randomUUID().toString().substring(0, 6);
        Map<String, Object> plan = Map.of("upgradeId", id, "blue", Map.of("identifier", blue, "region", "eu-west-1",
                        "engine", "postgres", "host", "127.0.0.1", "port", 5432, "credentialsRef", "orders-admin"),
                "targetVersion", "17.9", "databases", List.of("app", "billing"), "lagThresholdBytes", 4096,
                "switchoverMode", "manual");
        try (HttpClient operator = as(ApiLogins.OPERATOR)) {
            operator.toBlocking().exchange(HttpRequest.POST("/upgrades", plan), Map.class);
        }
        return id;
    }

    @Test
    void theLagHistoryHasOneSeriesPerDatabaseInTimeOrder() {
        String id = submit("view-lag");
        Instant t0 = Instant.now().minusSeconds(30).truncatedTo(java.time.temporal.ChronoUnit.MILLIS);
        for (int i = 0; i < 4; i++) {
            for (String db : List.of("app", "billing")) {
                producer.send(new ProducerRecord<>(Topics.LAG, "view-lag", ReplicationLagMeasured.newBuilder()
                        .setUpgradeId(id).setDatabase(db).setOccurredAt(t0.plusSeconds(i))
                        .setLagBytes(db.equals("app") ? 1000L * i : null).setBlueReachable(true).setGreenReachable(true)
                        .setSlotActive(true).setWorkerAlive(true).build()));
            }
        }
        producer.flush();
        try (HttpClient viewer = as(ApiLogins.VIEWER)) {
            await().atMost(Duration.ofSeconds(30)).until(() -> points(viewer, id, "billing").size() == 4);
            List<Map> app = points(viewer, id, "app");
            assertEquals(List.of(0, 1000, 2000, 3000), app.stream().map(p -> ((Number) p.get("lagBytes")).intValue()).toList());
            assertEquals(t0.plusSeconds(3).toString(), app.get(3).get("at"));
            assertTrue(points(viewer, id, "billing").stream().allMatch(p -> p.get("lagBytes") == null),
                    "an unmeasured lag is a point without a value");
            Map<?, ?> history = viewer.toBlocking().retrieve(HttpRequest.GET("/upgrades/" + id + "/lag/history"), Map.class);
            assertEquals(4096, ((Number) history.get("thresholdBytes")).intValue());
            assertEquals(List.of("app", "billing"), ((List<Map>) history.get("databases")).stream()
                    .map(d -> d.get("database")).toList());
            HttpClientResponseException unknown = assertThrows(HttpClientResponseException.class, () -> viewer.toBlocking()
                    .retrieve(HttpRequest.GET("/upgrades/no-such-upgrade/lag/history")));
            assertEquals(404, unknown.code());
        }
    }

    @SuppressWarnings("unchecked")
    private static List<Map> points(HttpClient client, String id, String db) {
        Map<?, ?> history = client.toBlocking().retrieve(HttpRequest.GET("/upgrades/" + id + "/lag/history"), Map.class);
        return ((List<Map>) history.get("databases")).stream().filter(d -> db.equals(d.get("database")))
                .map(d -> (List<Map>) d.get("points")).findFirst().orElse(List.of());
    }

    @Test
    void openAlertsAreTheRaisedOnesNotCleared() {
        String id = submit("view-alerts");
        Instant now = Instant.now();
        producer.send(new ProducerRecord<>(Topics.ALERTS, "view-alerts", new AlertRaised(id, now, id + "/lag/app",
                AlertKind.LAG_OVER_THRESHOLD, Severity.WARNING, "app", 9000.0, 4096.0, "lag over the threshold on app")));
        producer.send(new ProducerRecord<>(Topics.ALERTS, "view-alerts", new AlertRaised(id, now.plusMillis(1),
                id + "/worker/billing", AlertKind.APPLY_WORKER_DOWN, Severity.CRITICAL, "billing", null, null,
                "the apply worker of billing is down")));
        producer.send(new ProducerRecord<>(Topics.ALERTS, "view-alerts", new AlertCleared(id, now.plusMillis(2),
                id + "/lag/app", AlertKind.LAG_OVER_THRESHOLD, "app", 100.0)));
        producer.flush();
        try (HttpClient viewer = as(ApiLogins.VIEWER)) {
            await().atMost(Duration.ofSeconds(30)).until(() -> alerts(viewer, id).stream()
                    .noneMatch(a -> a.get("alertId").equals(id + "/lag/app")) && alerts(viewer, id).size() == 1);
            Map<?, ?> open = alerts(viewer, id).get(0);
            assertEquals("APPLY_WORKER_DOWN", open.get("kind"));
            assertEquals("CRITICAL", open.get("severity"));
            assertEquals("billing", open.get("database"));
            assertEquals("the apply worker of billing is down", open.get("message"));
        }
    }

    private static List<Map> alerts(HttpClient client, String id) {
        return client.toBlocking().retrieve(HttpRequest.GET("/upgrades/" + id + "/alerts"), Argument.listOf(Map.class));
    }

    @Test
    void anUpgradeSaysWhichDecisionsItAcceptsNowAndHowFarItIs() {
        String id = submit("view-decisions");
        try (HttpClient viewer = as(ApiLogins.VIEWER)) {
            Map<?, ?> upgrade = viewer.toBlocking().retrieve(HttpRequest.GET("/upgrades/" + id), Map.class);
            assertEquals("PREFLIGHT", upgrade.get("phase"));
            assertEquals(List.of("rollback"), upgrade.get("accepts"), "a preflight can be rolled back, not approved");
            Map<?, ?> progress = (Map<?, ?>) upgrade.get("progress");
            assertEquals(0, ((Number) progress.get("phase")).intValue());
            assertTrue(((Number) progress.get("phases")).intValue() >= 10, progress.toString());
            try (HttpClient operator = as(ApiLogins.OPERATOR)) {
                operator.toBlocking().exchange(HttpRequest.POST("/upgrades/" + id + "/rollback", Map.of()), Map.class);
            }
            await().atMost(Duration.ofSeconds(30)).until(() -> !String.valueOf(viewer.toBlocking()
                    .retrieve(HttpRequest.GET("/upgrades/" + id), Map.class).get("phase")).equals("PREFLIGHT"));
            Map<?, ?> rolling = viewer.toBlocking().retrieve(HttpRequest.GET("/upgrades/" + id), Map.class);
            assertFalse(((List<?>) ((Map<String, Object>) rolling).getOrDefault("accepts", List.of())).contains("approve"),
                    "an empty list is left out: " + rolling);
        }
    }

    @Test
    void theUserAndRolesOfTheLoginAreTold() {
        try (HttpClient viewer = as(ApiLogins.VIEWER); HttpClient approver = as(ApiLogins.APPROVER);
             HttpClient admin = as(ApiLogins.ADMIN)) {
            assertEquals(Map.of("name", ApiLogins.VIEWER.name(), "roles", List.of("viewer")),
                    viewer.toBlocking().retrieve(HttpRequest.GET("/me"), Map.class));
            assertEquals(List.of("approver", "viewer"), approver.toBlocking().retrieve(HttpRequest.GET("/me"), Map.class)
                    .get("roles"));
            assertEquals(List.of("approver", "operator", "viewer"), admin.toBlocking()
                    .retrieve(HttpRequest.GET("/me"), Map.class).get("roles"));
        }
    }

    @Test
    void aScriptsRefusedLoginGetsNoBrowserChallengeAndThePageNeedsNoLogin() {
        try (HttpClient anonymous = HttpClient.create(server.getURL())) {
            HttpClientResponseException plain = assertThrows(HttpClientResponseException.class,
                    () -> anonymous.toBlocking().exchange(HttpRequest.GET("/me")));
            assertEquals(401, plain.code());
            assertTrue(plain.getResponse().getHeaders().contains(HttpHeaders.WWW_AUTHENTICATE),
                    "an API client is challenged");
            HttpClientResponseException scripted = assertThrows(HttpClientResponseException.class,
                    () -> anonymous.toBlocking().exchange(HttpRequest.GET("/me").header("X-Requested-With", "XMLHttpRequest")));
            assertEquals(401, scripted.code());
            assertFalse(scripted.getResponse().getHeaders().contains(HttpHeaders.WWW_AUTHENTICATE),
                    "the page's own requests are not: the browser shows no dialog over its login form");

            HttpResponse<String> page = anonymous.toBlocking().exchange(HttpRequest.GET("/ui/index.html"), String.class);
            assertEquals(200, page.code());
            assertTrue(page.getContentType().map(Object::toString).orElse("").startsWith("text/html"));
            assertTrue(page.body().contains("bluegreen"), "the page's HTML");
            for (String asset : List.of("/ui/app.js", "/ui/style.css")) {
                assertEquals(200, anonymous.toBlocking().exchange(HttpRequest.GET(asset), String.class).code(), asset);
            }
        }
    }
}
