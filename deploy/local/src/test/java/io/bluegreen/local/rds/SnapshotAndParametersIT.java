package io.bluegreen.local.rds;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.rds.RdsClient;
import software.amazon.awssdk.services.rds.model.ApplyMethod;
import software.amazon.awssdk.services.rds.model.DBInstance;
import software.amazon.awssdk.services.rds.model.DownloadDbLogFilePortionResponse;
import software.amazon.awssdk.services.rds.model.Parameter;
import software.amazon.awssdk.services.rds.model.RdsException;
import software.amazon.awssdk.services.rds.waiters.RdsWaiter;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The RDS PostgreSQL path: an instance, its snapshot restored (the copy's log served page by page), and the
 * parameter group + reboot path that turns logical replication on, on an instance and on an Aurora cluster.
 */
class SnapshotAndParametersIT {

    private static RdsEmulator emulator;
    private static RdsClient rds;
    private static RdsWaiter waiter;

    @BeforeAll
    static void start() {
        emulator = RdsEmulator.builder().transitionDelay(Duration.ofMillis(300)).start();
        rds = Rds.client(emulator);
        waiter = Rds.waiter(rds);
    }

    @AfterAll
    static void stop() {
        rds.close();
        emulator.close();
    }

    @Test
    void aRestoredSnapshotHoldsTheRowsAndItsLogIsServedPageByPageWithMarkers() throws Exception {
        rds.createDBInstance(r -> r.dbInstanceIdentifier("orders").engine("postgres").engineVersion("16.4")
                .dbInstanceClass("db.t3.micro").allocatedStorage(20).masterUsername(Rds.MASTER)
                .masterUserPassword(Rds.PASSWORD).dbName("shop"));
        DBInstance orders = waiter.waitUntilDBInstanceAvailable(r -> r.dbInstanceIdentifier("orders")).matched()
                .response().orElseThrow().dbInstances().get(0);
        assertEquals("127.0.0.1", orders.endpoint().address());
        try (Connection c = Rds.connect(orders.endpoint().address(), orders.endpoint().port(), "shop");
             Statement s = c.createStatement()) {
            s.execute("CREATE TABLE orders (id int PRIMARY KEY, total numeric NOT NULL)");
            s.execute("INSERT INTO orders SELECT g, g * 1.5 FROM generate_series(1, 500) g");
        }
        assertEquals("creating", rds.createDBSnapshot(r -> r.dbInstanceIdentifier("orders").dbSnapshotIdentifier("orders-snap"))
                .dbSnapshot().status());
        waiter.waitUntilDBSnapshotAvailable(r -> r.dbSnapshotIdentifier("orders-snap"));
        try (Connection c = Rds.connect("127.0.0.1", orders.endpoint().port(), "shop"); Statement s = c.createStatement()) {
            s.execute("INSERT INTO orders VALUES (501, 1)");
        }
        rds.restoreDBInstanceFromDBSnapshot(r -> r.dbSnapshotIdentifier("orders-snap").dbInstanceIdentifier("orders-copy")
                .dbInstanceClass("db.t3.micro"));
        DBInstance copy = waiter.waitUntilDBInstanceAvailable(r -> r.dbInstanceIdentifier("orders-copy")).matched()
                .response().orElseThrow().dbInstances().get(0);
        assertEquals("16.4", copy.engineVersion());
        try (Connection c = Rds.connect(copy.endpoint().address(), copy.endpoint().port(), "shop"); Statement s = c.createStatement()) {
            assertEquals("500", single(s, "SELECT count(*) FROM orders"), "the snapshot holds the rows of its time");
        }

        List<String> pages = new ArrayList<>();
        String log = Rds.downloadLog(rds, "orders-copy", 3, pages);
        assertTrue(pages.size() > 3, "a log of more than three lines comes in several pages");
        for (String page : pages) {
            assertTrue(Rds.lines(page).size() <= 3, "a page holds at most NumberOfLines lines: " + page);
        }
        assertEquals(emulator.server("orders-copy").readLog(), log, "the pages joined are the whole log");
        assertEquals(emulator.knownSnapshotLsn("orders-copy"), Rds.endOfWal(log));

        String file = rds.describeDBLogFiles(r -> r.dbInstanceIdentifier("orders-copy")).describeDBLogFiles().get(0).logFileName();
        assertTrue(file.startsWith("error/postgresql.log."), file);
        DownloadDbLogFilePortionResponse tail = rds.downloadDBLogFilePortion(r -> r.dbInstanceIdentifier("orders-copy")
                .logFileName(file).numberOfLines(2));
        assertFalse(tail.additionalDataPending(), "without a marker the answer is the most recent lines");
        assertTrue(log.endsWith(tail.logFileData()));
        assertEquals(2, Rds.lines(tail.logFileData()).size());
    }

    @Test
    void aParameterGroupWithLogicalReplicationTakesEffectOnAnInstanceOnlyAfterTheReboot() throws Exception {
        rds.createDBInstance(r -> r.dbInstanceIdentifier("inventory").engine("postgres").engineVersion("16.4")
                .dbInstanceClass("db.t3.micro").allocatedStorage(20).masterUsername(Rds.MASTER)
                .masterUserPassword(Rds.PASSWORD));
        waiter.waitUntilDBInstanceAvailable(r -> r.dbInstanceIdentifier("inventory"));
        int port = emulator.server("inventory").port();
        assertEquals("replica", walLevel(port));

        rds.createDBParameterGroup(r -> r.dbParameterGroupName("pg16-logical").dbParameterGroupFamily("postgres16")
                .description("logical replication"));
        RdsException immediate = assertThrows(RdsException.class, () -> rds.modifyDBParameterGroup(r -> r
                .dbParameterGroupName("pg16-logical").parameters(logicalReplication(ApplyMethod.IMMEDIATE))));
        assertEquals("InvalidParameterCombination", immediate.awsErrorDetails().errorCode());
        rds.modifyDBParameterGroup(r -> r.dbParameterGroupName("pg16-logical")
                .parameters(logicalReplication(ApplyMethod.PENDING_REBOOT)));
        assertTrue(rds.describeDBParametersPaginator(r -> r.dbParameterGroupName("pg16-logical")).parameters().stream()
                .anyMatch(p -> p.parameterName().equals("rds.logical_replication") && "1".equals(p.parameterValue())));

        assertEquals("modifying", rds.modifyDBInstance(r -> r.dbInstanceIdentifier("inventory")
                .dbParameterGroupName("pg16-logical").applyImmediately(true)).dbInstance().dbInstanceStatus());
        DBInstance attached = waiter.waitUntilDBInstanceAvailable(r -> r.dbInstanceIdentifier("inventory")).matched()
                .response().orElseThrow().dbInstances().get(0);
        assertEquals("pg16-logical", attached.dbParameterGroups().get(0).dbParameterGroupName());
        assertEquals("pending-reboot", attached.dbParameterGroups().get(0).parameterApplyStatus());
        assertEquals("replica", walLevel(port), "a static parameter waits for the reboot");

        assertEquals("rebooting", rds.rebootDBInstance(r -> r.dbInstanceIdentifier("inventory")).dbInstance().dbInstanceStatus());
        DBInstance rebooted = waiter.waitUntilDBInstanceAvailable(r -> r.dbInstanceIdentifier("inventory")).matched()
                .response().orElseThrow().dbInstances().get(0);
        assertEquals("in-sync", rebooted.dbParameterGroups().get(0).parameterApplyStatus());
        assertEquals("logical", walLevel(port));
    }

    @Test
    void aClusterParameterGroupTurnsLogicalReplicationOnWhenTheWriterReboots() throws Exception {
        rds.createDBCluster(r -> r.dbClusterIdentifier("catalog").engine("aurora-postgresql").engineVersion("16.4")
                .masterUsername(Rds.MASTER).masterUserPassword(Rds.PASSWORD));
        rds.createDBInstance(r -> r.dbInstanceIdentifier("catalog-1").dbClusterIdentifier("catalog")
                .engine("aurora-postgresql").dbInstanceClass("db.r6g.large"));
        waiter.waitUntilDBInstanceAvailable(r -> r.dbInstanceIdentifier("catalog-1"));
        waiter.waitUntilDBClusterAvailable(r -> r.dbClusterIdentifier("catalog"));
        int port = emulator.server("catalog").port();
        assertEquals("replica", walLevel(port));

        rds.createDBClusterParameterGroup(r -> r.dbClusterParameterGroupName("apg16-logical")
                .dbParameterGroupFamily("aurora-postgresql16").description("logical replication"));
        rds.modifyDBClusterParameterGroup(r -> r.dbClusterParameterGroupName("apg16-logical")
                .parameters(logicalReplication(ApplyMethod.PENDING_REBOOT)));
        rds.modifyDBCluster(r -> r.dbClusterIdentifier("catalog").dbClusterParameterGroupName("apg16-logical")
                .applyImmediately(true));
        waiter.waitUntilDBClusterAvailable(r -> r.dbClusterIdentifier("catalog"));
        assertEquals("pending-reboot", rds.describeDBClusters(r -> r.dbClusterIdentifier("catalog")).dbClusters().get(0)
                .dbClusterMembers().get(0).dbClusterParameterGroupStatus());
        assertEquals("replica", walLevel(port));

        rds.rebootDBInstance(r -> r.dbInstanceIdentifier("catalog-1"));
        await().atMost(Duration.ofMinutes(2)).pollInterval(Duration.ofMillis(100)).until(() -> "in-sync".equals(
                rds.describeDBClusters(r -> r.dbClusterIdentifier("catalog")).dbClusters().get(0)
                        .dbClusterMembers().get(0).dbClusterParameterGroupStatus()));
        waiter.waitUntilDBInstanceAvailable(r -> r.dbInstanceIdentifier("catalog-1"));
        assertEquals("logical", walLevel(port));
    }

    private static Parameter logicalReplication(ApplyMethod method) {
        return Parameter.builder().parameterName("rds.logical_replication").parameterValue("1").applyMethod(method).build();
    }

    private static String walLevel(int port) throws SQLException {
        try (Connection c = Rds.connect("127.0.0.1", port, "postgres"); Statement s = c.createStatement()) {
            return single(s, "SHOW wal_level");
        }
    }

    private static String single(Statement statement, String sql) throws SQLException {
        try (ResultSet rs = statement.executeQuery(sql)) {
            assertTrue(rs.next(), sql);
            return rs.getString(1);
        }
    }
}
