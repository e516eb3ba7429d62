package io.bluegreen.pg.it;

import io.bluegreen.local.postgres.LocalPostgres;
import io.bluegreen.local.testbed.TestBed;
import io.bluegreen.local.testbed.WithTestBed;
import io.bluegreen.schemas.command.pg.AnalyzeDatabase;
import io.bluegreen.schemas.command.pg.DrainReplication;
import io.bluegreen.schemas.command.pg.DropPublicationAndSlot;
import io.bluegreen.schemas.command.pg.DropSubscription;
import io.bluegreen.schemas.command.pg.FenceWrites;
import io.bluegreen.schemas.command.pg.SyncSequences;
import io.bluegreen.schemas.command.pg.UnfenceWrites;
import io.bluegreen.schemas.command.pg.VerifyData;
import io.bluegreen.schemas.common.DatabaseTarget;
import io.bluegreen.schemas.common.FailureReason;
import io.bluegreen.schemas.common.Role;
import io.bluegreen.schemas.common.TableVerification;
import io.bluegreen.schemas.common.VerifyMode;
import io.bluegreen.schemas.result.DataVerified;
import io.bluegreen.schemas.result.ReplicationDrained;
import io.bluegreen.schemas.result.SequencesSynced;
import io.bluegreen.schemas.result.StepFailed;
import io.bluegreen.schemas.result.StepSucceeded;
import io.bluegreen.schemas.result.WritesFenced;
import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import io.micronaut.test.support.TestPropertyProvider;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicLong;

import static io.bluegreen.pg.it.AgentHarness.blue;
import static io.bluegreen.pg.it.AgentHarness.green;
import static io.bluegreen.pg.it.AgentHarness.names;
import static io.bluegreen.pg.it.AgentHarness.number;
import static io.bluegreen.pg.it.AgentHarness.sql;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The switchover steps through Kafka against Blue 16 -> Green 17: fence with a live writer, drain, verify,
 * sequence sync (serial, identity and an unowned sequence), unfence, ANALYZE, cleanup; and a drain that times
 * out because Green is down.
 */
@WithTestBed
@MicronautTest
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class SwitchoverIT implements TestPropertyProvider {

    private static final String DB = "switch_app";
    private static final String STOPPED_GREEN_REF = "stopped-green";
    private static LocalPostgres stoppedGreen;
    private final LocalPostgres blueServer = TestBed.shared().postgres(16);
    private final LocalPostgres greenServer = TestBed.shared().postgres(17);
    private AgentHarness agent;

    @Override
    public Map<String, String> getProperties() {
        stoppedGreen = LocalPostgres.builder(17).name("stopped-green").start();
        Map<String, String> properties = AgentHarness.agentProperties();
        properties.put("bluegreen.credentials." + STOPPED_GREEN_REF + ".username", stoppedGreen.superuser());
        properties.put("bluegreen.credentials." + STOPPED_GREEN_REF + ".password", stoppedGreen.password());
        properties.put("bluegreen.credentials." + STOPPED_GREEN_REF + ".hosts", "127.0.0.1,localhost");
        return properties;
    }

    @BeforeAll
    void setUp() {
        AgentHarness.freshDatabase(DB);
        for (LocalPostgres server : List.of(blueServer, greenServer)) {
            sql(server, DB, "CREATE TABLE orders (id serial PRIMARY KEY, note text)",
                    "CREATE TABLE idents (id int GENERATED ALWAYS AS IDENTITY PRIMARY KEY, note text)",
                    "CREATE SEQUENCE ticket_seq START 4000",
                    "CREATE TABLE tickets (id bigint PRIMARY KEY DEFAULT nextval('ticket_seq'), note text)");
        }
        agent = new AgentHarness();
        agent.replicate(DB);
        sql(blueServer, DB, "INSERT INTO orders (note) SELECT 'seed' FROM generate_series(1, 100)",
                "INSERT INTO idents (note) SELECT 'seed' FROM generate_series(1, 20)",
                "INSERT INTO tickets (note) SELECT 'seed' FROM generate_series(1, 42)");
    }

    @AfterAll
    void tearDown() {
        try {
            agent.assertNothingLeaks(List.of(blueServer.password(), greenServer.password(), stoppedGreen.password()),
                    List.of(blueServer, greenServer));
        } finally {
            agent.close();
            stoppedGreen.close();
        }
    }

    @Test
    @Order(1)
    void drainRefusesWhileBlueIsNotFenced() {
        StepFailed refused = agent.send(drain(green(DB), 5_000));
        assertEquals(FailureReason.WRONG_STATE, refused.getReason());
        assertTrue(refused.getMessage().contains("send FenceWrites first"), refused.getMessage());
    }

    @Test
    @Order(2)
    void fenceStopsAWriterAndEveryWayOfWritingThenDrainProvesGreenHasEveryAcknowledgedWrite() throws Exception {
        AtomicLong acknowledged = new AtomicLong();
        CompletableFuture<SQLException> writer = AgentHarness.writeUntilRefused(blueServer, DB,
                "INSERT INTO orders (note) VALUES ('writer')", acknowledged);
        await().atMost(Duration.ofSeconds(20)).until(() -> acknowledged.get() >= 50);

        FenceWrites fence = agent.command(new FenceWrites());
        fence.setTarget(blue(DB));
        assertInstanceOf(WritesFenced.class, agent.send(fence));
        // the engaged guard refuses the writer's next insert; if it was still connected, the fence ended it
        SQLException writerError = writer.get(20, java.util.concurrent.TimeUnit.SECONDS);
        assertNotNull(writerError, "the writer was stopped");
        assertTrue(List.of("25006", "57P01").contains(writerError.getSQLState()) || writerError.getSQLState().startsWith("08"),
                writerError.getSQLState() + " " + writerError.getMessage());

        assertEquals("25006", writeFails("INSERT INTO orders (note) VALUES ('after fence')"));
        assertEquals("25006", writeFails("BEGIN READ WRITE; INSERT INTO orders (note) VALUES ('read write'); COMMIT"));
        assertEquals("25006", writeFails("SET default_transaction_read_only = off; INSERT INTO tickets (note) VALUES ('x')"));

        FenceWrites again = agent.command(new FenceWrites());
        again.setTarget(blue(DB));
        assertTrue(((StepSucceeded) agent.send(again)).getAlreadyDone());

        long onBlue = number(blueServer, DB, "SELECT count(*) FROM orders");
        assertEquals(100 + acknowledged.get(), onBlue, "every acknowledged write is on Blue and nothing more");
        ReplicationDrained drained = agent.send(drain(green(DB), 30_000));
        assertEquals("MARKER", drained.getMethod());
        // no waiting here: the drain itself is the proof
        assertEquals(onBlue, number(greenServer, DB, "SELECT count(*) FROM orders"));
        assertEquals(20, number(greenServer, DB, "SELECT count(*) FROM idents"));
    }

    @Test
    @Order(3)
    void sequencesOwnedOrNotAreSyncedSoGreenInsertsDoNotCollideAndVerifyReportsDifferences() {
        VerifyData verify = agent.command(new VerifyData());
        verify.setTarget(green(DB));
        verify.setSource(blue(DB));
        verify.setMode(VerifyMode.CHECKSUM);
        DataVerified same = agent.send(verify);
        assertTrue(same.getMatched(), same.toString());
        assertEquals(3, same.getTables().size());
        assertNotNull(same.getTables().get(0).getBlueChecksum());

        SyncSequences sync = agent.command(new SyncSequences());
        sync.setTarget(green(DB));
        sync.setSource(blue(DB));
        SequencesSynced synced = agent.send(sync);
        assertEquals(3, synced.getCount());
        assertEquals(4041L, synced.getValues().get("public.ticket_seq"), synced.toString());
        assertEquals(20L, synced.getValues().get("public.idents_id_seq"));
        SyncSequences syncAgain = agent.command(new SyncSequences());
        syncAgain.setTarget(green(DB));
        syncAgain.setSource(blue(DB));
        assertTrue(((StepSucceeded) agent.send(syncAgain)).getAlreadyDone());

        sql(greenServer, DB, "INSERT INTO orders (note) VALUES ('green')", "INSERT INTO idents (note) VALUES ('green')",
                "INSERT INTO tickets (note) VALUES ('green')");
        assertEquals(4042, number(greenServer, DB, "SELECT max(id) FROM tickets"));

        VerifyData verifyAgain = agent.command(new VerifyData());
        verifyAgain.setTarget(green(DB));
        verifyAgain.setSource(blue(DB));
        verifyAgain.setMode(VerifyMode.ROW_COUNT);
        DataVerified different = agent.send(verifyAgain);
        assertFalse(different.getMatched());
        List<String> differing = different.getTables().stream().filter(t -> !t.getMatched()).map(TableVerification::getTable).toList();
        assertEquals(List.of("public.idents", "public.orders", "public.tickets"), differing);
    }

    @Test
    @Order(4)
    void unfenceRestoresWritesAndRepeatsAreNoOps() {
        UnfenceWrites unfence = agent.command(new UnfenceWrites());
        unfence.setTarget(blue(DB));
        assertFalse(((StepSucceeded) agent.send(unfence)).getAlreadyDone());
        sql(blueServer, DB, "INSERT INTO orders (note) VALUES ('after unfence')");
        UnfenceWrites again = agent.command(new UnfenceWrites());
        again.setTarget(blue(DB));
        assertTrue(((StepSucceeded) agent.send(again)).getAlreadyDone());
    }

    @Test
    @Order(5)
    void drainTimesOutWithAClearErrorWhenGreenIsDown() {
        FenceWrites fence = agent.command(new FenceWrites());
        fence.setTarget(blue(DB));
        assertInstanceOf(WritesFenced.class, agent.send(fence));
        stoppedGreen.stop();
        DatabaseTarget down = AgentHarness.target(stoppedGreen, STOPPED_GREEN_REF, DB, Role.GREEN);
        StepFailed timedOut = agent.send(drain(down, 2_000));
        assertEquals(FailureReason.TIMEOUT, timedOut.getReason());
        assertTrue(timedOut.getRetryable());
        assertTrue(timedOut.getMessage().contains("Green unreachable"), timedOut.getMessage());
        assertTrue(timedOut.getMessage().contains("after 2000 ms"), timedOut.getMessage());
        UnfenceWrites unfence = agent.command(new UnfenceWrites());
        unfence.setTarget(blue(DB));
        agent.send(unfence);
    }

    @Test
    @Order(6)
    void analyzeAndCleanupTwiceWithBlueStillFenced() {
        AnalyzeDatabase analyze = agent.command(new AnalyzeDatabase());
        analyze.setTarget(green(DB));
        StepSucceeded analyzed = agent.send(analyze);
        assertEquals("3", analyzed.getDetails().get("tables"), analyzed.toString());
        for (int round = 0; round < 2; round++) {
            DropSubscription drop = agent.command(new DropSubscription());
            drop.setTarget(green(DB));
            drop.setNames(names(DB));
            assertEquals(round == 1, ((StepSucceeded) agent.send(drop)).getAlreadyDone());
        }
        // switchover drops them while Blue is still fenced: the agent's own session must be able to
        FenceWrites fence = agent.command(new FenceWrites());
        fence.setTarget(blue(DB));
        agent.send(fence);
        for (int round = 0; round < 2; round++) {
            DropPublicationAndSlot drop = agent.command(new DropPublicationAndSlot());
            drop.setTarget(blue(DB));
            drop.setNames(names(DB));
            assertEquals(round == 1, ((StepSucceeded) AgentHarness.expectSuccess(agent.send(drop))).getAlreadyDone());
        }
        assertEquals(0, number(greenServer, DB, "SELECT count(*) FROM pg_namespace WHERE nspname = 'bluegreen'"));
        UnfenceWrites unfence = agent.command(new UnfenceWrites());
        unfence.setTarget(blue(DB));
        agent.send(unfence);
    }

    private DrainReplication drain(DatabaseTarget greenTarget, long timeoutMs) {
        DrainReplication drain = agent.command(new DrainReplication());
        drain.setTarget(greenTarget);
        drain.setSource(blue(DB));
        drain.setNames(names(DB));
        drain.setTimeoutMs(timeoutMs);
        return drain;
    }

    /** Runs statements on a new Blue session and returns the SQLSTATE they fail with. */
    private String writeFails(String statements) {
        SQLException e = assertThrows(SQLException.class, () -> {
            try (Connection connection = blueServer.connect(DB); Statement statement = connection.createStatement()) {
                for (String sql : statements.split("; ")) {
                    statement.execute(sql);
                }
            }
        });
        return e.getSQLState();
    }
}
