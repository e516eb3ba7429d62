package io.bluegreen.local.rds;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.rds.RdsClient;
import software.amazon.awssdk.services.rds.model.DBClusterSnapshot;
import software.amazon.awssdk.services.rds.model.DBInstance;
import software.amazon.awssdk.services.rds.model.DBSnapshot;
import software.amazon.awssdk.services.rds.model.DbClusterNotFoundException;
import software.amazon.awssdk.services.rds.model.DbClusterSnapshotAlreadyExistsException;
import software.amazon.awssdk.services.rds.model.DbInstanceNotFoundException;
import software.amazon.awssdk.services.rds.model.DbSnapshotAlreadyExistsException;
import software.amazon.awssdk.services.rds.model.RdsException;
import software.amazon.awssdk.services.rds.waiters.RdsWaiter;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.Map;

import static io.bluegreen.local.rds.BlueSettingsIT.tag;
import static io.bluegreen.local.rds.BlueSettingsIT.tags;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Deletion as AWS does it: deletion protection refuses, a final snapshot is required unless skipped, is taken
 * before the resource goes and can be restored; an existing snapshot identifier is refused.
 */
class DeletionIT {

    private static RdsEmulator emulator;
    private static RdsClient rds;
    private static RdsWaiter waiter;

    @BeforeAll
    static void start() {
        emulator = RdsEmulator.builder().transitionDelay(Duration.ofMillis(200)).start();
        rds = Rds.client(emulator);
        waiter = Rds.waiter(rds);
    }

    @AfterAll
    static void stop() {
        rds.close();
        emulator.close();
    }

    @Test
    void aProtectedInstanceIsKeptAndAnUnprotectedOneLeavesARestorableFinalSnapshot() throws Exception {
        rds.createDBInstance(r -> r.dbInstanceIdentifier("ledger").engine("postgres").engineVersion("16.4")
                .dbInstanceClass("db.t3.micro").allocatedStorage(20).masterUsername(Rds.MASTER)
                .masterUserPassword(Rds.PASSWORD).deletionProtection(true).tags(tag("team", "payments"))
                .copyTagsToSnapshot(true));
        DBInstance ledger = waiter.waitUntilDBInstanceAvailable(r -> r.dbInstanceIdentifier("ledger")).matched()
                .response().orElseThrow().dbInstances().get(0);
        try (Connection c = Rds.connect("127.0.0.1", ledger.endpoint().port(), "postgres"); Statement s = c.createStatement()) {
            s.execute("CREATE TABLE entries (id int PRIMARY KEY)");
            s.execute("INSERT INTO entries SELECT generate_series(1, 300)");
        }
        RdsException protectedOne = assertThrows(RdsException.class, () -> rds.deleteDBInstance(r -> r
                .dbInstanceIdentifier("ledger").skipFinalSnapshot(true)));
        assertEquals("InvalidParameterCombination", protectedOne.awsErrorDetails().errorCode());
        assertEquals("Cannot delete protected DB Instance, please disable deletion protection and try again.",
                protectedOne.awsErrorDetails().errorMessage());
        assertEquals("available", rds.describeDBInstances(r -> r.dbInstanceIdentifier("ledger")).dbInstances().get(0)
                .dbInstanceStatus());

        rds.modifyDBInstance(r -> r.dbInstanceIdentifier("ledger").deletionProtection(false)
                .newDBInstanceIdentifier("ledger-old").applyImmediately(true));
        DBInstance renamed = waiter.waitUntilDBInstanceAvailable(r -> r.dbInstanceIdentifier("ledger-old")).matched()
                .response().orElseThrow().dbInstances().get(0);
        assertEquals(Map.of("team", "payments"), tags(renamed.tagList()), "a renamed instance keeps its settings");
        assertTrue(renamed.copyTagsToSnapshot());

        RdsException noIdentifier = assertThrows(RdsException.class, () -> rds.deleteDBInstance(r -> r
                .dbInstanceIdentifier("ledger-old")));
        assertEquals("InvalidParameterCombination", noIdentifier.awsErrorDetails().errorCode());
        rds.createDBSnapshot(r -> r.dbInstanceIdentifier("ledger-old").dbSnapshotIdentifier("ledger-manual"));
        waiter.waitUntilDBSnapshotAvailable(r -> r.dbSnapshotIdentifier("ledger-manual"));
        assertThrows(DbSnapshotAlreadyExistsException.class, () -> rds.deleteDBInstance(r -> r
                .dbInstanceIdentifier("ledger-old").finalDBSnapshotIdentifier("ledger-manual")));

        assertEquals("deleting", rds.deleteDBInstance(r -> r.dbInstanceIdentifier("ledger-old")
                .finalDBSnapshotIdentifier("ledger-final")).dbInstance().dbInstanceStatus());
        waiter.waitUntilDBInstanceDeleted(r -> r.dbInstanceIdentifier("ledger-old"));
        assertThrows(DbInstanceNotFoundException.class, () -> rds.describeDBInstances(r -> r.dbInstanceIdentifier("ledger-old")));
        DBSnapshot last = rds.describeDBSnapshots(r -> r.dbSnapshotIdentifier("ledger-final")).dbSnapshots().get(0);
        assertEquals("available", last.status(), "the final snapshot is complete when the instance is gone");
        assertEquals("ledger-old", last.dbInstanceIdentifier());
        assertEquals(Map.of("team", "payments"), tags(last.tagList()), "CopyTagsToSnapshot holds for the final snapshot");

        rds.restoreDBInstanceFromDBSnapshot(r -> r.dbSnapshotIdentifier("ledger-final").dbInstanceIdentifier("ledger"));
        DBInstance restored = waiter.waitUntilDBInstanceAvailable(r -> r.dbInstanceIdentifier("ledger")).matched()
                .response().orElseThrow().dbInstances().get(0);
        assertEquals("300", count(restored.endpoint().port(), "postgres", "entries"));
    }

    @Test
    void aProtectedClusterIsKeptAndAnUnprotectedOneLeavesARestorableFinalClusterSnapshot() throws Exception {
        rds.createDBCluster(r -> r.dbClusterIdentifier("books").engine("aurora-postgresql").engineVersion("17.2")
                .masterUsername(Rds.MASTER).masterUserPassword(Rds.PASSWORD).databaseName("books").deletionProtection(true));
        rds.createDBInstance(r -> r.dbInstanceIdentifier("books-1").dbClusterIdentifier("books")
                .engine("aurora-postgresql").dbInstanceClass("db.r6g.large"));
        waiter.waitUntilDBInstanceAvailable(r -> r.dbInstanceIdentifier("books-1"));
        int port = waiter.waitUntilDBClusterAvailable(r -> r.dbClusterIdentifier("books")).matched().response()
                .orElseThrow().dbClusters().get(0).port();
        try (Connection c = Rds.connect("127.0.0.1", port, "books"); Statement s = c.createStatement()) {
            s.execute("CREATE TABLE pages (id int PRIMARY KEY)");
            s.execute("INSERT INTO pages SELECT generate_series(1, 42)");
        }
        rds.deleteDBInstance(r -> r.dbInstanceIdentifier("books-1"));
        waiter.waitUntilDBInstanceDeleted(r -> r.dbInstanceIdentifier("books-1"));

        RdsException protectedOne = assertThrows(RdsException.class, () -> rds.deleteDBCluster(r -> r
                .dbClusterIdentifier("books").skipFinalSnapshot(true)));
        assertEquals("InvalidParameterCombination", protectedOne.awsErrorDetails().errorCode());
        assertEquals("Cannot delete protected Cluster, please disable deletion protection and try again.",
                protectedOne.awsErrorDetails().errorMessage());
        rds.modifyDBCluster(r -> r.dbClusterIdentifier("books").deletionProtection(false).applyImmediately(true));
        waiter.waitUntilDBClusterAvailable(r -> r.dbClusterIdentifier("books"));

        assertEquals("InvalidParameterCombination", assertThrows(RdsException.class, () -> rds.deleteDBCluster(r -> r
                .dbClusterIdentifier("books"))).awsErrorDetails().errorCode());
        rds.createDBClusterSnapshot(r -> r.dbClusterIdentifier("books").dbClusterSnapshotIdentifier("books-manual"));
        waiter.waitUntilDBClusterSnapshotAvailable(r -> r.dbClusterSnapshotIdentifier("books-manual"));
        assertThrows(DbClusterSnapshotAlreadyExistsException.class, () -> rds.deleteDBCluster(r -> r
                .dbClusterIdentifier("books").finalDBSnapshotIdentifier("books-manual")));

        assertEquals("deleting", rds.deleteDBCluster(r -> r.dbClusterIdentifier("books")
                .finalDBSnapshotIdentifier("books-final")).dbCluster().status());
        waiter.waitUntilDBClusterDeleted(r -> r.dbClusterIdentifier("books"));
        assertThrows(DbClusterNotFoundException.class, () -> rds.describeDBClusters(r -> r.dbClusterIdentifier("books")));
        DBClusterSnapshot last = rds.describeDBClusterSnapshots(r -> r.dbClusterSnapshotIdentifier("books-final"))
                .dbClusterSnapshots().get(0);
        assertEquals("available", last.status());
        assertEquals("17.2", last.engineVersion());

        rds.restoreDBClusterFromSnapshot(r -> r.snapshotIdentifier("books-final").dbClusterIdentifier("books")
                .engine("aurora-postgresql"));
        int restoredPort = waiter.waitUntilDBClusterAvailable(r -> r.dbClusterIdentifier("books")).matched().response()
                .orElseThrow().dbClusters().get(0).port();
        assertEquals("42", count(restoredPort, "books", "pages"));
    }

    private static String count(int port, String database, String table) throws Exception {
        try (Connection c = Rds.connect("127.0.0.1", port, database); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT count(*) FROM " + table)) {
            assertTrue(rs.next());
            return rs.getString(1);
        }
    }
}
