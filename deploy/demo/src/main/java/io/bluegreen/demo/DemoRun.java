package io.bluegreen.demo;

import io.micronaut.core.type.Argument;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.client.HttpClient;
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
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One whole upgrade on the local stack, the way a platform team would run it: an RDS PostgreSQL 16 "orders"
 * instance with two databases and an application writing to it, a plan submitted to the coordinator's REST API
 * (snapshot strategy, automatic switchover, repoint), progress printed phase by phase, and at the end the proof:
 * Green runs 17, answers under Blue's name, and holds every row the application committed.
 */
public final class DemoRun {

    static final String BLUE = "demo-orders";
    static final String USER = "app_admin";

    /** What the run showed. */
    public record Report(boolean completed, String upgradeId, String finalPhase, String failure,
                         Map<String, Duration> phases, long writesCommitted, Duration writeUnavailable,
                         long ordersOnGreen, long expectedOrders, String greenVersion, boolean sequencesWork) {
        public boolean proven() {
            return completed && ordersOnGreen == expectedOrders && greenVersion.startsWith("17.") && sequencesWork;
        }
    }

    private final PrintStream out;
    private final Duration timeout;
    private final String password;

    /** @param password the master password of the local databases; handed to the services as configuration only */
    public DemoRun(PrintStream out, Duration timeout, String password) {
        this.out = out;
        this.timeout = timeout;
        this.password = password;
    }

    public Report run() throws Exception {
        long began = System.nanoTime();
        out.println("bluegreen local demo: starting Kafka (KRaft), the local RDS endpoint and the services");
        try (LocalStack stack = LocalStack.start(USER, password)) {
            out.printf("  stack up in %.1f s; coordinator at %s%n", seconds(began), stack.coordinator());
            RdsClient rds = stack.rds();
            createBlue(rds, password);
            DBInstance blue = describe(rds, BLUE);
            long initialOrders = seed(blue, password);
            out.printf("  Blue %s: PostgreSQL %s at %s:%d, databases app (%d orders) and billing%n", BLUE,
                    blue.engineVersion(), blue.endpoint().address(), blue.endpoint().port(), initialOrders);

            Writer writer = new Writer(() -> jdbc(describe(rds, BLUE), "app"), USER, password);
            writer.start();
            try (HttpClient http = HttpClient.create(stack.coordinator())) {
                Map<String, Object> plan = new LinkedHashMap<>();
                plan.put("blue", Map.of("identifier", BLUE, "region", LocalStack.REGION, "engine", "postgres",
                        "host", blue.endpoint().address(), "port", blue.endpoint().port(),
                        "credentialsRef", LocalStack.CREDENTIALS_REF));
                plan.put("targetVersion", "17.11");
                plan.put("databases", List.of("app", "billing"));
                plan.put("lagThresholdBytes", 256 * 1024);
                plan.put("holdDurationMs", 3000);
                plan.put("switchoverMode", "automatic");
                plan.put("repoint", "rename");
                plan.put("verifyMode", "row_count");
                plan.put("sequenceMargin", 1000);
                plan.put("requestedBy", "demo");
                Map<?, ?> created = http.toBlocking().retrieve(HttpRequest.POST("/upgrades", plan), Map.class);
                String id = (String) created.get("upgradeId");
                out.printf("  submitted upgrade %s: %s 16 -> 17.11, snapshot strategy, automatic switchover%n", id, BLUE);
                Map<String, Duration> phases = watch(http, id, writer);
                writer.stop();
                Map<?, ?> last = http.toBlocking().retrieve(HttpRequest.GET("/upgrades/" + id), Map.class);
                String phase = (String) last.get("phase");
                boolean completed = "COMPLETED".equals(phase);
                if (!completed) {
                    out.printf("  upgrade stopped in %s: %s%n", phase, last.get("lastFailure"));
                    return new Report(false, id, phase, String.valueOf(last.get("lastFailure")), phases,
                            writer.committed(), writer.longestUnavailable(), -1, -1, "", false);
                }
                DBInstance green = describe(rds, BLUE);
                long onGreen = count(green, password, "SELECT count(*) FROM orders");
                long expected = initialOrders + writer.committed();
                String version = query(green, password, "app", "SHOW server_version");
                boolean sequences = insertWorks(green, password);
                List<Map> timeline = http.toBlocking().retrieve(HttpRequest.GET("/upgrades/" + id + "/events"),
                        Argument.listOf(Map.class));
                out.println();
                out.printf("  COMPLETED in %.1f s; %d events in the audit trail (GET /upgrades/%s/events)%n",
                        seconds(began), timeline.size(), id);
                out.printf("  '%s' now answers with PostgreSQL %s at %s:%d%n", BLUE, version,
                        green.endpoint().address(), green.endpoint().port());
                out.printf("  the application committed %d writes during the upgrade; longest time without a commit "
                        + "(fence -> drain -> repoint): %d ms%n", writer.committed(), writer.longestUnavailable().toMillis());
                out.printf("  orders on Green: %d, expected %d (initial %d + committed %d): %s%n", onGreen, expected,
                        initialOrders, writer.committed(), onGreen == expected ? "every write is there" : "MISMATCH");
                out.printf("  a new order on Green with the synced sequence: %s%n", sequences ? "inserted" : "FAILED");
                return new Report(true, id, phase, null, phases, writer.committed(), writer.longestUnavailable(), onGreen,
                        expected, version, sequences);
            } finally {
                writer.stop();
            }
        }
    }

    private Map<String, Duration> watch(HttpClient http, String id, Writer writer) throws InterruptedException {
        Map<String, Duration> phases = new LinkedHashMap<>();
        long began = System.nanoTime();
        long phaseBegan = began;
        String current = "";
        while (System.nanoTime() - began < timeout.toNanos()) {
            Map<?, ?> view = http.toBlocking().retrieve(HttpRequest.GET("/upgrades/" + id), Map.class);
            String phase = (String) view.get("phase");
            if (!phase.equals(current)) {
                long now = System.nanoTime();
                if (!current.isEmpty()) {
                    phases.put(current, Duration.ofNanos(now - phaseBegan));
                }
                phaseBegan = now;
                current = phase;
                out.printf("  [%6.1f s] %-24s %s%n", (now - began) / 1e9, phase, describe(view, writer));
            }
            if (phase.equals("COMPLETED") || phase.equals("FAILED") || phase.equals("ROLLED_BACK")) {
                return phases;
            }
            Thread.sleep(250);
        }
        out.printf("  gave up watching after %d s in %s%n", timeout.toSeconds(), current);
        return phases;
    }

    private static String describe(Map<?, ?> view, Writer writer) {
        Object waiting = view.get("waitingFor");
        String steps = waiting instanceof List<?> list && !list.isEmpty() ? "waiting for " + list.stream()
                .map(p -> p instanceof Map<?, ?> pending ? pending.get("step") + (pending.get("database") == null ? ""
                        : "(" + pending.get("database") + ")") + (pending.get("progress") == null ? ""
                        : ": " + pending.get("progress")) : String.valueOf(p))
                .toList() : "";
        return steps + (writer.committed() > 0 ? "  (app writes committed: " + writer.committed() + ")" : "");
    }

    private void createBlue(RdsClient rds, String password) throws InterruptedException {
        rds.createDBInstance(r -> r.dbInstanceIdentifier(BLUE).engine("postgres").engineVersion("16.15")
                .dbInstanceClass("db.t3.medium").allocatedStorage(20).masterUsername(USER).masterUserPassword(password));
        long deadline = System.nanoTime() + Duration.ofMinutes(2).toNanos();
        while (!"available".equals(describe(rds, BLUE).dbInstanceStatus())) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("Blue " + BLUE + " did not become available");
            }
            Thread.sleep(200);
        }
    }

    private static long seed(DBInstance blue, String password) throws SQLException {
        try (Connection c = DriverManager.getConnection(jdbc(blue, "postgres"), USER, password); Statement s = c.createStatement()) {
            s.execute("CREATE DATABASE app");
            s.execute("CREATE DATABASE billing");
        }
        try (Connection c = DriverManager.getConnection(jdbc(blue, "app"), USER, password); Statement s = c.createStatement()) {
            s.execute("CREATE TABLE orders (id bigserial PRIMARY KEY, note text NOT NULL, created_at timestamptz DEFAULT now())");
            s.execute("INSERT INTO orders (note) SELECT 'order ' || g FROM generate_series(1, 20000) g");
        }
        try (Connection c = DriverManager.getConnection(jdbc(blue, "billing"), USER, password); Statement s = c.createStatement()) {
            s.execute("CREATE TABLE invoices (id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY, amount numeric(12,2) NOT NULL)");
            s.execute("INSERT INTO invoices (amount) SELECT g * 1.5 FROM generate_series(1, 5000) g");
            s.execute("CREATE SEQUENCE invoice_numbers START 4242"); // owned by no column: must be synced too
            s.execute("SELECT nextval('invoice_numbers')");
        }
        return count(blue, password, "SELECT count(*) FROM orders");
    }

    private static boolean insertWorks(DBInstance green, String password) {
        try (Connection c = DriverManager.getConnection(jdbc(green, "app"), USER, password); Statement s = c.createStatement()) {
            s.execute("INSERT INTO orders (note) VALUES ('first order on Green')");
            return true;
        } catch (SQLException e) {
            return false;
        }
    }

    private static long count(DBInstance instance, String password, String sql) throws SQLException {
        return Long.parseLong(query(instance, password, "app", sql));
    }

    private static String query(DBInstance instance, String password, String database, String sql) throws SQLException {
        try (Connection c = DriverManager.getConnection(jdbc(instance, database), USER, password);
             Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getString(1);
        }
    }

    private static DBInstance describe(RdsClient rds, String id) {
        return rds.describeDBInstances(r -> r.dbInstanceIdentifier(id)).dbInstances().get(0);
    }

    static String jdbc(DBInstance instance, String database) {
        return "jdbc:postgresql://" + instance.endpoint().address() + ":" + instance.endpoint().port() + "/" + database
                + "?connectTimeout=5&socketTimeout=30";
    }

    private static double seconds(long since) {
        return (System.nanoTime() - since) / 1e9;
    }

    static List<String> lines(Map<String, Duration> phases) {
        List<String> lines = new ArrayList<>();
        phases.forEach((phase, took) -> lines.add(String.format("%-24s %6.1f s", phase, took.toMillis() / 1000.0)));
        return lines;
    }
}
