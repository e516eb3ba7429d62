package io.bluegreen.local.rds;

import software.amazon.awssdk.services.rds.RdsClient;
import software.amazon.awssdk.services.rds.waiters.RdsWaiter;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * How long a clone, a snapshot restore and a 16 -> 17 upgrade take for a database of about 1 GB
 * ({@code pgbench -i -s 70} from Debian's PostgreSQL 15 tools), through the real RdsClient. Not part of
 * {@code mvn verify}; run it with the test classpath:
 * {@code java -cp target/classes:target/test-classes:$(cat cp.txt) io.bluegreen.local.rds.RdsEmulatorBenchmark [scale]}.
 */
public final class RdsEmulatorBenchmark {

    private RdsEmulatorBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        int scale = args.length > 0 ? Integer.parseInt(args[0]) : 70;
        try (RdsEmulator emulator = RdsEmulator.builder().transitionDelay(Duration.ZERO).start();
             RdsClient rds = Rds.client(emulator)) {
            RdsWaiter waiter = Rds.waiter(rds);
            rds.createDBCluster(r -> r.dbClusterIdentifier("bench").engine("aurora-postgresql").engineVersion("16.4")
                    .masterUsername(Rds.MASTER).masterUserPassword(Rds.PASSWORD).databaseName("bench"));
            waiter.waitUntilDBClusterAvailable(r -> r.dbClusterIdentifier("bench"));
            int port = emulator.server("bench").port();
            long began = System.nanoTime();
            ProcessBuilder pgbench = new ProcessBuilder(List.of("/usr/lib/postgresql/15/bin/pgbench", "-i", "-q",
                    "-s", Integer.toString(scale), "-h", "127.0.0.1", "-p", Integer.toString(port), "-U", Rds.MASTER, "bench"))
                    .inheritIO();
            pgbench.environment().putAll(Map.of("PGPASSWORD", Rds.PASSWORD));
            Process fill = pgbench.start();
            if (!fill.waitFor(30, TimeUnit.MINUTES) || fill.exitValue() != 0) {
                throw new IllegalStateException("pgbench -i failed");
            }
            String size;
            try (Connection c = Rds.connect("127.0.0.1", port, "bench"); Statement s = c.createStatement();
                 ResultSet rs = s.executeQuery("SELECT pg_size_pretty(pg_database_size('bench'))")) {
                rs.next();
                size = rs.getString(1);
            }
            report("fill (pgbench -i -s " + scale + ", " + size + ")", began);

            began = System.nanoTime();
            rds.restoreDBClusterToPointInTime(r -> r.sourceDBClusterIdentifier("bench").dbClusterIdentifier("bench-clone")
                    .restoreType("copy-on-write").useLatestRestorableTime(true));
            waiter.waitUntilDBClusterAvailable(r -> r.dbClusterIdentifier("bench-clone"));
            report("clone (RestoreDBClusterToPointInTime, copy-on-write)", began);

            began = System.nanoTime();
            rds.createDBClusterSnapshot(r -> r.dbClusterIdentifier("bench").dbClusterSnapshotIdentifier("bench-snap"));
            waiter.waitUntilDBClusterSnapshotAvailable(r -> r.dbClusterSnapshotIdentifier("bench-snap"));
            report("cluster snapshot (CreateDBClusterSnapshot)", began);

            began = System.nanoTime();
            rds.restoreDBClusterFromSnapshot(r -> r.snapshotIdentifier("bench-snap").dbClusterIdentifier("bench-restored")
                    .engine("aurora-postgresql"));
            waiter.waitUntilDBClusterAvailable(r -> r.dbClusterIdentifier("bench-restored"));
            report("snapshot restore (RestoreDBClusterFromSnapshot)", began);

            began = System.nanoTime();
            rds.modifyDBCluster(r -> r.dbClusterIdentifier("bench-clone").engineVersion("17.2")
                    .allowMajorVersionUpgrade(true).applyImmediately(true));
            waiter.waitUntilDBClusterAvailable(r -> r.dbClusterIdentifier("bench-clone"));
            report("upgrade 16 -> 17 of the clone (schema copy + COPY)", began);
            try (Connection c = Rds.connect("127.0.0.1", emulator.server("bench-clone").port(), "bench");
                 Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT count(*) FROM pgbench_accounts")) {
                rs.next();
                System.out.printf("[benchmark] upgraded clone holds %d pgbench_accounts rows (expected %d)%n",
                        rs.getLong(1), scale * 100_000L);
            }
        }
    }

    private static void report(String what, long began) {
        System.out.printf("[benchmark] %-55s %8.1f s%n", what, (System.nanoTime() - began) / 1e9);
    }
}
