package io.bluegreen.local.rds;

import io.bluegreen.local.postgres.LocalPostgres;
import io.bluegreen.local.support.Directories;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.rds.RdsClient;
import software.amazon.awssdk.services.rds.model.DBInstance;
import software.amazon.awssdk.services.rds.model.DbClusterAlreadyExistsException;
import software.amazon.awssdk.services.rds.model.DbClusterNotFoundException;
import software.amazon.awssdk.services.rds.model.DbClusterParameterGroupNotFoundException;
import software.amazon.awssdk.services.rds.model.DbClusterSnapshotNotFoundException;
import software.amazon.awssdk.services.rds.model.DbInstanceAlreadyExistsException;
import software.amazon.awssdk.services.rds.model.DbInstanceNotFoundException;
import software.amazon.awssdk.services.rds.model.DbLogFileNotFoundException;
import software.amazon.awssdk.services.rds.model.DbParameterGroupNotFoundException;
import software.amazon.awssdk.services.rds.model.DbSnapshotNotFoundException;
import software.amazon.awssdk.services.rds.model.InvalidDbClusterStateException;
import software.amazon.awssdk.services.rds.model.InvalidDbInstanceStateException;
import software.amazon.awssdk.services.rds.model.RdsException;
import software.amazon.awssdk.services.rds.waiters.RdsWaiter;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.Set;
import java.util.function.Consumer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Bad input answers what AWS answers; state survives a restart; close() leaves no PostgreSQL behind. */
class ErrorsAndLifecycleIT {

    @Test
    void everyErrorCaseMapsToTheSdksTypedExceptionAndStateSurvivesARestart() throws Exception {
        Path state = Files.createTempDirectory("bluegreen-rds-state-");
        Set<LocalPostgres> firstRunServers;
        int port;
        try (RdsEmulator emulator = RdsEmulator.builder().stateDirectory(state).transitionDelay(Duration.ofMillis(500)).start();
             RdsClient rds = Rds.client(emulator)) {
            RdsWaiter waiter = Rds.waiter(rds);
            assertThrows(DbClusterNotFoundException.class, () -> rds.describeDBClusters(r -> r.dbClusterIdentifier("nope")));
            assertThrows(DbInstanceNotFoundException.class, () -> rds.describeDBInstances(r -> r.dbInstanceIdentifier("nope")));
            assertThrows(DbSnapshotNotFoundException.class, () -> rds.describeDBSnapshots(r -> r.dbSnapshotIdentifier("nope")));
            assertThrows(DbClusterSnapshotNotFoundException.class,
                    () -> rds.describeDBClusterSnapshots(r -> r.dbClusterSnapshotIdentifier("nope")));
            assertThrows(DbSnapshotNotFoundException.class, () -> rds.restoreDBInstanceFromDBSnapshot(r -> r
                    .dbSnapshotIdentifier("nope").dbInstanceIdentifier("x").dbInstanceClass("db.t3.micro")));
            assertThrows(DbClusterNotFoundException.class, () -> rds.restoreDBClusterToPointInTime(r -> r
                    .sourceDBClusterIdentifier("nope").dbClusterIdentifier("x").restoreType("copy-on-write")
                    .useLatestRestorableTime(true)));
            assertThrows(DbParameterGroupNotFoundException.class,
                    () -> rds.describeDBParameters(r -> r.dbParameterGroupName("nope")));
            assertThrows(DbClusterParameterGroupNotFoundException.class,
                    () -> rds.describeDBClusterParameters(r -> r.dbClusterParameterGroupName("nope")));
            assertCode("InvalidParameterValue", () -> rds.describeDBClusters(r -> r.dbClusterIdentifier("1-bad")));
            assertCode("InvalidParameterValue", () -> rds.createDBCluster(r -> r.dbClusterIdentifier("c")
                    .engine("mysql").masterUsername(Rds.MASTER).masterUserPassword(Rds.PASSWORD)));
            assertCode("InvalidParameterValue", () -> rds.createDBCluster(r -> r.dbClusterIdentifier("c")
                    .engine("aurora-postgresql").masterUsername(Rds.MASTER).masterUserPassword("short")));
            assertCode("InvalidParameterCombination", () -> rds.createDBCluster(r -> r.dbClusterIdentifier("c")
                    .engine("aurora-postgresql").engineVersion("15.4").masterUsername(Rds.MASTER).masterUserPassword(Rds.PASSWORD)));
            assertCode("InvalidParameterCombination", () -> rds.createDBInstance(r -> r.dbInstanceIdentifier("i")
                    .engine("postgres").engineVersion("17.99").dbInstanceClass("db.t3.medium").allocatedStorage(20)
                    .masterUsername(Rds.MASTER).masterUserPassword(Rds.PASSWORD)));
            var listed = rds.describeDBEngineVersions(r -> r.engine("postgres").engineVersion("16.4")).dbEngineVersions();
            assertEquals(1, listed.size(), "one listing for postgres 16.4");
            assertEquals("postgres16", listed.get(0).dbParameterGroupFamily());
            var targets = listed.get(0).validUpgradeTarget();
            assertTrue(targets.stream().anyMatch(t -> t.engineVersion().equals("17.2") && t.isMajorVersionUpgrade()),
                    "16.4 may go to 17.2, a major upgrade: " + targets);
            assertTrue(targets.stream().anyMatch(t -> t.engineVersion().equals("16.5") && !t.isMajorVersionUpgrade()));
            assertTrue(targets.stream().noneMatch(t -> t.engineVersion().equals("16.3") || t.engineVersion().equals("17.99")));
            assertTrue(rds.describeDBEngineVersions(r -> r.engine("postgres").engineVersion("17.99")).dbEngineVersions()
                    .isEmpty(), "an unknown version is not listed");
            assertEquals("aurora-postgresql17", rds.describeDBEngineVersions(r -> r.engine("aurora-postgresql")
                    .engineVersion("17.2")).dbEngineVersions().get(0).dbParameterGroupFamily());
            assertCode("MissingParameter", () -> rds.createDBCluster(r -> r.dbClusterIdentifier("c")
                    .engine("aurora-postgresql").masterUserPassword(Rds.PASSWORD)));
            assertCode("MissingParameter", () -> rds.createDBInstance(r -> r.dbInstanceIdentifier("i").engine("postgres")
                    .masterUsername(Rds.MASTER).masterUserPassword(Rds.PASSWORD)));

            rds.createDBCluster(r -> r.dbClusterIdentifier("app").engine("aurora-postgresql").engineVersion("17.2")
                    .masterUsername(Rds.MASTER).masterUserPassword(Rds.PASSWORD));
            assertThrows(DbClusterAlreadyExistsException.class, () -> rds.createDBCluster(r -> r.dbClusterIdentifier("APP")
                    .engine("aurora-postgresql").masterUsername(Rds.MASTER).masterUserPassword(Rds.PASSWORD)));
            assertThrows(InvalidDbClusterStateException.class, () -> rds.modifyDBCluster(r -> r.dbClusterIdentifier("app")
                    .dbClusterParameterGroupName("default.aurora-postgresql17")), "a creating cluster cannot be modified");
            rds.createDBInstance(r -> r.dbInstanceIdentifier("app-1").dbClusterIdentifier("app").engine("aurora-postgresql")
                    .dbInstanceClass("db.r6g.large"));
            assertThrows(DbInstanceAlreadyExistsException.class, () -> rds.createDBInstance(r -> r.dbInstanceIdentifier("app-1")
                    .dbClusterIdentifier("app").engine("aurora-postgresql").dbInstanceClass("db.r6g.large")));
            assertThrows(InvalidDbInstanceStateException.class, () -> rds.rebootDBInstance(r -> r.dbInstanceIdentifier("app-1")),
                    "a creating instance cannot be rebooted");
            DBInstance app1 = waiter.waitUntilDBInstanceAvailable(r -> r.dbInstanceIdentifier("app-1")).matched()
                    .response().orElseThrow().dbInstances().get(0);
            waiter.waitUntilDBClusterAvailable(r -> r.dbClusterIdentifier("app"));
            assertThrows(InvalidDbClusterStateException.class, () -> rds.deleteDBCluster(r -> r.dbClusterIdentifier("app")
                    .skipFinalSnapshot(true)), "a cluster with instances cannot be deleted");
            assertThrows(DbLogFileNotFoundException.class, () -> rds.downloadDBLogFilePortion(r -> r
                    .dbInstanceIdentifier("app-1").logFileName("error/nope.log").marker("0")));
            assertCode("InvalidParameterCombination", () -> rds.modifyDBCluster(r -> r.dbClusterIdentifier("app")
                    .engineVersion("16.4").allowMajorVersionUpgrade(true)));

            HttpResponse<String> unknown = HttpClient.newHttpClient().send(HttpRequest.newBuilder(emulator.endpoint())
                    .header("Content-Type", "application/x-www-form-urlencoded")
                    .POST(HttpRequest.BodyPublishers.ofString("Action=LaunchRockets&Version=2014-10-31")).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertEquals(400, unknown.statusCode());
            assertTrue(unknown.body().contains("<Code>InvalidAction</Code>"), unknown.body());

            port = app1.endpoint().port();
            try (Connection c = Rds.connect("127.0.0.1", port, "postgres"); Statement s = c.createStatement()) {
                s.execute("CREATE TABLE kept (note text)");
                s.execute("INSERT INTO kept VALUES ('before the restart')");
            }
            firstRunServers = emulator.startedServers();
        }
        assertNoPostgresLeft(firstRunServers);

        try (RdsEmulator emulator = RdsEmulator.builder().stateDirectory(state).transitionDelay(Duration.ofMillis(500)).start();
             RdsClient rds = Rds.client(emulator)) {
            RdsWaiter waiter = Rds.waiter(rds);
            DBInstance app1 = rds.describeDBInstances(r -> r.dbInstanceIdentifier("app-1")).dbInstances().get(0);
            assertEquals("available", app1.dbInstanceStatus());
            assertEquals(port, app1.endpoint().port(), "the endpoint survives the restart");
            assertEquals("17.2", rds.describeDBClusters(r -> r.dbClusterIdentifier("app")).dbClusters().get(0).engineVersion());
            try (Connection c = Rds.connect("127.0.0.1", port, "postgres"); Statement s = c.createStatement();
                 ResultSet rs = s.executeQuery("SELECT note FROM kept")) {
                assertTrue(rs.next());
                assertEquals("before the restart", rs.getString(1));
            }
            Set<LocalPostgres> secondRunServers = emulator.startedServers();
            assertEquals(1, secondRunServers.size(), "the restarted emulator runs the cluster's server again");
            firstRunServers = secondRunServers;
            assertEquals("deleting", rds.deleteDBInstance(r -> r.dbInstanceIdentifier("app-1").skipFinalSnapshot(true))
                    .dbInstance().dbInstanceStatus());
            waiter.waitUntilDBInstanceDeleted(r -> r.dbInstanceIdentifier("app-1"));
            assertEquals("deleting", rds.deleteDBCluster(r -> r.dbClusterIdentifier("app").skipFinalSnapshot(true))
                    .dbCluster().status());
            waiter.waitUntilDBClusterDeleted(r -> r.dbClusterIdentifier("app"));
            assertThrows(DbClusterNotFoundException.class, () -> rds.describeDBClusters(r -> r.dbClusterIdentifier("app")));
        } finally {
            Directories.deleteRecursively(state);
        }
        assertNoPostgresLeft(firstRunServers);
    }

    private static void assertCode(String code, org.junit.jupiter.api.function.Executable call) {
        RdsException e = assertThrows(RdsException.class, call);
        assertEquals(code, e.awsErrorDetails().errorCode(), e.getMessage());
        assertEquals(400, e.statusCode());
    }

    /** No process runs with one of these servers' data directories on its command line. */
    private static void assertNoPostgresLeft(Set<LocalPostgres> servers) {
        for (LocalPostgres server : servers) {
            String data = server.dataDirectory().toString();
            assertFalse(server.isRunning(), server + " still marked running");
            assertFalse(Files.exists(server.dataDirectory().resolve("postmaster.pid")), server + " left postmaster.pid");
            Consumer<ProcessHandle> none = p -> assertFalse(p.info().commandLine().orElse("").contains(data),
                    "process " + p.pid() + " still runs " + data);
            ProcessHandle.allProcesses().forEach(none);
        }
    }
}
