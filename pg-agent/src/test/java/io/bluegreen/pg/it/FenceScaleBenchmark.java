package io.bluegreen.pg.it;

import io.bluegreen.local.postgres.LocalPostgres;
import io.bluegreen.pg.replication.JdbcReplicationAdmin;
import io.bluegreen.pg.replication.PgSession;
import io.bluegreen.pg.replication.PublisherSteps;
import io.bluegreen.pg.replication.ReplicationAdmin;
import io.bluegreen.pg.replication.Secrets;
import io.bluegreen.runtime.agent.StepContext;
import io.bluegreen.pg.replication.SubscriberSteps;
import io.bluegreen.pg.switchover.Drain;
import io.bluegreen.pg.switchover.DrainMethod;
import io.bluegreen.pg.switchover.WriteFence;
import io.bluegreen.schemas.command.pg.CreatePublication;
import io.bluegreen.schemas.command.pg.CreateSlot;
import io.bluegreen.schemas.command.pg.CreateSubscription;
import io.bluegreen.schemas.common.DatabaseTarget;
import io.bluegreen.schemas.common.ReplicationNames;
import io.bluegreen.schemas.common.Role;
import io.bluegreen.runtime.credentials.Credentials;
import io.bluegreen.schemas.result.StepFailed;
import org.apache.avro.specific.SpecificRecord;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

/**
 * How the fence's cost grows with the number of tables: for 10 and for 1,000 tables, arm once (printed, outside
 * the window), then in each round engage and drain ({@link Drain#await} with {@code MARKER}) while two writers
 * commit single-row transactions into random tables at full speed, and release with the guards kept. Prints
 * median and max per table count. Its own Blue 16 and Green 17 run with {@code fsync = on} and
 * {@code synchronous_commit = on}, as in production (the shared test bed runs with {@code fsync = off}).
 *
 * <p>Not part of {@code mvn verify} (the name does not end in IT); run it with
 * {@code mvn -B -o -pl pg-agent verify -Dit.test=FenceScaleBenchmark}. The figures are in
 * {@code pg-agent/target/failsafe-reports/io.bluegreen.pg.it.FenceScaleBenchmark-output.txt}. It asserts only
 * correctness: Green holds every row Blue holds the moment each drain returns.
 */
class FenceScaleBenchmark {

    private static final int ROUNDS = 9;
    private static final int WRITERS = 2;

    @Test
    void fenceAndDrainAtTenAndAtAThousandTables() throws Exception {
        String loadBefore = load();
        try (LocalPostgres blueServer = durable(16, "fence-bench-blue");
             LocalPostgres greenServer = durable(17, "fence-bench-green")) {
            ReplicationAdmin admin = new JdbcReplicationAdmin(AgentHarness.onLoopback(ref -> ref.equals("blue")
                    ? new Credentials(blueServer.superuser(), blueServer.password())
                    : new Credentials(greenServer.superuser(), greenServer.password())), new Secrets(),
                    new JdbcReplicationAdmin.Settings("bluegreen-fence-bench", "prefer", 10));
            List<String> lines = new ArrayList<>();
            for (int tables : new int[]{10, 1_000}) {
                lines.add(measure(admin, blueServer, greenServer, tables));
            }
            String header = String.format("[fence benchmark] PostgreSQL %s -> %s, fsync = on, synchronous_commit = on, "
                            + "%d writers at full speed, %d rounds per table count; load average before: %s, after: %s",
                    blueServer.serverVersion(), greenServer.serverVersion(), WRITERS, ROUNDS, loadBefore, load());
            System.out.println(header);
            lines.forEach(System.out::println);
        }
    }

    private static LocalPostgres durable(int major, String name) {
        return LocalPostgres.builder(major).name(name).setting("fsync", "on").setting("synchronous_commit", "on").start();
    }

    private static String measure(ReplicationAdmin admin, LocalPostgres blueServer, LocalPostgres greenServer, int tables)
            throws Exception {
        String database = "fence_scale_" + tables;
        String create = "DO $$BEGIN FOR i IN 1.." + tables + " LOOP EXECUTE format("
                + "'CREATE TABLE t_%s (id bigint PRIMARY KEY, note text)', i); END LOOP; END$$";
        for (LocalPostgres server : List.of(blueServer, greenServer)) {
            server.createDatabase(database);
            try (Connection connection = server.connect(database); Statement statement = connection.createStatement()) {
                statement.execute(create);
            }
        }
        DatabaseTarget blue = AgentHarness.target(blueServer, "blue", database, Role.BLUE);
        DatabaseTarget green = AgentHarness.target(greenServer, "green", database, Role.GREEN);
        ReplicationNames names = AgentHarness.names(database);
        StepContext ctx = new StepContext("bench", "bench", "Bench", 1, java.time.Clock.systemUTC());
        PublisherSteps publisher = new PublisherSteps(admin);
        check(publisher.createPublication(ctx, new CreatePublication("bench", "p", 1, Instant.now(), blue, names, null)));
        check(publisher.createSlot(ctx, new CreateSlot("bench", "s", 1, Instant.now(), blue, names)));
        check(new SubscriberSteps(admin).createSubscription(ctx, new CreateSubscription("bench", "c", 1,
                Instant.now(), green, blue, names, false, false, true, null)));

        AtomicBoolean writing = new AtomicBoolean(true);
        AtomicLong acknowledged = new AtomicLong();
        AtomicLong ids = new AtomicLong();
        List<CompletableFuture<Void>> writers = IntStream.range(0, WRITERS).mapToObj(w -> CompletableFuture.runAsync(
                () -> write(blueServer, database, tables, writing, ids, acknowledged))).toList();

        WriteFence fence = new WriteFence(admin, Duration.ofSeconds(30));
        Drain drain = new Drain(admin, DrainMethod.MARKER);
        List<Long> engageMicros = new ArrayList<>();
        List<Long> drainMicros = new ArrayList<>();
        List<Long> windowMicros = new ArrayList<>();
        List<Long> releaseMicros = new ArrayList<>();
        long armFirst;
        long armAgain;
        try (PgSession session = admin.open(blue)) {
            long began = System.nanoTime();
            int guarded = fence.arm(session);
            armFirst = micros(began);
            assertEquals(tables, guarded);
            began = System.nanoTime();
            fence.arm(session);
            armAgain = micros(began);
            for (int round = 0; round < ROUNDS; round++) {
                long before = acknowledged.get();
                await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(5)).until(() -> acknowledged.get() >= before + 200);
                long start = System.nanoTime();
                WriteFence.Engaged engaged = fence.engage(session);
                long engagedAt = System.nanoTime();
                drain.await(DrainMethod.MARKER, blue, green, names.getSlot(), names.getSubscription(), "d" + round,
                        Duration.ofSeconds(60));
                long drainedAt = System.nanoTime();
                engageMicros.add((engagedAt - start) / 1000);
                drainMicros.add((drainedAt - engagedAt) / 1000);
                windowMicros.add((drainedAt - start) / 1000);
                assertEquals(tables, engaged.tables());
                assertEquals(rows(blueServer, database, tables), rows(greenServer, database, tables),
                        "Green has every row of Blue when the drain returns (round " + round + ")");
                start = System.nanoTime();
                fence.release(session, true);
                releaseMicros.add(micros(start));
            }
        } finally {
            writing.set(false);
            CompletableFuture.allOf(writers.toArray(CompletableFuture[]::new)).get(30, TimeUnit.SECONDS);
        }
        return String.format("[fence benchmark] %5d tables: arm %s ms (again %s ms); engage median %s ms, max %s ms; "
                        + "drain median %s ms, max %s ms; engage + drain median %s ms, max %s ms; release median %s ms, "
                        + "max %s ms; %d rows acknowledged", tables, ms(armFirst), ms(armAgain), median(engageMicros),
                max(engageMicros), median(drainMicros), max(drainMicros), median(windowMicros), max(windowMicros),
                median(releaseMicros), max(releaseMicros), acknowledged.get());
    }

    /** A writer that reconnects after every failure, as a pooled application does. */
    private static void write(LocalPostgres server, String database, int tables, AtomicBoolean writing, AtomicLong ids,
                              AtomicLong acknowledged) {
        while (writing.get()) {
            try (Connection connection = server.connect(database); Statement statement = connection.createStatement()) {
                while (writing.get()) {
                    int table = 1 + ThreadLocalRandom.current().nextInt(tables);
                    statement.executeUpdate("INSERT INTO t_" + table + " (id, note) VALUES (" + ids.incrementAndGet() + ", 'w')");
                    acknowledged.incrementAndGet();
                }
            } catch (SQLException fencedOrTerminated) {
                // reconnect at once, as a pool validating its connections does
            }
        }
    }

    /** Rows of every table, one query. */
    private static long rows(LocalPostgres server, String database, int tables) throws SQLException {
        String query = "SELECT " + IntStream.rangeClosed(1, tables).mapToObj(i -> "(SELECT count(*) FROM t_" + i + ")")
                .collect(Collectors.joining(" + "));
        try (Connection connection = server.connect(database); Statement statement = connection.createStatement()) {
            var rs = statement.executeQuery(query);
            rs.next();
            return rs.getLong(1);
        }
    }

    private static void check(SpecificRecord result) {
        assertFalse(result instanceof StepFailed, () -> String.valueOf(result));
    }

    private static long micros(long began) {
        return (System.nanoTime() - began) / 1000;
    }

    private static String ms(long micros) {
        return String.format("%.1f", micros / 1000.0);
    }

    private static String median(List<Long> values) {
        List<Long> sorted = new ArrayList<>(values);
        Collections.sort(sorted);
        return ms(sorted.get(sorted.size() / 2));
    }

    private static String max(List<Long> values) {
        return ms(Collections.max(values));
    }

    private static String load() {
        try {
            String[] parts = Files.readString(Path.of("/proc/loadavg")).split(" ");
            return parts[0] + " " + parts[1] + " " + parts[2];
        } catch (Exception e) {
            return "unknown";
        }
    }
}
