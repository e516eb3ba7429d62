package io.bluegreen.pg.it;

import io.bluegreen.local.postgres.LocalPostgres;
import io.bluegreen.local.testbed.TestBed;
import io.bluegreen.local.testbed.WithTestBed;
import io.bluegreen.pg.replication.JdbcReplicationAdmin;
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
import io.bluegreen.schemas.command.pg.FenceWrites;
import io.bluegreen.schemas.command.pg.UnfenceWrites;
import io.bluegreen.schemas.common.DatabaseTarget;
import io.bluegreen.runtime.credentials.Credentials;
import io.bluegreen.schemas.result.StepFailed;
import org.apache.avro.specific.SpecificRecord;
import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;

import static io.bluegreen.pg.it.AgentHarness.names;
import static io.bluegreen.pg.it.AgentHarness.number;
import static io.bluegreen.pg.it.AgentHarness.sql;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

/**
 * Benchmark of the drain methods on the test bed (Blue 16 -> Green 17, no Kafka): each round commits a
 * burst of single-row transactions on Blue, fences, then times the drain wait; the methods take turns. Prints
 * the time of one JDBC login to Green too (part of the marker's figure). Prints
 * the figures; asserts only correctness (Green has every row the moment the drain returns).
 */
@WithTestBed
class DrainMethodsBenchmark {

    private static final String DB = "drain_bench";
    private static final int ROUNDS = 15;
    private static final int BURST = 200;

    @Test
    void compareTheDrainMethods() throws Exception {
        LocalPostgres blueServer = TestBed.shared().postgres(16);
        LocalPostgres greenServer = TestBed.shared().postgres(17);
        AgentHarness.freshDatabase(DB);
        for (LocalPostgres server : List.of(blueServer, greenServer)) {
            sql(server, DB, "CREATE TABLE t (id bigserial PRIMARY KEY, note text)");
        }
        ReplicationAdmin admin = new JdbcReplicationAdmin(AgentHarness.onLoopback(ref -> ref.equals(AgentHarness.BLUE_REF)
                ? new Credentials(blueServer.superuser(), blueServer.password())
                : new Credentials(greenServer.superuser(), greenServer.password())), new Secrets(),
                new JdbcReplicationAdmin.Settings("bluegreen-bench", "prefer", 10));
        DatabaseTarget blue = AgentHarness.blue(DB);
        DatabaseTarget green = AgentHarness.green(DB);
        StepContext ctx = new StepContext("bench", "bench", "Bench", 1, java.time.Clock.systemUTC());
        PublisherSteps publisher = new PublisherSteps(admin);
        check(publisher.createPublication(ctx, new CreatePublication("bench", "p", 1, java.time.Instant.now(), blue, names(DB), null)));
        check(publisher.createSlot(ctx, new CreateSlot("bench", "s", 1, java.time.Instant.now(), blue, names(DB))));
        check(new SubscriberSteps(admin).createSubscription(ctx, new CreateSubscription("bench", "c", 1,
                java.time.Instant.now(), green, blue, names(DB), false, false, true, null)));
        WriteFence fence = new WriteFence(admin, Duration.ofSeconds(30));
        Drain drain = new Drain(admin, DrainMethod.MARKER);

        Map<DrainMethod, List<Long>> micros = new java.util.LinkedHashMap<>();
        List<Long> logins = new ArrayList<>();
        for (int round = 0; round < 2 * ROUNDS; round++) {
            DrainMethod method = DrainMethod.values()[round % 2];
            try (Connection connection = blueServer.connect(DB); Statement statement = connection.createStatement()) {
                for (int i = 0; i < BURST; i++) {
                    statement.executeUpdate("INSERT INTO t (note) VALUES ('round " + round + "')");
                }
            }
            check(fence.fence(ctx, new FenceWrites("bench", "f" + round, 1, java.time.Instant.now(), blue)));
            long began = System.nanoTime();
            drain.await(method, blue, green, names(DB).getSlot(), names(DB).getSubscription(), "d" + round, Duration.ofSeconds(60));
            long tookMicros = (System.nanoTime() - began) / 1000;
            assertEquals(number(blueServer, DB, "SELECT count(*) FROM t"), number(greenServer, DB, "SELECT count(*) FROM t"),
                    method + " returned before Green had every row");
            micros.computeIfAbsent(method, m -> new ArrayList<>()).add(tookMicros);
            long loginBegan = System.nanoTime();
            admin.open(green).close();
            logins.add((System.nanoTime() - loginBegan) / 1000);
            check(fence.unfence(ctx, new UnfenceWrites("bench", "u" + round, 1, java.time.Instant.now(), blue, false)));
        }
        System.out.printf("[drain benchmark] %d rounds per method, %d single-row commits before each fence%n", ROUNDS, BURST);
        micros.put(null, logins);
        micros.forEach((method, values) -> {
            List<Long> sorted = new ArrayList<>(values);
            Collections.sort(sorted);
            System.out.printf("[drain benchmark] %-13s median %6.1f ms  p90 %6.1f ms  min %6.1f ms  max %6.1f ms%n",
                    method == null ? "login" : method,
                    sorted.get(sorted.size() / 2) / 1000.0, sorted.get((int) Math.ceil(sorted.size() * 0.9) - 1) / 1000.0,
                    sorted.get(0) / 1000.0, sorted.get(sorted.size() - 1) / 1000.0);
        });
    }

    private static void check(SpecificRecord result) {
        assertFalse(result instanceof StepFailed, () -> String.valueOf(result));
    }
}
