package io.bluegreen.demo;

import io.micronaut.core.type.Argument;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.client.HttpClient;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.rds.model.DBCluster;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The Aurora path through the whole saga, as the RDS path runs in the demo: an Aurora PostgreSQL 16 cluster on the
 * local RDS endpoint, upgraded to 17 through the coordinator's REST API with a copy-on-write clone, the snapshot LSN
 * from {@code aurora_volume_logical_start_lsn()}, replication seeded by advancing the subscription's origin, and an
 * event repoint; a writer inserts the whole time, and every row it committed is on Green at the end.
 */
class AuroraUpgradeIT {

    private static final String BLUE = "aurora-orders";
    private static final String USER = "app_admin";

    @Test
    void anAuroraClusterIsUpgradedThroughTheSagaWithOriginAdvanceSeeding() throws Exception {
        String password = LocalStack.generatedMasterPassword();
        try (LocalStack stack = LocalStack.start(USER, password);
             HttpClient http = HttpClient.create(stack.coordinatorAs(stack.apiUser()))) {
            stack.rds().createDBCluster(r -> r.dbClusterIdentifier(BLUE).engine("aurora-postgresql").engineVersion("16.15")
                    .masterUsername(USER).masterUserPassword(password));
            await().atMost(Duration.ofMinutes(2)).until(() -> "available".equals(cluster(stack).status()));
            stack.rds().createDBInstance(r -> r.dbClusterIdentifier(BLUE).dbInstanceIdentifier(BLUE + "-1")
                    .dbInstanceClass("db.r6g.large").engine("aurora-postgresql"));
            await().atMost(Duration.ofMinutes(2)).until(() -> "available".equals(stack.rds()
                    .describeDBInstances(r -> r.dbInstanceIdentifier(BLUE + "-1")).dbInstances().get(0).dbInstanceStatus()));
            DBCluster blue = cluster(stack);
            String blueUrl = "jdbc:postgresql://" + blue.endpoint() + ":" + blue.port() + "/";
            execute(blueUrl + "postgres", USER, password, "CREATE DATABASE app");
            execute(blueUrl + "app", USER, password,
                    "CREATE TABLE orders (id bigserial PRIMARY KEY, note text NOT NULL)",
                    "INSERT INTO orders (note) SELECT 'order ' || g FROM generate_series(1, 2000) g");

            AtomicBoolean writing = new AtomicBoolean(true);
            AtomicLong committed = new AtomicLong();
            Thread writer = new Thread(() -> write(blueUrl + "app", password, writing, committed), "aurora-writer");
            writer.start();

            Map<String, Object> plan = new LinkedHashMap<>();
            plan.put("blue", Map.of("identifier", BLUE, "region", LocalStack.REGION, "engine", "aurora-postgresql",
                    "host", blue.endpoint(), "port", blue.port(), "credentialsRef", LocalStack.CREDENTIALS_REF));
            plan.put("targetVersion", "17.11");
            plan.put("allowBlueReboot", true); // Blue's default group has logical replication off
            plan.put("databases", List.of("app"));
            plan.put("seedMethod", "origin_advance");
            plan.put("repoint", "event");
            plan.put("switchoverMode", "automatic");
            plan.put("lagThresholdBytes", 1024 * 1024);
            plan.put("holdDurationMs", 1000);
            String id = (String) http.toBlocking().retrieve(HttpRequest.POST("/upgrades", plan), Map.class).get("upgradeId");

            await("the Aurora upgrade completes").atMost(Duration.ofMinutes(5)).pollInterval(Duration.ofMillis(500))
                    .until(() -> {
                        String phase = String.valueOf(view(http, id).get("phase"));
                        if (phase.equals("FAILED") || phase.equals("ROLLED_BACK")) {
                            throw new AssertionError("stopped in " + phase + ": " + view(http, id).get("lastFailure"));
                        }
                        return phase.equals("COMPLETED");
                    });
            writing.set(false);
            writer.join(10_000);

            Map<?, ?> done = view(http, id);
            assertEquals("AURORA_FUNCTION", done.get("snapshotLsnMethod"), "the LSN came from aurora_volume_logical_start_lsn()");
            List<Map> events = http.toBlocking().retrieve(HttpRequest.GET("/upgrades/" + id + "/events"),
                    Argument.listOf(Map.class));
            assertTrue(events.stream().anyMatch(e -> String.valueOf(e.get("detail")).contains("AdvanceOrigin")),
                    "replication was seeded by advancing the subscription's origin: " + events);
            assertTrue(events.stream().noneMatch(e -> String.valueOf(e.get("detail")).contains("AdvanceSlot")),
                    "Blue's slot was not advanced");
            assertTrue(events.stream().anyMatch(e -> String.valueOf(e.get("detail")).contains("CloneCluster")), "cloned");
            Map<?, ?> writerEndpoint = (Map<?, ?>) done.get("writer");
            String greenUrl = "jdbc:postgresql://" + writerEndpoint.get("host") + ":" + writerEndpoint.get("port") + "/app";
            assertTrue(query(greenUrl, password, "SHOW server_version").startsWith("17."), "Green runs 17");
            long expected = 2000 + committed.get();
            assertTrue(committed.get() > 0, "the application wrote during the upgrade");
            assertEquals(expected, Long.parseLong(query(greenUrl, password, "SELECT count(*) FROM orders")),
                    "every committed row is on Green");
        }
    }

    private static DBCluster cluster(LocalStack stack) {
        return stack.rds().describeDBClusters(r -> r.dbClusterIdentifier(BLUE)).dbClusters().get(0);
    }

    private static Map<?, ?> view(HttpClient http, String id) {
        return http.toBlocking().retrieve(HttpRequest.GET("/upgrades/" + id), Map.class);
    }

    /** Inserts into Blue until the fence refuses it, then stops: what it committed must be on Green. */
    private static void write(String url, String password, AtomicBoolean writing, AtomicLong committed) {
        try (Connection c = DriverManager.getConnection(url, USER, password);
             PreparedStatement insert = c.prepareStatement("INSERT INTO orders (note) VALUES ('during the upgrade')")) {
            while (writing.get()) {
                insert.executeUpdate();
                committed.incrementAndGet();
                java.util.concurrent.locks.LockSupport.parkNanos(Duration.ofMillis(20).toNanos());
            }
        } catch (SQLException fencedOrGone) {
            // Blue is fenced at the switchover: from then on the application writes to Green
        }
    }

    private static void execute(String url, String user, String password, String... statements) throws SQLException {
        try (Connection c = DriverManager.getConnection(url, user, password); Statement s = c.createStatement()) {
            for (String statement : statements) {
                s.execute(statement);
            }
        }
    }

    private static String query(String url, String password, String sql) throws SQLException {
        try (Connection c = DriverManager.getConnection(url, USER, password); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getString(1);
        }
    }
}
