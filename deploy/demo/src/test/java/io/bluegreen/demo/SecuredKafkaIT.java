package io.bluegreen.demo;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.ThrowableProxyUtil;
import ch.qos.logback.core.AppenderBase;
import io.bluegreen.local.kafka.EmbeddedKafka;
import io.bluegreen.local.postgres.LocalPostgres;
import io.bluegreen.runtime.kafka.KafkaConnection;
import io.bluegreen.schemas.AvroTrust;
import io.micronaut.context.ApplicationContext;
import io.micronaut.core.type.Argument;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.client.HttpClient;
import io.micronaut.runtime.server.EmbeddedServer;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.common.ConsumerGroupState;
import org.apache.kafka.common.config.SaslConfigs;
import org.apache.kafka.common.errors.SaslAuthenticationException;
import org.apache.kafka.common.errors.TimeoutException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.slf4j.LoggerFactory;

import java.net.URL;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.UUID;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The services against a broker that takes SASL/SCRAM logins only ({@link EmbeddedKafka#scram()}), given nothing but
 * the {@code kafka.*} settings an operator would set: {@code kafka.bootstrap.servers}, {@code kafka.security.protocol},
 * {@code kafka.sasl.mechanism}, {@code kafka.sasl.jaas.config}. The coordinator, the pg-agent and the monitor run in
 * one application, as on the local stack; Blue is a real PostgreSQL 16.
 *
 * <p>A dry run goes through the coordinator's preflight probe to the pg-agent and back; a submitted plan goes through
 * the request gateway to the coordinator's transactional loop, whose preflight command the pg-agent's runtime answers,
 * and the read view shows the step completed; the monitor's events consumer is a member of its group. A client
 * without the login and one with a wrong password are refused by the broker. No log line of the services holds a
 * password.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class SecuredKafkaIT {

    private static final String CREDENTIALS_REF = "secured-blue";
    private static final String API_REF = "secured-api";
    private static final Pattern JAAS_PASSWORD = Pattern.compile("password=\"([^\"]+)\"");

    private final Queue<String> logLines = new ConcurrentLinkedQueue<>();
    private final AppenderBase<ILoggingEvent> capture = new AppenderBase<>() {
        @Override
        protected void append(ILoggingEvent event) {
            logLines.add(event.getLoggerName() + " " + event.getFormattedMessage()
                    + (event.getThrowableProxy() == null ? "" : " " + ThrowableProxyUtil.asString(event.getThrowableProxy())));
        }
    };
    private final String apiPassword = LocalStack.generatedMasterPassword();
    private Level kafkaClientsLevel;
    private EmbeddedKafka kafka;
    private LocalPostgres blue;
    private EmbeddedServer services;
    private HttpClient http;

    @BeforeAll
    void start() throws Exception {
        Logger root = (Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
        capture.setContext(root.getLoggerContext());
        capture.start();
        root.addAppender(capture);
        // every Kafka client prints its whole configuration at INFO: those lines must hide the login too
        Logger kafkaClients = (Logger) LoggerFactory.getLogger("org.apache.kafka.clients");
        kafkaClientsLevel = kafkaClients.getLevel();
        kafkaClients.setLevel(Level.INFO);

        AvroTrust.install();
        kafka = EmbeddedKafka.scram().start();
        blue = LocalPostgres.builder(16).name("secured-blue").start().createDatabase("app");
        try (Connection connection = blue.connect("app"); Statement statement = connection.createStatement()) {
            statement.execute("CREATE TABLE orders (id bigserial PRIMARY KEY, note text)");
        }

        Map<String, Object> config = new HashMap<>();
        kafka.clientSettings().forEach((name, value) -> config.put(KafkaConnection.PREFIX + "." + name, value));
        config.put("micronaut.application.name", "bluegreen-secured-kafka-it");
        config.put("micronaut.server.host", "127.0.0.1");
        config.put("micronaut.server.port", -1);
        config.put("bluegreen.topics.partitions", 3);
        config.put("bluegreen.coordinator.aws-plan-check.enabled", false);
        config.put("bluegreen.aws.listener.enabled", false);
        config.put("bluegreen.credentials." + CREDENTIALS_REF + ".username", blue.superuser());
        config.put("bluegreen.credentials." + CREDENTIALS_REF + ".password", blue.password());
        config.put("bluegreen.credentials." + CREDENTIALS_REF + ".hosts", LocalStack.LOCAL_HOSTS);
        config.put("bluegreen.credentials." + API_REF + ".username", "secured-admin");
        config.put("bluegreen.credentials." + API_REF + ".password", apiPassword);
        config.put("bluegreen.api.users." + API_REF + ".roles", List.of("viewer", "operator", "approver"));
        services = ApplicationContext.run(EmbeddedServer.class, config);
        URL url = services.getURL();
        http = HttpClient.create(new URL(url.getProtocol() + "://secured-admin:" + apiPassword + "@" + url.getHost() + ":"
                + url.getPort()));
    }

    @AfterAll
    void stop() {
        try {
            if (http != null) {
                http.close();
            }
            if (services != null) {
                services.close();
            }
            if (blue != null) {
                blue.close();
            }
            if (kafka != null) {
                kafka.close();
            }
        } finally {
            ((Logger) LoggerFactory.getLogger("org.apache.kafka.clients")).setLevel(kafkaClientsLevel);
            ((Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME)).detachAppender(capture);
        }
    }

    private Map<String, Object> plan(String upgradeId) {
        Map<String, Object> plan = new LinkedHashMap<>();
        if (upgradeId != null) {
            plan.put("upgradeId", upgradeId);
        }
        plan.put("blue", Map.of("identifier", "secured-orders", "region", LocalStack.REGION, "engine", "postgres",
                "host", LocalPostgres.HOST, "port", blue.port(), "credentialsRef", CREDENTIALS_REF));
        plan.put("targetVersion", "17.11");
        plan.put("allowBlueReboot", true); // Blue's default group has logical replication off
        plan.put("databases", List.of("app"));
        plan.put("switchoverMode", "manual");
        return plan;
    }

    @Test
    @Order(1)
    void theCoordinatorThePgAgentAndTheMonitorTalkThroughTheBrokerOverSaslScram() {
        // the dry run's preflight: the coordinator's probe asks, the pg-agent's runtime answers
        Map<?, ?> dry = http.toBlocking().retrieve(HttpRequest.POST("/upgrades?dryRun=true", plan(null)), Map.class);
        assertEquals(true, dry.get("valid"), dry.toString());
        assertTrue(String.valueOf(dry.get("findings")).contains("preflight."), "the pg-agent's findings: " + dry);

        String id = "upg-sasl-" + UUID.randomUUID().toString().substring(0, 6);
        HttpResponse<Map> created = http.toBlocking().exchange(HttpRequest.POST("/upgrades", plan(id)), Map.class);
        assertEquals(201, created.code(), "the owner's transactional loop accepted the plan through the request topic");
        await("the pg-agent's preflight answer recorded by the coordinator and read back by its view")
                .atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(200))
                .until(() -> timeline(id).stream().anyMatch(e -> "StepCompleted".equals(e.get("event"))
                        && String.valueOf(e.get("detail")).contains("step=RunPreflight")));
        Map<?, ?> upgrade = http.toBlocking().retrieve(HttpRequest.GET("/upgrades/" + id), Map.class);
        assertFalse(List.of("REQUESTED", "PREFLIGHT", "FAILED").contains(upgrade.get("phase")), upgrade.toString());

        try (Admin admin = Admin.create(kafka.clientSettings())) {
            await("the monitor's events consumer and the pg-agent's commands consumer are members of their groups")
                    .atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(200))
                    .until(() -> admin.describeConsumerGroups(List.of("bluegreen-monitor", "bluegreen-pg-agent")).all()
                            .get(10, TimeUnit.SECONDS).values().stream()
                            .allMatch(g -> g.state() == ConsumerGroupState.STABLE && !g.members().isEmpty()));
        }

        List<String> refused = logLines.stream().filter(line -> line.contains("SaslAuthenticationException")
                || line.contains("Authentication failed")).toList();
        assertEquals(List.of(), refused, "every client of every service logged in");
        assertNoLogLineHolds(scramPassword(), "the broker login's password");
        assertNoLogLineHolds(blue.password(), "Blue's password");
        assertNoLogLineHolds(apiPassword, "the API user's password");
        assertTrue(logLines.stream().anyMatch(line -> line.contains("sasl.jaas.config = [hidden]")),
                "the Kafka clients' configuration was logged, with the login hidden");
    }

    @Test
    @Order(2) // its refused clients log their refusal: after the services' logs are checked
    void aClientWithoutTheLoginOrWithAWrongPasswordIsRefused() {
        Map<String, Object> noLogin = Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
        assertInstanceOf(TimeoutException.class, describeClusterFailure(noLogin),
                "a PLAINTEXT client gets nothing from the SASL listener");

        Map<String, Object> wrongPassword = new HashMap<>(kafka.clientSettings());
        String wrong = UUID.randomUUID().toString();
        wrongPassword.put(SaslConfigs.SASL_JAAS_CONFIG, EmbeddedKafka.jaasConfig(EmbeddedKafka.SCRAM_USER, wrong));
        Throwable refusal = describeClusterFailure(wrongPassword);
        assertInstanceOf(SaslAuthenticationException.class, refusal, String.valueOf(refusal));
        assertFalse(String.valueOf(refusal.getMessage()).contains(wrong), "the refusal does not repeat the password");

        Map<String, Object> login = new HashMap<>(kafka.clientSettings());
        login.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 5_000);
        login.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 10_000);
        try (Admin admin = Admin.create(login)) {
            assertFalse(admin.describeCluster().nodes().get(10, TimeUnit.SECONDS).isEmpty(), "the login is accepted");
        } catch (Exception e) {
            throw new AssertionError("the broker refused its own login: " + e, e);
        }
    }

    /** What {@code describeCluster} fails with, within a few seconds, for a client with these settings. */
    private static Throwable describeClusterFailure(Map<String, Object> settings) {
        Map<String, Object> quick = new HashMap<>(settings);
        quick.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 2_000);
        quick.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 3_000);
        try (Admin admin = Admin.create(quick)) {
            ExecutionException failure = assertThrows(ExecutionException.class,
                    () -> admin.describeCluster().nodes().get(10, TimeUnit.SECONDS));
            return failure.getCause();
        }
    }

    private List<Map> timeline(String id) {
        return http.toBlocking().retrieve(HttpRequest.GET("/upgrades/" + id + "/events"), Argument.listOf(Map.class));
    }

    private String scramPassword() {
        Matcher password = JAAS_PASSWORD.matcher(String.valueOf(kafka.clientSettings().get(SaslConfigs.SASL_JAAS_CONFIG)));
        assertTrue(password.find(), "the SCRAM broker's client settings carry a login");
        return password.group(1);
    }

    private void assertNoLogLineHolds(String secret, String what) {
        assertTrue(secret.length() >= 12, what + " is long enough to search for");
        long leaks = logLines.stream().filter(line -> line.contains(secret)).count();
        assertEquals(0, leaks, leaks + " log line(s) hold " + what);
    }
}
