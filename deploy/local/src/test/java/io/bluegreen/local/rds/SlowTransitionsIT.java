package io.bluegreen.local.rds;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.rds.RdsClient;
import software.amazon.awssdk.services.rds.model.DbInstanceNotFoundException;
import software.amazon.awssdk.services.rds.model.RdsException;
import software.amazon.awssdk.services.rds.waiters.RdsWaiter;

import java.time.Duration;
import java.util.concurrent.Callable;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A test can hold the resource an action touches in its transitional status for a given time, per action and for a
 * number of calls; Describe* answers that status meanwhile, and the next calls are quick again.
 */
class SlowTransitionsIT {

    private static final Duration SLOW = Duration.ofSeconds(3);
    private static final Duration HELD = Duration.ofMillis(2500);
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
    void eachSlowedActionHoldsItsTransitionalStatusAndOnlyForTheCallsAskedFor() {
        emulator.faults().slowTransition("CreateDBInstance", SLOW, 1);
        rds.createDBInstance(r -> r.dbInstanceIdentifier("slow").engine("postgres").engineVersion("16.4")
                .dbInstanceClass("db.t3.micro").allocatedStorage(20).masterUsername(Rds.MASTER).masterUserPassword(Rds.PASSWORD));
        holds("creating", () -> status("slow"));
        waiter.waitUntilDBInstanceAvailable(r -> r.dbInstanceIdentifier("slow"));
        assertEquals(1, emulator.faults().slowTransitionsUsed("CreateDBInstance"));

        emulator.faults().slowTransition("ModifyDBInstance", SLOW, 2);
        RdsException refused = assertThrows(RdsException.class, () -> rds.modifyDBInstance(r -> r.dbInstanceIdentifier("slow")
                .monitoringInterval(60).applyImmediately(true)));
        assertEquals("InvalidParameterCombination", refused.awsErrorDetails().errorCode());
        assertEquals(0, emulator.faults().slowTransitionsUsed("ModifyDBInstance"), "a refused call uses none up");
        for (int call = 1; call <= 2; call++) {
            rds.modifyDBInstance(r -> r.dbInstanceIdentifier("slow").backupRetentionPeriod(3).applyImmediately(true));
            holds("modifying", () -> status("slow"));
            waiter.waitUntilDBInstanceAvailable(r -> r.dbInstanceIdentifier("slow"));
        }
        assertEquals(2, emulator.faults().slowTransitionsUsed("ModifyDBInstance"));
        long began = System.nanoTime();
        rds.modifyDBInstance(r -> r.dbInstanceIdentifier("slow").backupRetentionPeriod(4).applyImmediately(true));
        waiter.waitUntilDBInstanceAvailable(r -> r.dbInstanceIdentifier("slow"));
        assertTrue(Duration.ofNanos(System.nanoTime() - began).compareTo(HELD) < 0, "the third modify is quick again");

        emulator.faults().slowTransition("CreateDBSnapshot", SLOW, 1);
        rds.createDBSnapshot(r -> r.dbInstanceIdentifier("slow").dbSnapshotIdentifier("slow-snap"));
        holds("creating|backing-up", () -> rds.describeDBSnapshots(r -> r.dbSnapshotIdentifier("slow-snap")).dbSnapshots()
                .get(0).status() + "|" + status("slow"));
        waiter.waitUntilDBSnapshotAvailable(r -> r.dbSnapshotIdentifier("slow-snap"));
        assertEquals("available", status("slow"), "the instance is available again once its snapshot is");

        emulator.faults().slowTransition("RestoreDBInstanceFromDBSnapshot", SLOW, 1);
        rds.restoreDBInstanceFromDBSnapshot(r -> r.dbSnapshotIdentifier("slow-snap").dbInstanceIdentifier("slow-copy"));
        holds("creating", () -> status("slow-copy"));
        waiter.waitUntilDBInstanceAvailable(r -> r.dbInstanceIdentifier("slow-copy"));

        emulator.faults().slowTransition("RebootDBInstance", SLOW, 1);
        rds.rebootDBInstance(r -> r.dbInstanceIdentifier("slow-copy"));
        holds("rebooting", () -> status("slow-copy"));
        waiter.waitUntilDBInstanceAvailable(r -> r.dbInstanceIdentifier("slow-copy"));

        emulator.faults().slowTransition("DeleteDBInstance", SLOW, 1);
        rds.deleteDBInstance(r -> r.dbInstanceIdentifier("slow-copy").skipFinalSnapshot(true));
        holds("deleting", () -> status("slow-copy"));
        waiter.waitUntilDBInstanceDeleted(r -> r.dbInstanceIdentifier("slow-copy"));
        assertThrows(DbInstanceNotFoundException.class, () -> status("slow-copy"));
    }

    @Test
    void aSlowedClusterTransitionShowsOnTheCluster() {
        rds.createDBCluster(r -> r.dbClusterIdentifier("slow-cluster").engine("aurora-postgresql").engineVersion("17.2")
                .masterUsername(Rds.MASTER).masterUserPassword(Rds.PASSWORD));
        waiter.waitUntilDBClusterAvailable(r -> r.dbClusterIdentifier("slow-cluster"));
        emulator.faults().slowTransition("RestoreDBClusterToPointInTime", SLOW, 1);
        rds.restoreDBClusterToPointInTime(r -> r.sourceDBClusterIdentifier("slow-cluster").dbClusterIdentifier("slow-clone")
                .restoreType("copy-on-write").useLatestRestorableTime(true));
        holds("creating", () -> rds.describeDBClusters(r -> r.dbClusterIdentifier("slow-clone")).dbClusters().get(0).status());
        waiter.waitUntilDBClusterAvailable(r -> r.dbClusterIdentifier("slow-clone"));
        emulator.faults().slowTransition("ModifyDBCluster", SLOW, 1);
        rds.modifyDBCluster(r -> r.dbClusterIdentifier("slow-clone").deletionProtection(true).applyImmediately(true));
        holds("modifying", () -> rds.describeDBClusters(r -> r.dbClusterIdentifier("slow-clone")).dbClusters().get(0).status());
        waiter.waitUntilDBClusterAvailable(r -> r.dbClusterIdentifier("slow-clone"));
    }

    private static String status(String instance) {
        return rds.describeDBInstances(r -> r.dbInstanceIdentifier(instance)).dbInstances().get(0).dbInstanceStatus();
    }

    /** The status is answered, unchanged, for most of the slowed transition. */
    private static void holds(String expected, Callable<String> status) {
        await().during(HELD).atMost(HELD.plusSeconds(2)).pollInterval(Duration.ofMillis(100))
                .until(status, org.hamcrest.Matchers.equalTo(expected));
    }
}
