package io.bluegreen.demo.kill;

import io.bluegreen.demo.LocalStack;
import io.bluegreen.demo.process.Service;
import io.bluegreen.demo.process.ProcessSettings;
import io.bluegreen.demo.process.ServiceProcess;
import io.bluegreen.local.kafka.EmbeddedKafka;
import io.bluegreen.local.rds.RdsEmulator;
import io.bluegreen.local.support.FreePorts;
import io.bluegreen.schemas.AvroTrust;
import io.bluegreen.schemas.common.UpgradePhase;
import io.bluegreen.schemas.event.PhaseEntered;
import io.bluegreen.schemas.event.StepCompleted;
import io.bluegreen.schemas.event.StepDispatched;
import io.bluegreen.schemas.event.StepFailureRecorded;
import io.bluegreen.schemas.event.SwitchoverStarted;
import io.bluegreen.schemas.event.UpgradeFailed;
import io.bluegreen.schemas.event.WriterEndpointChanged;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.client.HttpClient;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.specific.SpecificRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.rds.RdsClient;
import software.amazon.awssdk.services.rds.model.DBInstance;

import java.io.IOException;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.stream.Collectors;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The kill matrix: real upgrades (RDS snapshot strategy, slot advance, automatic switchover, event repoint,
 * PostgreSQL 16 -> 17 on the local RDS endpoint) while a part of the system dies under them. Kafka and the local RDS
 * endpoint run in this JVM; the four services (coordinator, pg-agent, aws-agent, monitor-service) each run in a JVM
 * of their own, started from their {@code Application} main on their own part of this test's classpath.
 *
 * <p>Five upgrades run at once, each on a Blue instance of its own:
 * <ul>
 *   <li>one per service: each time the upgrade's events ({@code bluegreen.upgrade.events}, read_committed) show a
 *       phase it had not been in ({@code PhaseEntered}) or the start of its switchover ({@code SwitchoverStarted}),
 *       that service is killed with {@code SIGKILL} and started again at once;</li>
 *   <li>one during which the broker is stopped and started again (same ports, same log directories) at the
 *       boundaries of {@link #BROKER_RESTARTS}, inside the switchover among them.</li>
 * </ul>
 * The services and the broker are shared, so every upgrade also lives through the others' kills and restarts.
 * For every upgrade: it ends COMPLETED, after a retry ({@code POST /upgrades/{id}/retry}) when it stopped in FAILED,
 * or a waiver ({@code POST /upgrades/{id}/waive-verification}) when it stopped because Green's drain-point snapshot
 * went with a killed pg-agent (each such stop is reported with its reason); exactly one Green instance was created for it on the RDS endpoint and
 * at most one snapshot of Blue; Blue never held more than one publication and one slot per database, Green never
 * more than one subscription per database, and none is left on Blue at the end; no command was answered twice
 * ({@code StepCompleted} once per dispatched command id, never more per step than its dispatches); every write the
 * application had acknowledged (on Blue, then on Green after the endpoint moved) is on Green, none twice.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class KillMatrixIT {

    private static final String USER = "app_admin";
    private static final String CREDENTIALS_REF = "kill-admin";
    private static final String REGION = "eu-west-1";
    private static final List<String> DATABASES = List.of("app", "billing");
    private static final Duration UPGRADE_TIMEOUT = Duration.ofMinutes(15);
    /**
     * Where the broker is restarted: with commands of both agents in flight (Blue being prepared, Green's engine being
     * upgraded), while the lag is gated, and inside the switchover.
     */
    private static final Set<String> BROKER_RESTARTS = Set.of("PREPARING_BLUE", "UPGRADING_GREEN", "REPLICATING",
            "SwitchoverStarted");
    private static final int RETRIES = 3;

    private final String password = LocalStack.generatedMasterPassword();
    private final String secretKey = UUID.randomUUID().toString();
    private final Map<Service, ServiceProcess> services = new EnumMap<>(Service.class);
    private EmbeddedKafka kafka;
    private RdsEmulator emulator;
    private RdsClient rds;
    private EventTail tail;
    private HttpClient http;
    private Path logs;
    private long began;

    @BeforeAll
    void start() throws Exception {
        began = System.nanoTime();
        AvroTrust.install();
        logs = Files.createDirectories(Path.of("target", "kill-matrix-it"));
        Path archives = Files.createDirectories(logs.resolve("class-data"));
        try (var old = Files.list(logs)) {
            for (Path file : old.filter(f -> f.toString().endsWith(".log") || f.toString().endsWith(".txt")).toList()) {
                Files.delete(file);
            }
        }
        // a SIGKILLed member leaves its group after the session timeout: let it be short
        kafka = new EmbeddedKafka(Map.of("group.min.session.timeout.ms", "1000",
                "transaction.abort.timed.out.transaction.cleanup.interval.ms", "1000")).start();
        emulator = RdsEmulator.builder().transitionDelay(Duration.ofMillis(500)).start();
        rds = RdsClient.builder().endpointOverride(emulator.endpoint()).region(Region.of(REGION))
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("local", secretKey)))
                .httpClientBuilder(UrlConnectionHttpClient.builder()).build();
        int coordinatorPort = FreePorts.next();
        String classpath = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
        String apiPassword = LocalStack.generatedMasterPassword();
        ProcessSettings settings = new ProcessSettings(kafka.bootstrapServers(), emulator.endpoint(),
                new ProcessSettings.Login(CREDENTIALS_REF, USER, password),
                new ProcessSettings.Login("kill-api", "kill-matrix", apiPassword), secretKey);
        // the services log JSON lines here, which the test reads back (ServiceLogs)
        Map<String, String> environment = settings.environment(Map.of("BLUEGREEN_LOG_FORMAT", "json"));
        for (Service service : Service.values()) {
            Map<String, String> properties = settings.properties(service, service == Service.COORDINATOR ? coordinatorPort : -1,
                    Map.of("kafka.consumers.default.session.timeout.ms", "3000",
                            "kafka.consumers.default.heartbeat.interval.ms", "500",
                            "bluegreen.coordinator.session-timeout", "3s"));
            Path archive = archives.resolve(service.module() + ".jsa");
            services.put(service, new ServiceProcess(service, classpath, properties, environment, logs).classDataArchive(archive));
        }
        // the coordinator first: it creates the topics the others subscribe to
        services.get(Service.COORDINATOR).start();
        awaitStarted(List.of(services.get(Service.COORDINATOR)), Duration.ofMinutes(2));
        services.values().stream().filter(s -> s.service() != Service.COORDINATOR).forEach(ServiceProcess::start);
        awaitStarted(services.values(), Duration.ofMinutes(2));
        // every restart from now on maps the classes the first incarnation loaded
        services.values().forEach(ServiceProcess::writeArchive);
        tail = new EventTail(kafka.bootstrapServers());
        http = HttpClient.create(new URL("http://kill-matrix:" + apiPassword + "@127.0.0.1:" + coordinatorPort));
        note("stack up in %d s", seconds(began));
    }

    @AfterAll
    void stop() throws Exception {
        note("whole test: %d s", seconds(began));
        services.values().forEach(ServiceProcess::close);
        if (tail != null) {
            tail.close();
        }
        if (http != null) {
            http.close();
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
    void everyServiceKilledAndTheBrokerRestartedAtPhaseBoundariesAndInsideTheSwitchover() throws Exception {
        Map<String, Callable<Outcome>> upgrades = new LinkedHashMap<>();
        for (Service service : Service.values()) {
            ServiceProcess victim = services.get(service);
            upgrades.put(service.module(), () -> upgrade(service.module(), "kill " + service.module(),
                    boundary -> true, victim::killAndRestart));
        }
        upgrades.put("broker", () -> upgrade("broker", "restart the broker", BROKER_RESTARTS::contains, kafka::restart));
        ExecutorService runs = Executors.newFixedThreadPool(upgrades.size());
        try {
            List<Future<Outcome>> futures = runs.invokeAll(upgrades.values());
            List<String> problems = new ArrayList<>();
            for (Future<Outcome> run : futures) {
                try {
                    problems.addAll(run.get().problems());
                } catch (ExecutionException e) {
                    problems.add(String.valueOf(e.getCause()));
                }
            }
            problems.addAll(ServiceLogs.problems(logs));
            assertTrue(problems.isEmpty(), String.join("\n", problems));
        } finally {
            runs.shutdownNow();
        }
    }

    /** What one upgrade showed: every broken promise, each naming the upgrade. */
    record Outcome(String upgradeId, List<String> problems) {
    }

    /**
     * Runs one upgrade of a Blue of its own with the application writing, doing {@code perturbation} at each phase
     * boundary and when the switchover starts, and checks what it left behind.
     */
    private Outcome upgrade(String name, String what, Predicate<String> where, Runnable perturbation) throws Exception {
        long started = System.nanoTime();
        String blueId = "kill-" + name;
        String upgradeId = name + "-upgrade";
        List<String> problems = new ArrayList<>();
        DBInstance blue = createBlue(blueId);
        AckedWriter.Endpoint blueEndpoint = new AckedWriter.Endpoint(blue.endpoint().address(), blue.endpoint().port());
        Samples samples = new Samples();
        List<String> perturbations = new CopyOnWriteArrayList<>();
        ExecutorService perturber = Executors.newSingleThreadExecutor(r -> new Thread(r, "kill-matrix-" + name));
        Set<String> handled = ConcurrentHashMap.newKeySet();
        try (AckedWriter writer = new AckedWriter(name, blueEndpoint, "app", USER, password, 40).start()) {
            tail.listen(upgradeId, event -> {
                if (event instanceof WriterEndpointChanged changed) {
                    writer.moveTo(new AckedWriter.Endpoint(changed.getHost(), changed.getPort()));
                }
                // once per new phase and once inside the (first) switchover: a phase entered again after an abort
                // or a retry is no new boundary, and killing at every attempt would abort every attempt
                String boundary = event instanceof PhaseEntered entered ? String.valueOf(entered.getPhase())
                        : event instanceof SwitchoverStarted ? "SwitchoverStarted" : null;
                if (boundary != null && handled.add(boundary) && where.test(boundary)) {
                    perturber.submit(() -> {
                        samples.take(blueId, blueEndpoint);
                        long at = System.nanoTime();
                        try {
                            perturbation.run();
                        } catch (RuntimeException e) {
                            note("%s: could not %s at %s: %s", upgradeId, what, boundary, e);
                        }
                        perturbations.add(String.format("%s at %s (+%d s, %d ms)", what, boundary, seconds(started),
                                Duration.ofNanos(System.nanoTime() - at).toMillis()));
                    });
                }
            });
            submit(upgradeId, blueId, blue);
            List<String> stops = awaitCompletion(upgradeId);
            tail.forget(upgradeId);
            perturber.shutdown();
            assertTrue(perturber.awaitTermination(2, TimeUnit.MINUTES), "the last perturbation of " + upgradeId + " ended");
            samples.take(blueId, blueEndpoint);
            writer.close();
            String phase = phase(upgradeId);
            note("%s: %s in %d s after %d perturbations (%s); stops on the way: %s; writes acknowledged %d (%d after the "
                            + "endpoint moved), failed %d", upgradeId, phase, seconds(started), perturbations.size(),
                    what, stops.isEmpty() ? "none" : stops, writer.acknowledged().size(), writer.acknowledgedAfterMove(),
                    writer.failures());
            perturbations.forEach(p -> note("  %s: %s", upgradeId, p));
            if (!"COMPLETED".equals(phase)) {
                problems.add(upgradeId + " (" + what + ") ended in " + phase + " after " + stops.size()
                        + " retries; stops: " + stops);
                return new Outcome(upgradeId, problems);
            }
            List<SpecificRecord> events = tail.events(upgradeId);
            problems.addAll(stepsAnsweredOnce(upgradeId, events));
            problems.addAll(samples.problems(upgradeId));
            problems.addAll(writesOnGreen(upgradeId, events, writer.acknowledged()));
            if (writer.acknowledgedAfterMove() == 0) {
                problems.add(upgradeId + ": the application never wrote to Green after the endpoint moved");
            }
            if (perturbations.size() < Math.min(10, handled.stream().filter(where).count())) {
                problems.add(upgradeId + ": only " + perturbations.size() + " perturbations (" + what + "): " + perturbations);
            }
            if (perturbations.stream().noneMatch(p -> p.contains("SwitchoverStarted"))) {
                problems.add(upgradeId + ": nothing happened inside the switchover: " + perturbations);
            }
            return new Outcome(upgradeId, problems);
        } finally {
            tail.forget(upgradeId);
            perturber.shutdown(); // a perturbation under way ends (a killed service is started again)
            if (!perturber.awaitTermination(2, TimeUnit.MINUTES)) {
                note("%s: the last perturbation (%s) did not end in 2 minutes", upgradeId, what);
            }
            problems.forEach(p -> note("PROBLEM %s", p));
        }
    }

    // ------------------------------------------------------------------ driving the upgrade

    private DBInstance createBlue(String blueId) throws SQLException {
        rds.createDBInstance(r -> r.dbInstanceIdentifier(blueId).engine("postgres").engineVersion("16.15")
                .dbInstanceClass("db.t3.medium").allocatedStorage(20).masterUsername(USER).masterUserPassword(password));
        await(blueId + " available").atMost(Duration.ofMinutes(2)).pollInterval(Duration.ofMillis(200))
                .until(() -> "available".equals(describe(blueId).dbInstanceStatus()));
        DBInstance blue = describe(blueId);
        for (String database : DATABASES) {
            sql(url(blue.endpoint().address(), blue.endpoint().port(), "postgres"), "CREATE DATABASE " + database);
        }
        sql(url(blue.endpoint().address(), blue.endpoint().port(), "app"), AckedWriter.TABLE,
                "CREATE TABLE orders (id bigserial PRIMARY KEY, note text NOT NULL)",
                "INSERT INTO orders (note) SELECT 'order ' || g FROM generate_series(1, 5000) g");
        sql(url(blue.endpoint().address(), blue.endpoint().port(), "billing"),
                "CREATE TABLE invoices (id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY, amount numeric(12,2) NOT NULL)",
                "INSERT INTO invoices (amount) SELECT g * 1.5 FROM generate_series(1, 2000) g");
        return blue;
    }

    private void submit(String upgradeId, String blueId, DBInstance blue) {
        Map<String, Object> plan = new LinkedHashMap<>();
        plan.put("upgradeId", upgradeId);
        plan.put("blue", Map.of("identifier", blueId, "region", REGION, "engine", "postgres",
                "host", blue.endpoint().address(), "port", blue.endpoint().port(), "credentialsRef", CREDENTIALS_REF));
        plan.put("targetVersion", "17.11");
        plan.put("allowBlueReboot", true); // Blue's default group has logical replication off
        plan.put("databases", DATABASES);
        plan.put("strategy", "snapshot");
        plan.put("seedMethod", "slot_advance");
        plan.put("lagThresholdBytes", 1024 * 1024);
        plan.put("holdDurationMs", 1000);
        plan.put("switchoverMode", "automatic");
        plan.put("repoint", "event");
        plan.put("switchoverTimeoutMs", 30_000);
        plan.put("switchoverAttempts", 10);
        plan.put("verifyMode", "row_count");
        plan.put("sequenceMargin", 1000);
        // the coordinator may be down (killed for another upgrade): a repeated request with the same id is safe
        await(upgradeId + " accepted").atMost(Duration.ofMinutes(2)).pollInterval(Duration.ofMillis(500))
                .ignoreExceptions().until(() -> {
                    http.toBlocking().retrieve(HttpRequest.POST("/upgrades", plan), Map.class);
                    return true;
                });
    }

    /**
     * Waits for COMPLETED; a stop in FAILED is recorded with its reason and retried, at most {@link #RETRIES} times.
     * Answers the stops.
     */
    private List<String> awaitCompletion(String upgradeId) {
        List<String> stops = new ArrayList<>();
        await(upgradeId + " completed").atMost(UPGRADE_TIMEOUT).pollInterval(Duration.ofMillis(250)).until(() -> {
            List<SpecificRecord> events = tail.events(upgradeId);
            String phase = phase(events);
            if (phase.equals("COMPLETED") || phase.equals("ROLLED_BACK") || phase.equals("ROLLING_BACK")) {
                return true;
            }
            long failedCount = events.stream().filter(e -> e instanceof PhaseEntered p && p.getPhase() == UpgradePhase.FAILED).count();
            if (phase.equals("FAILED") && failedCount > stops.size()) {
                if (stops.size() == RETRIES) {
                    return true;
                }
                stops.add(failure(events));
            }
            if (phase.equals("FAILED") && failedCount == stops.size()) {
                // Green's snapshot at the drain point went with a killed pg-agent: no retry can verify, the operator
                // waives (this test checks every acknowledged write on Green itself at the end)
                boolean unverifiable = stops.get(stops.size() - 1).contains("is not held by this pg-agent");
                String action = unverifiable ? "/waive-verification" : "/retry";
                Map<String, String> body = unverifiable ? Map.of("reason",
                        "Green's drain-point snapshot was lost with a killed pg-agent; the test checks every acknowledged write on Green")
                        : Map.of();
                try {
                    http.toBlocking().exchange(HttpRequest.POST("/upgrades/" + upgradeId + action, body), Map.class);
                } catch (RuntimeException coordinatorDownOrRefused) {
                    // asked again at the next poll
                }
            }
            return false;
        });
        return stops;
    }

    private static String failure(List<SpecificRecord> events) {
        String failed = "";
        for (SpecificRecord event : events) {
            if (event instanceof UpgradeFailed f) {
                failed = "UpgradeFailed in " + f.getPhase() + ": " + f.getReason() + " " + f.getMessage();
            } else if (event instanceof StepFailureRecorded f) {
                failed = "step " + f.getStep() + " failed: " + f.getReason() + " " + f.getMessage();
            }
        }
        return failed;
    }

    private String phase(String upgradeId) {
        return phase(tail.events(upgradeId));
    }

    private static String phase(List<SpecificRecord> events) {
        String phase = "NONE";
        for (SpecificRecord event : events) {
            if (event instanceof PhaseEntered entered) {
                phase = entered.getPhase().name();
            }
        }
        return phase;
    }

    // ------------------------------------------------------------------ what must hold

    /** Each dispatched command is answered at most once, and no step completes more often than it was dispatched. */
    private static List<String> stepsAnsweredOnce(String upgradeId, List<SpecificRecord> events) {
        List<String> problems = new ArrayList<>();
        Map<String, String> keyOfCommand = new HashMap<>();
        Map<String, Set<String>> commandsOfKey = new HashMap<>();
        for (SpecificRecord event : events) {
            if (event instanceof StepDispatched dispatched) {
                String key = dispatched.getStep() + (dispatched.getDatabase() == null ? "" : "/" + dispatched.getDatabase());
                keyOfCommand.put(dispatched.getCommandId(), key);
                commandsOfKey.computeIfAbsent(key, k -> new HashSet<>()).add(dispatched.getCommandId());
            }
        }
        Map<String, Long> completionsOfCommand = events.stream().filter(e -> e instanceof StepCompleted)
                .map(e -> String.valueOf(((StepCompleted) e).getCausationId()))
                .collect(Collectors.groupingBy(id -> id, LinkedHashMap::new, Collectors.counting()));
        Map<String, Long> completionsOfKey = new HashMap<>();
        completionsOfCommand.forEach((commandId, count) -> {
            if (count > 1) {
                problems.add(upgradeId + ": command " + commandId + " (" + keyOfCommand.get(commandId) + ") recorded "
                        + count + " StepCompleted");
            }
            String key = keyOfCommand.get(commandId);
            if (key == null) {
                problems.add(upgradeId + ": StepCompleted for command " + commandId + " that was never dispatched");
            } else {
                completionsOfKey.merge(key, count, Long::sum);
            }
        });
        completionsOfKey.forEach((key, count) -> {
            if (count > commandsOfKey.get(key).size()) {
                problems.add(upgradeId + ": step " + key + " completed " + count + " times for "
                        + commandsOfKey.get(key).size() + " dispatches");
            }
        });
        if (completionsOfCommand.isEmpty()) {
            problems.add(upgradeId + ": no StepCompleted recorded at all");
        }
        Map<String, Long> eventIds = events.stream().map(e -> String.valueOf(((GenericRecord) e).get("eventId")))
                .collect(Collectors.groupingBy(id -> id, Collectors.counting()));
        eventIds.forEach((eventId, count) -> {
            if (count > 1) {
                problems.add(upgradeId + ": event " + eventId + " is on the topic " + count + " times");
            }
        });
        return problems;
    }

    /** Every acknowledged write is on Green, and no write is there twice. */
    private List<String> writesOnGreen(String upgradeId, List<SpecificRecord> events, List<Long> acknowledged)
            throws SQLException {
        List<String> problems = new ArrayList<>();
        WriterEndpointChanged moved = null;
        for (SpecificRecord event : events) {
            if (event instanceof WriterEndpointChanged changed) {
                moved = changed;
            }
        }
        if (moved == null) {
            problems.add(upgradeId + ": COMPLETED without a WriterEndpointChanged");
            return problems;
        }
        Map<Long, Long> onGreen = new HashMap<>();
        try (Connection c = DriverManager.getConnection(url(moved.getHost(), moved.getPort(), "app"), USER, password);
             Statement s = c.createStatement();
             ResultSet rows = s.executeQuery("SELECT seq, count(*) FROM kill_writes GROUP BY seq")) {
            while (rows.next()) {
                onGreen.put(rows.getLong(1), rows.getLong(2));
            }
        }
        List<Long> lost = acknowledged.stream().filter(seq -> !onGreen.containsKey(seq)).toList();
        List<Long> twice = onGreen.entrySet().stream().filter(e -> e.getValue() > 1).map(Map.Entry::getKey).sorted().toList();
        if (!lost.isEmpty()) {
            problems.add(upgradeId + ": " + lost.size() + " of " + acknowledged.size()
                    + " acknowledged writes are not on Green, e.g. seq " + lost.subList(0, Math.min(10, lost.size())));
        }
        if (!twice.isEmpty()) {
            problems.add(upgradeId + ": " + twice.size() + " writes are on Green more than once, e.g. seq "
                    + twice.subList(0, Math.min(10, twice.size())));
        }
        if (acknowledged.size() < 100) {
            problems.add(upgradeId + ": the application got only " + acknowledged.size() + " writes acknowledged");
        }
        return problems;
    }

    /**
     * What the RDS endpoint and the databases held at each boundary: Green instances and snapshots of Blue ever seen,
     * the most publications, slots and subscriptions per database seen at once, and the slots left on Blue at the end.
     */
    private final class Samples {
        private final Set<String> greens = ConcurrentHashMap.newKeySet();
        private final Set<String> snapshots = ConcurrentHashMap.newKeySet();
        private final Map<String, Integer> most = new ConcurrentHashMap<>();
        private final Map<String, Integer> last = new ConcurrentHashMap<>();

        void take(String blueId, AckedWriter.Endpoint blue) {
            try {
                for (DBInstance instance : rds.describeDBInstances().dbInstances()) {
                    if (instance.dbInstanceIdentifier().startsWith(blueId + "-")) {
                        greens.add(instance.dbInstanceIdentifier());
                        if (instance.endpoint() != null) {
                            for (String database : DATABASES) {
                                count("subscriptions on Green/" + database, url(instance.endpoint().address(),
                                        instance.endpoint().port(), database), "SELECT count(*) FROM pg_subscription s "
                                        + "JOIN pg_database d ON d.oid = s.subdbid WHERE d.datname = current_database()");
                            }
                        }
                    }
                }
                rds.describeDBSnapshots(r -> r.dbInstanceIdentifier(blueId)).dbSnapshots()
                        .forEach(s -> snapshots.add(s.dbSnapshotIdentifier()));
            } catch (RuntimeException endpointBusy) {
                // sampled again at the next boundary
            }
            for (String database : DATABASES) {
                String blueUrl = url(blue.host(), blue.port(), database);
                count("publications on Blue/" + database, blueUrl, "SELECT count(*) FROM pg_publication");
                count("slots on Blue/" + database, blueUrl,
                        "SELECT count(*) FROM pg_replication_slots WHERE database = current_database()");
            }
        }

        private void count(String what, String url, String query) {
            try (Connection c = DriverManager.getConnection(url, USER, password); Statement s = c.createStatement();
                 ResultSet rs = s.executeQuery(query)) {
                rs.next();
                int n = rs.getInt(1);
                most.merge(what, n, Math::max);
                last.put(what, n);
            } catch (SQLException serverBusy) {
                // Green being replaced by its upgrade, a server restarting: sampled again at the next boundary
            }
        }

        List<String> problems(String upgradeId) {
            List<String> problems = new ArrayList<>();
            if (greens.size() != 1) {
                problems.add(upgradeId + ": " + greens.size() + " Green instances were created: " + greens);
            }
            if (snapshots.size() > 1) {
                problems.add(upgradeId + ": " + snapshots.size() + " snapshots of Blue were taken: " + snapshots);
            }
            for (String database : DATABASES) {
                for (String what : List.of("publications on Blue/", "slots on Blue/", "subscriptions on Green/")) {
                    Integer seen = most.get(what + database);
                    if (seen == null || seen != 1) {
                        problems.add(upgradeId + ": at most " + seen + " " + what + database + " at once, expected 1");
                    }
                }
                Integer left = last.get("slots on Blue/" + database);
                if (left == null || left != 0) {
                    problems.add(upgradeId + ": " + left + " slots left on Blue/" + database + " after the upgrade");
                }
            }
            note("%s: Green instances %s, snapshots %s, most at once %s", upgradeId, greens, snapshots, most);
            return problems;
        }
    }

    // ------------------------------------------------------------------ helpers

    private void awaitStarted(Collection<ServiceProcess> processes, Duration atMost) {
        await("services started").atMost(atMost).pollInterval(Duration.ofMillis(200)).until(() -> {
            for (ServiceProcess process : processes) {
                if (process.exitCode() >= 0) {
                    throw new IllegalStateException(process + " exited with " + process.exitCode() + "; its log: "
                            + process.log().toAbsolutePath());
                }
            }
            return processes.stream().allMatch(ServiceProcess::started);
        });
    }

    private DBInstance describe(String id) {
        return rds.describeDBInstances(r -> r.dbInstanceIdentifier(id)).dbInstances().get(0);
    }

    private static String url(String host, int port, String database) {
        return "jdbc:postgresql://" + host + ":" + port + "/" + database + "?connectTimeout=5&socketTimeout=20";
    }

    private void sql(String url, String... statements) throws SQLException {
        try (Connection c = DriverManager.getConnection(url, USER, password); Statement s = c.createStatement()) {
            for (String statement : statements) {
                s.execute(statement);
            }
        }
    }

    private void note(String format, Object... args) {
        String line = String.format("[%4d s] ", seconds(began)) + String.format(format, args);
        System.out.println(line);
        try {
            Files.writeString(logs.resolve("report.txt"), line + System.lineSeparator(), StandardOpenOption.CREATE,
                    StandardOpenOption.APPEND);
        } catch (IOException e) {
            System.out.println("could not write the report: " + e);
        }
    }

    private static long seconds(long since) {
        return TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - since);
    }
}
