package io.bluegreen.local.rds;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import software.amazon.awssdk.services.rds.RdsClient;
import software.amazon.awssdk.services.rds.model.ApplyMethod;
import software.amazon.awssdk.services.rds.model.DBCluster;
import software.amazon.awssdk.services.rds.model.InvalidDbClusterStateException;
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
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The Aurora path the aws-agent drives: a cluster with logical replication on, a copy-on-write clone taken while
 * a writer keeps inserting, the clone's snapshot LSN read three ways (its log, aurora_volume_logical_start_lsn(),
 * the emulator's own record), and the clone upgraded from 16 to 17.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class AuroraCloneIT {

    private static RdsEmulator emulator;
    private static RdsClient rds;
    private static RdsWaiter waiter;
    private static List<Long> cloneRows;

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
    @Order(1)
    void cloneTakenWhileAWriterInsertsEndsAtTheLoggedLsnAndHoldsExactlyTheRowsCommittedBeforeIt() throws Exception {
        rds.createDBClusterParameterGroup(r -> r.dbClusterParameterGroupName("logical-16")
                .dbParameterGroupFamily("aurora-postgresql16").description("logical replication on"));
        rds.modifyDBClusterParameterGroup(r -> r.dbClusterParameterGroupName("logical-16").parameters(Parameter.builder()
                .parameterName("rds.logical_replication").parameterValue("1").applyMethod(ApplyMethod.PENDING_REBOOT).build()));
        DBCluster creating = rds.createDBCluster(r -> r.dbClusterIdentifier("blue").engine("aurora-postgresql")
                .engineVersion("16.4").masterUsername(Rds.MASTER).masterUserPassword(Rds.PASSWORD)
                .databaseName("app").dbClusterParameterGroupName("logical-16")).dbCluster();
        assertEquals("creating", creating.status());
        rds.createDBInstance(r -> r.dbInstanceIdentifier("blue-1").dbClusterIdentifier("blue")
                .engine("aurora-postgresql").dbInstanceClass("db.r6g.large"));
        waiter.waitUntilDBClusterAvailable(r -> r.dbClusterIdentifier("blue"));
        waiter.waitUntilDBInstanceAvailable(r -> r.dbInstanceIdentifier("blue-1"));
        DBCluster blue = rds.describeDBClusters(r -> r.dbClusterIdentifier("blue")).dbClusters().get(0);
        assertEquals("127.0.0.1", blue.endpoint());
        assertEquals("127.0.0.1", blue.readerEndpoint());
        assertEquals(emulator.server("blue").port(), blue.port());
        assertEquals("16.4", blue.engineVersion());
        assertTrue(blue.dbClusterMembers().get(0).isClusterWriter());
        assertEquals("in-sync", blue.dbClusterMembers().get(0).dbClusterParameterGroupStatus());

        AtomicBoolean writing = new AtomicBoolean(true);
        AtomicLong committed = new AtomicLong();
        Thread writer;
        try (Connection b = Rds.connect(blue.endpoint(), blue.port(), "app"); Statement bs = b.createStatement()) {
            assertEquals("logical", single(bs, "SHOW wal_level"));
            bs.execute("CREATE TABLE items (id bigint PRIMARY KEY, note text NOT NULL)");
            bs.execute("CREATE PUBLICATION blue_pub FOR ALL TABLES");
            bs.execute("SELECT pg_create_logical_replication_slot('blue_slot', 'pgoutput')");
            bs.execute("SELECT pg_create_logical_replication_slot('audit_slot', 'test_decoding')");
            writer = new Thread(() -> {
                try (Connection w = Rds.connect(blue.endpoint(), blue.port(), "app");
                     var insert = w.prepareStatement("INSERT INTO items VALUES (?, 'row ' || ?)")) {
                    for (long id = 1; writing.get(); id++) {
                        insert.setLong(1, id);
                        insert.setLong(2, id);
                        insert.executeUpdate();
                        committed.set(id);
                    }
                } catch (SQLException e) {
                    throw new IllegalStateException(e);
                }
            }, "writer");
            writer.start();
            await().atMost(Duration.ofSeconds(30)).until(() -> committed.get() >= 200);

            DBCluster cloning = rds.restoreDBClusterToPointInTime(r -> r.sourceDBClusterIdentifier("blue")
                    .dbClusterIdentifier("green").restoreType("copy-on-write").useLatestRestorableTime(true)
                    .dbClusterParameterGroupName("logical-16")).dbCluster();
            assertEquals("creating", cloning.status());
            long atCloneRequest = committed.get();
            waiter.waitUntilDBClusterAvailable(r -> r.dbClusterIdentifier("green"));
            long atCloneDone = committed.get();
            await().atMost(Duration.ofSeconds(30)).until(() -> committed.get() > atCloneDone + 100);
            writing.set(false);
            writer.join();
            assertTrue(atCloneDone > atCloneRequest, "the writer kept committing while the clone was taken");

            rds.createDBInstance(r -> r.dbInstanceIdentifier("green-1").dbClusterIdentifier("green")
                    .engine("aurora-postgresql").dbInstanceClass("db.r6g.large"));
            waiter.waitUntilDBInstanceAvailable(r -> r.dbInstanceIdentifier("green-1"));
            DBCluster green = rds.describeDBClusters(r -> r.dbClusterIdentifier("green")).dbClusters().get(0);
            assertEquals("blue", green.cloneGroupId());
            assertTrue(green.port() != blue.port(), "the clone is a server of its own");

            String log = Rds.downloadLog(rds, "green-1", 10, new ArrayList<>());
            String logLsn = Rds.endOfWal(log);
            assertTrue(log.contains("redo done at"), log);
            cloneRows = new ArrayList<>();
            try (Connection g = Rds.connect(green.endpoint(), green.port(), "app"); Statement gs = g.createStatement()) {
                assertEquals(logLsn, single(gs, "SELECT aurora_volume_logical_start_lsn()"));
                assertEquals(logLsn, emulator.knownSnapshotLsn("green"));
                try (ResultSet rs = gs.executeQuery("SELECT id FROM items ORDER BY id")) {
                    while (rs.next()) {
                        cloneRows.add(rs.getLong(1));
                    }
                }
                assertEquals("blue_slot", single(gs, "SELECT string_agg(slot_name, ',' ORDER BY slot_name)"
                        + " FROM pg_replication_slots WHERE slot_name = 'blue_slot'"), "AWS keeps the cloned slots");
            }

            // the rows of exactly the transactions whose commit record ends at or before the LSN
            List<Long> committedBefore = new ArrayList<>();
            // a join on bigint, which PostgreSQL hashes: an IN over the CTE was rescanned per change once the writer's
            // transactions outgrew work_mem, minutes on an idle machine
            try (ResultSet rs = bs.executeQuery("WITH changes AS (SELECT lsn, xid::text::bigint AS xid, data FROM"
                    + " pg_logical_slot_peek_changes('audit_slot', '" + logLsn + "', NULL)),"
                    + " committed AS (SELECT DISTINCT xid FROM changes WHERE data LIKE 'COMMIT%' AND lsn <= '" + logLsn
                    + "'::pg_lsn) SELECT substring(c.data FROM 'id\\[bigint\\]:(\\d+)')::bigint FROM changes c"
                    + " JOIN committed k ON k.xid = c.xid WHERE c.data LIKE 'table public.items: INSERT:%' ORDER BY 1")) {
                while (rs.next()) {
                    committedBefore.add(rs.getLong(1));
                }
            }
            assertTrue(cloneRows.size() >= atCloneRequest, "the clone holds the rows committed before it was asked for");
            assertTrue(cloneRows.size() < committed.get(), "rows committed after the copy are not in it");
            assertTrue(committedBefore.equals(cloneRows), "the clone holds " + summary(cloneRows)
                    + ", the source committed " + summary(committedBefore) + " before " + logLsn);
            bs.execute("SELECT pg_drop_replication_slot('audit_slot')");
        }
    }

    @Test
    @Order(2)
    void upgradeIsRefusedWhileTheCloneHoldsSlotsAndWithoutAllowMajorVersionUpgrade() throws Exception {
        InvalidDbClusterStateException slots = assertThrows(InvalidDbClusterStateException.class,
                () -> rds.modifyDBCluster(r -> r.dbClusterIdentifier("green").engineVersion("17.2")
                        .allowMajorVersionUpgrade(true).applyImmediately(true)));
        assertTrue(slots.getMessage().contains("blue_slot"), slots.getMessage());

        try (Connection g = Rds.connect("127.0.0.1", emulator.server("green").port(), "app"); Statement gs = g.createStatement()) {
            gs.execute("SELECT pg_drop_replication_slot(slot_name) FROM pg_replication_slots");
            gs.execute("DROP PUBLICATION blue_pub");
        }
        RdsException withoutFlag = assertThrows(RdsException.class, () -> rds.modifyDBCluster(r -> r
                .dbClusterIdentifier("green").engineVersion("17.2").applyImmediately(true)));
        assertEquals("InvalidParameterCombination", withoutFlag.awsErrorDetails().errorCode());
        assertEquals(400, withoutFlag.statusCode());
    }

    @Test
    @Order(3)
    void theClonedClusterUpgradedTo17ReportsEngine17AndStillHoldsTheClonesRows() throws Exception {
        int port = emulator.server("green").port();
        DBCluster upgrading = rds.modifyDBCluster(r -> r.dbClusterIdentifier("green").engineVersion("17.2")
                .allowMajorVersionUpgrade(true).applyImmediately(true)
                .dbClusterParameterGroupName("default.aurora-postgresql17")).dbCluster();
        assertEquals("upgrading", upgrading.status());
        waiter.waitUntilDBClusterAvailable(r -> r.dbClusterIdentifier("green"));
        DBCluster green = rds.describeDBClusters(r -> r.dbClusterIdentifier("green")).dbClusters().get(0);
        assertEquals("17.2", green.engineVersion());
        assertEquals("default.aurora-postgresql17", green.dbClusterParameterGroup());
        assertEquals(port, green.port(), "the endpoint survives the upgrade");
        assertEquals(17, emulator.server("green").major());
        try (Connection g = Rds.connect(green.endpoint(), green.port(), "app"); Statement gs = g.createStatement()) {
            assertTrue(single(gs, "SHOW server_version").startsWith("17."));
            List<Long> rows = new ArrayList<>();
            try (ResultSet rs = gs.executeQuery("SELECT id FROM items ORDER BY id")) {
                while (rs.next()) {
                    rows.add(rs.getLong(1));
                }
            }
            assertTrue(cloneRows.equals(rows), "the upgraded clone holds " + summary(rows) + ", the clone held "
                    + summary(cloneRows));
            assertEquals("items_pkey", single(gs, "SELECT conname FROM pg_constraint WHERE conrelid = 'items'::regclass"));
        }
        try (Connection b = Rds.connect("127.0.0.1", emulator.server("blue").port(), "app"); Statement bs = b.createStatement()) {
            assertTrue(single(bs, "SHOW server_version").startsWith("16."), "Blue is untouched");
        }
    }

    private static String summary(List<Long> ids) {
        return ids == null ? "nothing" : ids.isEmpty() ? "no rows" : ids.size() + " rows (" + ids.get(0) + ".."
                + ids.get(ids.size() - 1) + ")";
    }

    private static String single(Statement statement, String sql) throws SQLException {
        try (ResultSet rs = statement.executeQuery(sql)) {
            assertTrue(rs.next(), sql);
            return rs.getString(1);
        }
    }
}
