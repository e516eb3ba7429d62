package io.bluegreen.pg.it;

import io.bluegreen.local.postgres.LocalPostgres;
import io.bluegreen.local.testbed.TestBed;
import io.bluegreen.local.testbed.WithTestBed;
import io.bluegreen.schemas.command.pg.DropSubscription;
import io.bluegreen.schemas.command.pg.RunSwitchover;
import io.bluegreen.schemas.command.pg.UnfenceWrites;
import io.bluegreen.schemas.command.pg.VerifyData;
import io.bluegreen.schemas.common.FailureReason;
import io.bluegreen.schemas.common.SwitchoverDatabase;
import io.bluegreen.schemas.common.VerifyMode;
import io.bluegreen.schemas.result.DataVerified;
import io.bluegreen.schemas.result.StepFailed;
import io.bluegreen.schemas.result.SwitchoverAbandoned;
import io.bluegreen.schemas.result.SwitchoverProven;
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
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import static io.bluegreen.pg.it.AgentHarness.blue;
import static io.bluegreen.pg.it.AgentHarness.green;
import static io.bluegreen.pg.it.AgentHarness.names;
import static io.bluegreen.pg.it.AgentHarness.number;
import static io.bluegreen.pg.it.AgentHarness.sql;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code RunSwitchover} through Kafka against Blue 16 -> Green 17: a command that arrives after its deadline fences
 * nothing; a guardrail (schema drift) refuses before the fence; a drain that cannot finish is abandoned at the
 * deadline with Blue unfenced; and the switchover proper with a live writer: the proof comes back with Green
 * holding every acknowledged row and its sequences ahead, and the snapshot kept at the drain point is what the
 * verification after repoint compares while Green already takes writes.
 */
@WithTestBed
@MicronautTest
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class SwitchoverProgramIT implements TestPropertyProvider {

    private static final String DB = "program_app";
    private final LocalPostgres blueServer = TestBed.shared().postgres(16);
    private final LocalPostgres greenServer = TestBed.shared().postgres(17);
    private AgentHarness agent;

    @Override
    public Map<String, String> getProperties() {
        return AgentHarness.agentProperties();
    }

    @BeforeAll
    void setUp() {
        AgentHarness.freshDatabase(DB);
        for (LocalPostgres server : List.of(blueServer, greenServer)) {
            sql(server, DB, "CREATE TABLE orders (id bigserial PRIMARY KEY, note text)",
                    "CREATE SEQUENCE ticket_seq START 4000");
        }
        agent = new AgentHarness();
        agent.replicate(DB);
        sql(blueServer, DB, "INSERT INTO orders (note) SELECT 'seed' FROM generate_series(1, 500)",
                "SELECT nextval('ticket_seq')");
    }

    @AfterAll
    void tearDown() {
        try {
            UnfenceWrites unfence = agent.command(new UnfenceWrites());
            unfence.setTarget(blue(DB));
            unfence.setKeepGuards(false);
            agent.send(unfence);
            DropSubscription drop = agent.command(new DropSubscription());
            drop.setTarget(green(DB));
            drop.setNames(names(DB));
            agent.send(drop);
            agent.assertNothingLeaks(List.of(blueServer.password(), greenServer.password()), List.of(blueServer, greenServer));
        } finally {
            agent.close();
        }
    }

    private RunSwitchover switchover(Duration timeout) {
        RunSwitchover run = agent.command(new RunSwitchover());
        run.setDatabases(List.of(new SwitchoverDatabase(blue(DB), green(DB), names(DB), null, null)));
        run.setLagThresholdBytes(16 * 1024 * 1024);
        run.setMaxTransactionAgeMs(10_000);
        run.setDeadline(Instant.now().plus(timeout));
        run.setSequenceMargin(100);
        run.setVerifyMode(null);
        run.setKeepSnapshot(true);
        return run;
    }

    @Test
    @Order(1)
    void aCommandPastItsDeadlineFencesNothing() {
        RunSwitchover late = switchover(Duration.ofSeconds(-1));
        SwitchoverAbandoned abandoned = agent.send(late);
        assertEquals(FailureReason.TIMEOUT, abandoned.getReason());
        assertNull(abandoned.getFencedAt());
        assertTrue(abandoned.getMessage().contains("this delivery fenced nothing"), abandoned.getMessage());
        assertTrue(abandoned.getUnfenced(), "whatever an earlier delivery left is released");
        assertTrue(blueTakesAWrite());
    }

    @Test
    @Order(2)
    void aFailingGuardrailRefusesBeforeTheFence() {
        sql(blueServer, DB, "ALTER TABLE orders ADD COLUMN drifted int");
        try {
            SwitchoverAbandoned refused = agent.send(switchover(Duration.ofSeconds(20)));
            assertEquals(FailureReason.PRECONDITION_FAILED, refused.getReason());
            assertNull(refused.getFencedAt(), "nothing was fenced");
            assertEquals("schema_drift", refused.getFindings().get(0).getCheck());
            assertTrue(refused.getFindings().get(0).getMessage().contains("drifted"), refused.getFindings().toString());
        } finally {
            sql(blueServer, DB, "ALTER TABLE orders DROP COLUMN drifted");
        }
        // probed only now: a row written while Blue had the extra column would stop Green's apply worker
        assertTrue(blueTakesAWrite(), "Blue was never fenced");
    }

    @Test
    @Order(3)
    void aDrainThatCannotFinishIsAbandonedAtTheDeadlineWithBlueUnfenced() throws Exception {
        try (Connection lock = greenServer.connect(DB)) {
            lock.setAutoCommit(false);
            try (Statement s = lock.createStatement()) {
                s.execute("LOCK TABLE bluegreen.drain_marker IN ACCESS EXCLUSIVE MODE");
            }
            long began = System.nanoTime();
            SwitchoverAbandoned abandoned = agent.send(switchover(Duration.ofSeconds(3)));
            long tookMs = Duration.ofNanos(System.nanoTime() - began).toMillis();
            assertEquals(FailureReason.TIMEOUT, abandoned.getReason(), abandoned.getMessage());
            assertNotNull(abandoned.getFencedAt());
            assertTrue(abandoned.getUnfenced(), abandoned.getMessage());
            assertTrue(abandoned.getFencedMs() <= 3_500, "fenced for " + abandoned.getFencedMs() + " ms, bounded by the deadline");
            assertTrue(tookMs < 8_000, "answered after " + tookMs + " ms");
            assertTrue(blueTakesAWrite(), "Blue takes writes again");
            lock.rollback();
        }
    }

    @Test
    @Order(4)
    void theSwitchoverProvesEveryAcknowledgedWriteOnGreenAndKeepsItsSnapshotForTheVerification() throws Exception {
        AtomicLong acknowledged = new AtomicLong();
        CompletableFuture<SQLException> writer = AgentHarness.writeUntilRefused(blueServer, DB,
                "INSERT INTO orders (note) VALUES ('writer')", acknowledged);
        await().atMost(Duration.ofSeconds(20)).until(() -> acknowledged.get() >= 50);
        SwitchoverProven proven = agent.send(switchover(Duration.ofSeconds(20)));
        assertNotNull(writer.get(20, TimeUnit.SECONDS), "the writer was stopped by the fence");
        long onBlue = number(blueServer, DB, "SELECT count(*) FROM orders");
        assertEquals(onBlue, number(greenServer, DB, "SELECT count(*) FROM orders"),
                "the proof is the drain: Green has every row Blue acknowledged, without waiting");
        assertTrue(proven.getProvenAt().compareTo(proven.getFencedAt()) >= 0);
        assertTrue(proven.getPartsMs().keySet().containsAll(List.of("guardrails", "arm", "fence", "drain", "sequences")),
                proven.getPartsMs().toString());
        assertEquals(4100L, number(greenServer, DB, "SELECT last_value FROM ticket_seq"), "Blue's 4000 + the margin of 100");
        assertNotNull(proven.getDatabases().get(0).getSnapshot());
        assertFalse(blueTakesAWrite(), "Blue stays fenced after a proof");

        // Green takes writes now; the verification still compares the drain point
        sql(greenServer, DB, "INSERT INTO orders (note) VALUES ('first write on Green')");
        VerifyData verify = agent.command(new VerifyData());
        verify.setTarget(green(DB));
        verify.setSource(blue(DB));
        verify.setMode(VerifyMode.CHECKSUM);
        verify.setAtSwitchoverSnapshot(true);
        DataVerified verified = agent.send(verify);
        assertTrue(verified.getMatched(), verified.toString());
        assertEquals(onBlue, verified.getTables().get(0).getGreenRows(), "Green as it was at the drain point");

        VerifyData again = agent.command(new VerifyData());
        again.setTarget(green(DB));
        again.setSource(blue(DB));
        again.setMode(VerifyMode.ROW_COUNT);
        again.setAtSwitchoverSnapshot(true);
        StepFailed gone = agent.send(again);
        assertTrue(gone.getMessage().contains("is not held by this pg-agent"), "released once verified: " + gone.getMessage());
    }

    private boolean blueTakesAWrite() {
        try (Connection c = blueServer.connect(DB); Statement s = c.createStatement()) {
            s.execute("INSERT INTO orders (note) VALUES ('probe')");
            return true;
        } catch (SQLException e) {
            return false;
        }
    }
}
