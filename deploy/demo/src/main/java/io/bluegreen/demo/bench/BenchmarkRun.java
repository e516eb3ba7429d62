package io.bluegreen.demo.bench;

import io.bluegreen.demo.LocalStack;
import io.bluegreen.schemas.event.UpgradeCompleted;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.client.HttpClient;
import io.micronaut.http.client.exceptions.HttpClientResponseException;
import org.apache.avro.specific.SpecificRecord;
import software.amazon.awssdk.services.rds.RdsClient;
import software.amazon.awssdk.services.rds.model.DBInstance;

import java.io.PrintStream;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

/**
 * One upgrade of the benchmark, on a fresh RDS PostgreSQL 16 instance: a database {@code app} whose table
 * {@code writes} holds the seed rows; two writers inserting keyed rows at the rate while the coordinator upgrades it
 * to 17 with an automatic switchover; then the proof on Green (every acknowledged key exactly once, every seed
 * row) and the figures. The instances and snapshots are deleted afterwards, so runs do not pile up servers.
 */
final class BenchmarkRun {

    static final String TABLE = "writes";
    static final String DATABASE = "app";
    static final int WRITERS = 2;
    static final String USER = "bench_admin";
    private static final long RETRY_PAUSE_NANOS = TimeUnit.MILLISECONDS.toNanos(5);
    private static final Duration UPGRADE_TIMEOUT = Duration.ofMinutes(15);
    private static final Set<String> TERMINAL = Set.of("COMPLETED", "FAILED", "ROLLED_BACK");

    private final LocalStack stack;
    private final BenchmarkOptions options;
    private final EndpointFollower follower;
    private final AuditTrail trail;
    private final String password;
    private final PrintStream out;
    private final int index;

    BenchmarkRun(LocalStack stack, BenchmarkOptions options, EndpointFollower follower, AuditTrail trail,
                 String password, PrintStream out, int index) {
        this.stack = stack;
        this.options = options;
        this.follower = follower;
        this.trail = trail;
        this.password = password;
        this.out = out;
        this.index = index;
    }

    RunResult run() throws Exception {
        RdsClient rds = stack.rds();
        String blueId = "bench-" + index + "-" + UUID.randomUUID().toString().substring(0, 4);
        try {
            return measure(rds, blueId);
        } finally {
            deleteEverything(rds);
        }
    }

    private RunResult measure(RdsClient rds, String blueId) throws Exception {
        createInstance(rds, blueId);
        Endpoint blue = endpoint(describe(rds, blueId));
        seed(blue);
        Map<String, String> blueSettings = durability(blue);
        int blueMajor;
        try (Connection c = connect(blue, DATABASE)) {
            blueMajor = c.getMetaData().getDatabaseMajorVersion();
        }
        out.printf("  run %d: Blue %s (PostgreSQL %d) at %s, %d seed rows, %s%n", index, blueId, blueMajor, blue,
                options.seedRows(), blueSettings);

        WriterTarget target = options.repoint() == BenchmarkOptions.Repoint.EVENT
                ? new EventTarget(blue, RETRY_PAUSE_NANOS)
                : new RenameTarget(blue, () -> endpoint(describe(rds, blueId)), RETRY_PAUSE_NANOS);
        List<BenchWriter> writers = new ArrayList<>();
        for (int w = 1; w <= WRITERS; w++) {
            writers.add(new BenchWriter(w, target, DATABASE, USER, password, options.intervalNanos(WRITERS), blueMajor));
        }
        long writingBegan = System.nanoTime();
        writers.forEach(BenchWriter::start);
        String upgradeId = null;
        String phase = "NOT_SUBMITTED";
        String failure = null;
        long upgradeBegan = System.nanoTime();
        try (HttpClient http = HttpClient.create(stack.coordinatorAs(stack.apiUser()))) {
            try {
                upgradeId = submit(http, blueId, blue);
            } catch (HttpClientResponseException e) {
                failure = "POST /upgrades answered " + e.getStatus() + ": " + e.getResponse().getBody(String.class).orElse("");
            }
            if (upgradeId != null) {
                if (target instanceof EventTarget events) {
                    follower.follow(upgradeId, events);
                }
                Map<?, ?> last = await(http, upgradeId);
                phase = String.valueOf(last.get("phase"));
                if (!"COMPLETED".equals(phase)) {
                    failure = String.valueOf(last.get("lastFailure"));
                }
            }
        } finally {
            if ("COMPLETED".equals(phase)) {
                awaitGreenWrites(writers);
            }
            for (BenchWriter writer : writers) {
                writer.stop();
            }
            if (upgradeId != null) {
                follower.forget(upgradeId);
            }
        }
        double writingSeconds = (System.nanoTime() - writingBegan) / 1e9;
        double upgradeSeconds = (System.nanoTime() - upgradeBegan) / 1e9;
        List<Attempt> attempts = new ArrayList<>();
        writers.forEach(writer -> attempts.addAll(writer.attempts()));

        SwitchoverTrace trace = SwitchoverTrace.of(upgradeId == null ? List.of() : awaitTrail(upgradeId, phase));
        RunFigures figures = RunFigures.of(attempts, target.switchedAtMicros(), trace);
        if (!"COMPLETED".equals(phase)) {
            return new RunResult(index, blueId, upgradeId, phase, failure, figures, null, options.seedRows(), -1, "",
                    blueSettings, Map.of(), trace, upgradeSeconds, writingSeconds);
        }
        Endpoint green = greenEndpoint(rds, blueId, upgradeId, trace);
        int greenMajor;
        try (Connection c = connect(green, DATABASE)) {
            greenMajor = c.getMetaData().getDatabaseMajorVersion();
        }
        if (greenMajor == blueMajor) {
            String failed = (options.repoint() == BenchmarkOptions.Repoint.RENAME ? "Blue's name " + blueId
                    : "The published endpoint") + " still reaches PostgreSQL " + greenMajor + " at " + green
                    + " after the upgrade completed: Green cannot be checked, the writers never reached it";
            return new RunResult(index, blueId, upgradeId, phase, failed, figures, null, options.seedRows(), -1, "",
                    blueSettings, Map.of(), trace, upgradeSeconds, writingSeconds);
        }
        if (figures.acknowledgedOnGreen() == 0) {
            failure = "No writer got a write acknowledged by Green within 15 s of the upgrade's completion";
        }
        long[] acknowledged = attempts.stream().filter(Attempt::acknowledged).mapToLong(Attempt::key).toArray();
        long[] found = writerKeysOn(green);
        AckAccounting accounting = AckAccounting.of(acknowledged, found);
        long seedOnGreen = count(green, "SELECT count(*) FROM " + TABLE + " WHERE writer = 0");
        String greenVersion;
        try (Connection c = connect(green, DATABASE); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SHOW server_version")) {
            rs.next();
            greenVersion = rs.getString(1);
        }
        return new RunResult(index, blueId, upgradeId, phase, failure, figures, accounting, options.seedRows(),
                seedOnGreen, greenVersion, blueSettings, durability(green), trace, upgradeSeconds, writingSeconds);
    }

    private String submit(HttpClient http, String blueId, Endpoint blue) {
        Map<String, Object> plan = new LinkedHashMap<>();
        plan.put("blue", Map.of("identifier", blueId, "region", LocalStack.REGION, "engine", "postgres",
                "host", blue.host(), "port", blue.port(), "credentialsRef", LocalStack.CREDENTIALS_REF));
        plan.put("targetVersion", "17.11");
        plan.put("allowBlueReboot", true); // Blue's default group has logical replication off
        plan.put("databases", List.of(DATABASE));
        plan.put("switchoverMode", "automatic");
        plan.put("lagThresholdBytes", 1024 * 1024);
        plan.put("holdDurationMs", 2000);
        plan.put("repoint", options.repoint().planValue());
        plan.put("switchoverTimeoutMs", 30_000);
        plan.put("verifyMode", "row_count");
        if (options.verifyBeforeRepoint()) {
            plan.put("verifyBeforeRepoint", true);
        }
        plan.put("sequenceMargin", 1000);
        Map<?, ?> created = http.toBlocking().retrieve(HttpRequest.POST("/upgrades", plan), Map.class);
        String id = (String) created.get("upgradeId");
        out.printf("  run %d: upgrade %s submitted (%s repoint, %s%s)%n", index, id, options.repoint().planValue(),
                options.rateText(), options.verifyBeforeRepoint() ? ", verified before repoint" : "");
        return id;
    }

    /** Polls the upgrade until it ends; prints each phase it enters. */
    private Map<?, ?> await(HttpClient http, String upgradeId) throws InterruptedException {
        long began = System.nanoTime();
        String current = "";
        Map<?, ?> view = Map.of();
        while (System.nanoTime() - began < UPGRADE_TIMEOUT.toNanos()) {
            view = http.toBlocking().retrieve(HttpRequest.GET("/upgrades/" + upgradeId), Map.class);
            String phase = String.valueOf(view.get("phase"));
            if (!phase.equals(current)) {
                current = phase;
                out.printf("    [%6.1f s] %s%n", (System.nanoTime() - began) / 1e9, phase);
            }
            if (TERMINAL.contains(phase)) {
                return view;
            }
            Thread.sleep(200);
        }
        out.printf("    gave up after %d min in %s%n", UPGRADE_TIMEOUT.toMinutes(), current);
        return view;
    }

    /** After completion, lets every writer get at least one write acknowledged by Green (at most 15 s). */
    private static void awaitGreenWrites(List<BenchWriter> writers) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
        while (System.nanoTime() < deadline && !writers.stream().allMatch(BenchWriter::hasWrittenToGreen)) {
            Thread.sleep(20);
        }
    }

    /** The audit trail of the upgrade, once it holds its end (the recorder may lag the API by a few ms). */
    private List<SpecificRecord> awaitTrail(String upgradeId, String phase) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        List<SpecificRecord> events = trail.of(upgradeId);
        while ("COMPLETED".equals(phase) && events.stream().noneMatch(UpgradeCompleted.class::isInstance)
                && System.nanoTime() < deadline) {
            Thread.sleep(50);
            events = trail.of(upgradeId);
        }
        return events;
    }

    private Endpoint greenEndpoint(RdsClient rds, String blueId, String upgradeId, SwitchoverTrace trace) {
        if (options.repoint() == BenchmarkOptions.Repoint.RENAME) {
            return endpoint(describe(rds, blueId));
        }
        EndpointFollower.Received received = follower.latest(upgradeId);
        if (received != null) {
            return received.endpoint();
        }
        if (trace.endpointChange() != null) {
            return new Endpoint(trace.endpointChange().host(), trace.endpointChange().port());
        }
        throw new IllegalStateException("Upgrade " + upgradeId + " completed but published no WriterEndpointChanged "
                + "on the endpoints or events topic: nowhere to check the writes");
    }

    /** Every writer key on Green, one entry per row. */
    private long[] writerKeysOn(Endpoint green) throws SQLException {
        try (Connection c = connect(green, DATABASE)) {
            c.setAutoCommit(false); // lets the driver stream the rows with the fetch size
            try (Statement s = c.createStatement()) {
                s.setFetchSize(50_000);
                long[] keys = new long[1 << 16];
                int n = 0;
                try (ResultSet rs = s.executeQuery("SELECT writer, seq FROM " + TABLE + " WHERE writer > 0")) {
                    while (rs.next()) {
                        if (n == keys.length) {
                            keys = Arrays.copyOf(keys, keys.length * 2);
                        }
                        keys[n++] = WriteKeys.of(rs.getInt(1), rs.getLong(2));
                    }
                }
                c.commit();
                return Arrays.copyOf(keys, n);
            }
        }
    }

    private void createInstance(RdsClient rds, String id) throws InterruptedException {
        rds.createDBInstance(r -> r.dbInstanceIdentifier(id).engine("postgres").engineVersion("16.15")
                .dbInstanceClass("db.t3.medium").allocatedStorage(20).masterUsername(USER).masterUserPassword(password));
        long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(2);
        while (!"available".equals(describe(rds, id).dbInstanceStatus())) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("Instance " + id + " did not become available in 2 minutes");
            }
            Thread.sleep(200);
        }
    }

    private void seed(Endpoint blue) throws SQLException {
        try (Connection c = connect(blue, "postgres"); Statement s = c.createStatement()) {
            s.execute("CREATE DATABASE " + DATABASE);
        }
        try (Connection c = connect(blue, DATABASE); Statement s = c.createStatement()) {
            // no unique constraint on (writer, seq): a row applied twice must show as a duplicate
            s.execute("CREATE TABLE " + TABLE + " (id bigserial PRIMARY KEY, writer int NOT NULL, seq bigint NOT NULL, "
                    + "written_at timestamptz NOT NULL DEFAULT clock_timestamp())");
            s.execute("INSERT INTO " + TABLE + " (writer, seq) SELECT 0, g FROM generate_series(1, " + options.seedRows()
                    + ") g");
            s.execute("ANALYZE " + TABLE);
        }
    }

    /** The durability settings a server runs with. */
    private Map<String, String> durability(Endpoint endpoint) throws SQLException {
        Map<String, String> settings = new LinkedHashMap<>();
        try (Connection c = connect(endpoint, DATABASE); Statement s = c.createStatement()) {
            for (String name : List.of("fsync", "synchronous_commit")) {
                try (ResultSet rs = s.executeQuery("SHOW " + name)) {
                    rs.next();
                    settings.put(name, rs.getString(1));
                }
            }
        }
        return settings;
    }

    private long count(Endpoint endpoint, String sql) throws SQLException {
        try (Connection c = connect(endpoint, DATABASE); Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }

    private Connection connect(Endpoint endpoint, String database) throws SQLException {
        return DriverManager.getConnection(endpoint.jdbcUrl(database, "switchover-benchmark"), USER, password);
    }

    private static DBInstance describe(RdsClient rds, String id) {
        return rds.describeDBInstances(r -> r.dbInstanceIdentifier(id)).dbInstances().get(0);
    }

    private static Endpoint endpoint(DBInstance instance) {
        return new Endpoint(instance.endpoint().address(), instance.endpoint().port());
    }

    /** Deletes every instance and snapshot of the local endpoint (all of them are this benchmark's) and waits. */
    private void deleteEverything(RdsClient rds) throws InterruptedException {
        try {
            rds.describeDBSnapshots().dbSnapshots().forEach(snapshot -> quietly(() ->
                    rds.deleteDBSnapshot(r -> r.dbSnapshotIdentifier(snapshot.dbSnapshotIdentifier()))));
            rds.describeDBInstances().dbInstances().forEach(instance -> quietly(() ->
                    rds.deleteDBInstance(r -> r.dbInstanceIdentifier(instance.dbInstanceIdentifier()).skipFinalSnapshot(true))));
            long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(2);
            while (!rds.describeDBInstances().dbInstances().isEmpty() && System.nanoTime() < deadline) {
                Thread.sleep(200);
            }
        } catch (RuntimeException e) {
            out.printf("  run %d: could not delete every instance afterwards: %s%n", index, e.getMessage());
        }
    }

    private static void quietly(Runnable call) {
        try {
            call.run();
        } catch (RuntimeException ignored) {
            // already deleting or gone
        }
    }
}
