package io.bluegreen.demo.metrics;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.bluegreen.demo.LocalStack;
import io.bluegreen.demo.process.Service;
import io.bluegreen.demo.process.ProcessSettings;
import io.bluegreen.demo.process.ServiceProcess;
import io.bluegreen.demo.rehearsal.UpgradeApi;
import io.bluegreen.local.kafka.EmbeddedKafka;
import io.bluegreen.local.rds.InjectedFaults;
import io.bluegreen.local.rds.RdsEmulator;
import io.bluegreen.local.support.FreePorts;
import io.bluegreen.schemas.AvroTrust;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.yaml.snakeyaml.Yaml;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.rds.RdsClient;
import software.amazon.awssdk.services.rds.model.DBInstance;

import java.io.IOException;
import java.net.URI;
import java.net.URL;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.Base64;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import java.util.stream.Collectors;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Every metric name the alert rules ({@code deploy/prometheus/bluegreen-alerts.yml}) and the dashboard
 * ({@code deploy/grafana/bluegreen-dashboard.json}) use is exported by a service. Kafka and the local RDS endpoint run
 * in this JVM; the four services each run in a JVM of their own ({@link ServiceProcess}), so each one's own
 * {@code /prometheus} is scraped and shown to export its own meters. One real upgrade (PostgreSQL 16 -> 17 on the local
 * RDS endpoint, manual switchover) runs, with two faults of the endpoint on the way so that the failure meters exist
 * too: a quota on Green's restore (the clone fails, the upgrade stops in FAILED and is retried). The monitor is scraped while the upgrade replicates, the rest once it completed. The scrapes are kept in
 * {@code target/metrics-scrape-it/*.prom}.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class MetricsScrapeIT {

    private static final String USER = "metrics_admin";
    private static final String CREDENTIALS_REF = "metrics-admin";
    private static final String API_REF = "metrics-api";
    private static final Path RULES = Path.of("..", "prometheus", "bluegreen-alerts.yml");
    private static final Path DASHBOARD = Path.of("..", "grafana", "bluegreen-dashboard.json");

    private final String password = LocalStack.generatedMasterPassword();
    private final String apiPassword = LocalStack.generatedMasterPassword();
    private final String secretKey = UUID.randomUUID().toString();
    private final Map<Service, ServiceProcess> services = new EnumMap<>(Service.class);
    private final Map<Service, Integer> ports = new EnumMap<>(Service.class);
    private final Map<Service, String> scrapes = new EnumMap<>(Service.class);
    private final HttpClient http = HttpClient.newHttpClient();
    private EmbeddedKafka kafka;
    private RdsEmulator emulator;
    private RdsClient rds;
    private UpgradeApi api;
    private String upgradeId;

    @BeforeAll
    void runAnUpgradeAndScrapeEveryService() throws Exception {
        AvroTrust.install();
        Path logs = Files.createDirectories(Path.of("target", "metrics-scrape-it"));
        kafka = new EmbeddedKafka().start();
        emulator = RdsEmulator.builder().transitionDelay(Duration.ofMillis(300)).start();
        rds = RdsClient.builder().endpointOverride(emulator.endpoint()).region(Region.of(LocalStack.REGION))
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("local", secretKey)))
                .httpClientBuilder(UrlConnectionHttpClient.builder()).build();
        String classpath = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
        ProcessSettings settings = new ProcessSettings(kafka.bootstrapServers(), emulator.endpoint(),
                new ProcessSettings.Login(CREDENTIALS_REF, USER, password),
                new ProcessSettings.Login(API_REF, "metrics", apiPassword), secretKey);
        for (Service service : Service.values()) {
            ports.put(service, FreePorts.next());
            // topic creation at start-up tolerates the others creating the same topics: all four start at once
            services.put(service, new ServiceProcess(service, classpath, settings.properties(service, ports.get(service),
                    Map.of()), settings.environment(Map.of()), logs).start());
        }
        DBInstance blue = createBlue("metrics-blue");
        await("every service started").atMost(Duration.ofMinutes(2)).pollInterval(Duration.ofMillis(250))
                .until(() -> services.values().stream().allMatch(ServiceProcess::started));
        api = new UpgradeApi(new URL("http://127.0.0.1:" + ports.get(Service.COORDINATOR)), "metrics", apiPassword);
        emulator.faults().inject("RestoreDBInstanceFromDBSnapshot",
                InjectedFaults.Fault.quotaExceeded("InstanceQuotaExceeded"), 1);
        upgradeId = String.valueOf(api.submit(plan(blue)).get("upgradeId"));
        awaitPhase("FAILED");
        assertTrue(String.valueOf(api.view(upgradeId).get("lastFailure")).contains("InstanceQuotaExceeded")
                || String.valueOf(api.view(upgradeId).get("lastFailure")).contains("quota"), "stopped by the quota");
        post("/upgrades/" + upgradeId + "/retry");
        awaitPhase("READY_FOR_SWITCHOVER");
        // the monitor drops an upgrade's gauges when the switchover is done: scrape it while it replicates
        await("the monitor's replication gauges").atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(500))
                .until(() -> scrape(Service.MONITOR).contains("bluegreen_replication_lag_threshold_bytes{"));
        scrapes.put(Service.MONITOR, scrape(Service.MONITOR));
        post("/upgrades/" + upgradeId + "/approve");
        awaitPhase("COMPLETED");
        // the counters are recorded once the deciding transaction has committed, and the API reads the committed log
        await("the completion counted").atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(200))
                .until(() -> value(scrape(Service.COORDINATOR), "bluegreen_upgrades_completions_total", "") >= 1);
        for (Service service : List.of(Service.COORDINATOR, Service.PG_AGENT, Service.AWS_AGENT)) {
            scrapes.put(service, scrape(service));
        }
        for (Map.Entry<Service, String> scraped : scrapes.entrySet()) {
            Files.writeString(logs.resolve(scraped.getKey().module() + ".prom"), scraped.getValue());
        }
    }

    @AfterAll
    void stop() {
        services.values().forEach(ServiceProcess::close);
        if (api != null) {
            api.close();
        }
        if (rds != null) {
            rds.close();
        }
        if (emulator != null) {
            emulator.close();
        }
        if (kafka != null) {
            kafka.close();
        }
    }

    @Test
    void eachServiceExportsItsOwnMetersFromItsOwnEndpoint() {
        String coordinator = scrapes.get(Service.COORDINATOR);
        assertEquals(1, value(coordinator, "bluegreen_switchover_write_unavailable_seconds_count", "outcome=\"repointed\""),
                "one switchover window measured");
        assertTrue(value(coordinator, "bluegreen_switchover_write_unavailable_seconds_sum", "outcome=\"repointed\"") > 0);
        assertTrue(coordinator.contains("bluegreen_switchover_write_unavailable_seconds_bucket{"), "a histogram");
        assertTrue(value(coordinator, "bluegreen_saga_step_duration_seconds_count", "step=\"CloneCluster\"") >= 1);
        assertEquals(1, value(coordinator, "bluegreen_upgrades_active", "phase=\"COMPLETED\""));
        assertTrue(coordinator.contains("kafka_consumer_fetch_manager_records_lag_max{"), "the hand-built consumers' metrics");
        assertTrue(coordinator.contains("# HELP bluegreen_upgrades_longest_in_phase_seconds "), "described");

        assertTrue(value(scrapes.get(Service.AWS_AGENT), "bluegreen_step_duration_seconds_count",
                "step=\"CloneCluster\"") >= 1, "the aws-agent timed its clone");
        assertTrue(value(scrapes.get(Service.PG_AGENT), "bluegreen_step_duration_seconds_count",
                "step=\"RunSwitchover\"") >= 1, "the pg-agent timed the switchover");
        for (Service agent : List.of(Service.PG_AGENT, Service.AWS_AGENT)) {
            String scraped = scrapes.get(agent);
            assertTrue(scraped.contains("bluegreen_agent_running_commands{"), agent + " reports its running commands");
            assertTrue(scraped.contains("kafka_producer_record_send_total{"), agent + " binds its results producer");
            assertFalse(scraped.contains("bluegreen_upgrades_active{"), agent + " exports no coordinator meter");
        }
        assertFalse(scrapes.get(Service.AWS_AGENT).contains("step=\"RunSwitchover\""), "each agent times its own steps");
        // the fault on the way: the clone's failure, as the agent and as the saga saw it
        String aws = scrapes.get(Service.AWS_AGENT);
        assertEquals(1, value(aws, "bluegreen_step_failures_total", "reason=\"QUOTA_EXCEEDED\""), "the quota failed it");
        assertEquals(1, value(aws, "bluegreen_step_duration_seconds_count", "outcome=\"failed\""));
        assertEquals(1, value(coordinator, "bluegreen_upgrades_failures_total", "phase=\"CLONING_GREEN\""));
        assertEquals(1, value(coordinator, "bluegreen_saga_step_failures_total", "reason=\"QUOTA_EXCEEDED\""));
        assertEquals(1, value(coordinator, "bluegreen_upgrades_completions_total", ""));
        assertEquals(0, value(coordinator, "bluegreen_upgrades_rollbacks_total", ""), "a counter at zero is exported");

        String monitor = scrapes.get(Service.MONITOR);
        assertTrue(value(monitor, "bluegreen_replication_lag_threshold_bytes", "upgrade=\"" + upgradeId + "\"") > 0);
        assertTrue(monitor.contains("bluegreen_replication_lag_bytes{"), "lag by upgrade and database");
        assertTrue(monitor.contains("# TYPE bluegreen_replication_apply_errors_total counter"),
                "PostgreSQL's error counts as counters, not gauges of counts");
        assertTrue(monitor.contains("kafka_consumer_fetch_manager_records_lag_max{client_id=\"bluegreen-monitor-events\""),
                "the events consumer's metrics");
        assertTrue(monitor.contains("kafka_producer_record_send_total{client_id=\"bluegreen-monitor\""),
                "the producer Micronaut Kafka makes is bound with the same names as the others");
        assertFalse(monitor.contains("bluegreen_step_duration_seconds"), "the monitor runs no step");
    }

    @Test
    void everyMetricTheRulesAndTheDashboardUseIsExported() throws IOException {
        Map<String, Set<Service>> exported = new LinkedHashMap<>();
        scrapes.forEach((service, text) -> sampleNames(text).forEach(name ->
                exported.computeIfAbsent(name, n -> new java.util.TreeSet<>()).add(service)));
        Set<String> used = new TreeSet<>();
        used.addAll(ruleNames());
        used.addAll(dashboardNames());
        assertTrue(used.size() >= 20, "the rules and the dashboard read many metrics: " + used);
        Set<String> missing = used.stream().filter(name -> !exported.containsKey(name)).collect(Collectors.toCollection(TreeSet::new));
        assertEquals(Set.of(), missing, "used by the rules or the dashboard but exported by no service");
        // and the check can fail: a name nobody exports is found in an expression and reported
        Set<String> wrong = PromQlNames.of("rate(bluegreen_upgrade_completed_total[5m]) > 0");
        assertEquals(Set.of("bluegreen_upgrade_completed_total"), wrong);
        assertFalse(exported.containsKey("bluegreen_upgrade_completed_total"));
    }

    // ------------------------------------------------------------------ the files

    @SuppressWarnings("unchecked")
    private static Set<String> ruleNames() throws IOException {
        Map<String, Object> file = new Yaml().load(Files.readString(RULES));
        Set<String> names = new TreeSet<>();
        List<Map<String, Object>> groups = (List<Map<String, Object>>) file.get("groups");
        assertFalse(groups.isEmpty(), "rule groups");
        Set<String> alerts = new TreeSet<>();
        for (Map<String, Object> group : groups) {
            for (Map<String, Object> rule : (List<Map<String, Object>>) group.get("rules")) {
                alerts.add(String.valueOf(rule.get("alert")));
                assertTrue(rule.get("labels") instanceof Map<?, ?> labels && labels.get("severity") != null,
                        rule.get("alert") + " has a severity");
                assertTrue(rule.get("annotations") instanceof Map<?, ?> annotations && annotations.get("summary") != null,
                        rule.get("alert") + " has a summary");
                names.addAll(PromQlNames.of(String.valueOf(rule.get("expr"))));
            }
        }
        assertTrue(alerts.containsAll(Set.of("BluegreenReplicationLagOverThreshold", "BluegreenWalRetentionDanger",
                "BluegreenApplyWorkerDown", "BluegreenSchemaDrift", "BluegreenBlueFencedPastDeadline",
                "BluegreenUpgradeStuckInPhase")), "every alert the runbook promises: " + alerts);
        return names;
    }

    private static Set<String> dashboardNames() throws IOException {
        JsonNode dashboard = new ObjectMapper().readTree(Files.readString(DASHBOARD));
        Set<String> names = new TreeSet<>();
        for (JsonNode panel : dashboard.path("panels")) {
            for (JsonNode target : panel.path("targets")) {
                names.addAll(PromQlNames.of(target.path("expr").asText()));
            }
        }
        boolean upgradeVariable = false;
        for (JsonNode variable : dashboard.path("templating").path("list")) {
            if (variable.path("type").asText().equals("query")) {
                JsonNode query = variable.path("query");
                names.addAll(PromQlNames.of(query.isTextual() ? query.asText() : query.path("query").asText()));
                upgradeVariable |= variable.path("name").asText().equals("upgrade");
            }
        }
        assertTrue(upgradeVariable, "the dashboard has an upgrade variable");
        return names;
    }

    /** The names of the samples in a scrape (what a PromQL expression can select). */
    private static Set<String> sampleNames(String scrape) {
        return scrape.lines().filter(line -> !line.isBlank() && !line.startsWith("#"))
                .map(line -> line.split("[{ ]", 2)[0]).collect(Collectors.toCollection(TreeSet::new));
    }

    /** The sum of a metric's samples whose labels contain {@code labels}; 0 when there is none. */
    private static double value(String scrape, String name, String labels) {
        return scrape.lines().filter(line -> line.startsWith(name + "{") || line.startsWith(name + " "))
                .filter(line -> line.contains(labels))
                .mapToDouble(line -> Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1))).sum();
    }

    // ------------------------------------------------------------------ the upgrade

    private String scrape(Service service) throws IOException, InterruptedException {
        HttpResponse<String> response = http.send(HttpRequest.newBuilder(
                URI.create("http://127.0.0.1:" + ports.get(service) + "/prometheus")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(200, response.statusCode(), service + " /prometheus");
        return response.body();
    }

    private void post(String path) throws IOException, InterruptedException {
        String login = Base64.getEncoder().encodeToString(("metrics:" + apiPassword).getBytes(StandardCharsets.UTF_8));
        HttpResponse<String> response = http.send(HttpRequest.newBuilder(
                        URI.create("http://127.0.0.1:" + ports.get(Service.COORDINATOR) + path))
                .header("Authorization", "Basic " + login).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{}")).build(), HttpResponse.BodyHandlers.ofString());
        assertTrue(response.statusCode() < 300, path + ": HTTP " + response.statusCode() + " " + response.body());
    }

    /** Waits for the phase; a stop in FAILED when another phase is awaited ends the test with its reason. */
    private void awaitPhase(String phase) {
        await(upgradeId + " in " + phase).atMost(Duration.ofMinutes(3)).pollInterval(Duration.ofMillis(250))
                .until(() -> {
                    Object now = api.view(upgradeId).get("phase");
                    assertTrue(phase.equals("FAILED") || !"FAILED".equals(now),
                            () -> upgradeId + " failed: " + api.view(upgradeId).get("lastFailure"));
                    return phase.equals(now);
                });
    }

    private DBInstance createBlue(String blueId) throws SQLException {
        rds.createDBInstance(r -> r.dbInstanceIdentifier(blueId).engine("postgres").engineVersion("16.15")
                .dbInstanceClass("db.t3.medium").allocatedStorage(20).masterUsername(USER).masterUserPassword(password));
        await(blueId + " available").atMost(Duration.ofMinutes(2)).pollInterval(Duration.ofMillis(200))
                .until(() -> "available".equals(describe(blueId).dbInstanceStatus()));
        DBInstance blue = describe(blueId);
        String base = "jdbc:postgresql://" + blue.endpoint().address() + ":" + blue.endpoint().port() + "/";
        try (Connection c = DriverManager.getConnection(base + "postgres", USER, password); Statement s = c.createStatement()) {
            s.execute("CREATE DATABASE app");
        }
        try (Connection c = DriverManager.getConnection(base + "app", USER, password); Statement s = c.createStatement()) {
            s.execute("CREATE TABLE orders (id bigserial PRIMARY KEY, note text NOT NULL)");
            s.execute("INSERT INTO orders (note) SELECT 'order ' || g FROM generate_series(1, 1000) g");
        }
        return blue;
    }

    private DBInstance describe(String blueId) {
        return rds.describeDBInstances(r -> r.dbInstanceIdentifier(blueId)).dbInstances().get(0);
    }

    private Map<String, Object> plan(DBInstance blue) {
        Map<String, Object> plan = new LinkedHashMap<>();
        plan.put("blue", Map.of("identifier", blue.dbInstanceIdentifier(), "region", LocalStack.REGION, "engine", "postgres",
                "host", blue.endpoint().address(), "port", blue.endpoint().port(), "credentialsRef", CREDENTIALS_REF));
        plan.put("targetVersion", "17.11");
        plan.put("allowBlueReboot", true); // Blue's default group has logical replication off
        plan.put("databases", List.of("app"));
        plan.put("strategy", "snapshot");
        plan.put("seedMethod", "slot_advance");
        plan.put("lagThresholdBytes", 1024 * 1024);
        plan.put("holdDurationMs", 1000);
        plan.put("switchoverMode", "manual");
        plan.put("repoint", "event");
        plan.put("verifyMode", "row_count");
        plan.put("sequenceMargin", 1000);
        return plan;
    }
}
