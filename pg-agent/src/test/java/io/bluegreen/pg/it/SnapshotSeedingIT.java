package io.bluegreen.pg.it;

import io.bluegreen.local.postgres.LocalPostgres;
import io.bluegreen.local.testbed.TestBed;
import io.bluegreen.local.testbed.WithTestBed;
import io.bluegreen.schemas.command.pg.AdvanceSlot;
import io.bluegreen.schemas.command.pg.CreatePublication;
import io.bluegreen.schemas.command.pg.CreateSlot;
import io.bluegreen.schemas.command.pg.CreateSubscription;
import io.bluegreen.schemas.command.pg.DropClonedReplicationObjects;
import io.bluegreen.schemas.command.pg.DropPublicationAndSlot;
import io.bluegreen.schemas.command.pg.DropSubscription;
import io.bluegreen.schemas.command.pg.FenceWrites;
import io.bluegreen.schemas.command.pg.ReadSnapshotLsn;
import io.bluegreen.schemas.command.pg.UnfenceWrites;
import io.bluegreen.schemas.common.FailureReason;
import io.bluegreen.schemas.common.SnapshotLsnMethod;
import io.bluegreen.schemas.result.SlotAdvanced;
import io.bluegreen.schemas.result.SnapshotLsnCaptured;
import io.bluegreen.schemas.result.StepFailed;
import io.bluegreen.schemas.result.StepSucceeded;
import io.bluegreen.schemas.result.SubscriptionCreated;
import io.bluegreen.schemas.result.WritesFenced;
import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import io.micronaut.test.support.TestPropertyProvider;
import org.apache.avro.specific.SpecificRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import static io.bluegreen.pg.it.AgentHarness.blue;
import static io.bluegreen.pg.it.AgentHarness.green;
import static io.bluegreen.pg.it.AgentHarness.names;
import static io.bluegreen.pg.it.AgentHarness.number;
import static io.bluegreen.pg.it.AgentHarness.sql;
import static io.bluegreen.pg.it.AgentHarness.text;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The seed's way through Kafka: prepare Blue (twice), fence, read the snapshot LSN with
 * {@code pg_current_wal_lsn()}, advance the slot, subscribe with {@code copy_data = false}, then clean up (twice).
 * Green is a hand-made "clone": it holds the rows Blue had at the snapshot.
 */
@WithTestBed
@MicronautTest
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class SnapshotSeedingIT implements TestPropertyProvider {

    private static final String DB = "seed_app";
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
            sql(server, DB, "CREATE TABLE items (id int PRIMARY KEY, note text)");
        }
        agent = new AgentHarness();
    }

    @AfterAll
    void tearDown() {
        agent.assertNothingLeaks(List.of(blueServer.password(), greenServer.password()), List.of(blueServer, greenServer));
        agent.close();
    }

    @Test
    void seedsBySlotAdvanceSoOnlyRowsAfterTheSnapshotArrive() {
        // prepare Blue, each step twice: the second is already done; the same command id is answered the same
        CreatePublication publication = agent.command(new CreatePublication());
        publication.setTarget(blue(DB));
        publication.setNames(names(DB));
        StepSucceeded created = agent.send(publication);
        assertFalse(created.getAlreadyDone(), created.toString());
        assertEquals(publication.getCommandId(), created.getCausationId());
        assertEquals("CreatePublication", created.getStep());
        assertEquals(1, created.getAttempt());
        assertEquals(agent.upgradeId(), created.getUpgradeId());
        assertEquals(created, agent.send(publication), "the same command id answers the same");
        CreatePublication again = agent.command(new CreatePublication());
        again.setTarget(blue(DB));
        again.setNames(names(DB));
        assertTrue(((StepSucceeded) agent.send(again)).getAlreadyDone());

        CreateSlot slot = agent.command(new CreateSlot());
        slot.setTarget(blue(DB));
        slot.setNames(names(DB));
        StepSucceeded slotCreated = agent.send(slot);
        assertFalse(slotCreated.getAlreadyDone(), slotCreated.toString());
        CreateSlot slotAgain = agent.command(new CreateSlot());
        slotAgain.setTarget(blue(DB));
        slotAgain.setNames(names(DB));
        StepSucceeded slotRepeat = agent.send(slotAgain);
        assertTrue(slotRepeat.getAlreadyDone());
        assertEquals(slotCreated.getDetails().get("lsn"), slotRepeat.getDetails().get("lsn"));

        // rows Blue had at the snapshot are in the "clone" already
        sql(blueServer, DB, "INSERT INTO items SELECT g, 'before' FROM generate_series(1, 5) g");
        sql(greenServer, DB, "INSERT INTO items SELECT g, 'before' FROM generate_series(1, 5) g");

        // the snapshot LSN by SQL is only accepted while Blue is fenced
        ReadSnapshotLsn unfencedRead = agent.command(new ReadSnapshotLsn());
        unfencedRead.setTarget(blue(DB));
        unfencedRead.setMethod(SnapshotLsnMethod.CURRENT_LSN_FENCED);
        StepFailed refusedRead = agent.send(unfencedRead);
        assertEquals(FailureReason.WRONG_STATE, refusedRead.getReason());
        assertTrue(refusedRead.getMessage().contains("FenceWrites"), refusedRead.getMessage());

        // off Aurora the function does not exist: a permanent failure with its SQLSTATE
        ReadSnapshotLsn aurora = agent.command(new ReadSnapshotLsn());
        aurora.setTarget(green(DB));
        aurora.setMethod(SnapshotLsnMethod.AURORA_FUNCTION);
        StepFailed notAurora = agent.send(aurora);
        assertEquals(FailureReason.PRECONDITION_FAILED, notAurora.getReason());
        assertEquals("42883", notAurora.getErrorCode());
        assertFalse(notAurora.getRetryable());

        FenceWrites fence = agent.command(new FenceWrites());
        fence.setTarget(blue(DB));
        assertInstanceOf(WritesFenced.class, agent.send(fence));
        ReadSnapshotLsn read = agent.command(new ReadSnapshotLsn());
        read.setTarget(blue(DB));
        read.setMethod(SnapshotLsnMethod.CURRENT_LSN_FENCED);
        SnapshotLsnCaptured snapshot = agent.send(read);
        assertEquals(SnapshotLsnMethod.CURRENT_LSN_FENCED, snapshot.getMethod());
        assertFalse(snapshot.getEvidence().isEmpty());
        UnfenceWrites unfence = agent.command(new UnfenceWrites());
        unfence.setTarget(blue(DB));
        assertFalse(((StepSucceeded) agent.send(unfence)).getAlreadyDone());

        sql(blueServer, DB, "INSERT INTO items SELECT g, 'after' FROM generate_series(6, 8) g");

        AdvanceSlot advance = agent.command(new AdvanceSlot());
        advance.setTarget(blue(DB));
        advance.setNames(names(DB));
        advance.setLsn(snapshot.getLsn());
        SlotAdvanced advanced = agent.send(advance);
        assertEquals(snapshot.getLsn(), advanced.getToLsn());
        assertEquals(slotCreated.getDetails().get("lsn"), advanced.getFromLsn());
        AdvanceSlot advanceAgain = agent.command(new AdvanceSlot());
        advanceAgain.setTarget(blue(DB));
        advanceAgain.setNames(names(DB));
        advanceAgain.setLsn(snapshot.getLsn());
        assertTrue(((StepSucceeded) agent.send(advanceAgain)).getAlreadyDone(), "equal LSN is a no-op");

        // a slot already past the snapshot LSN is refused, naming both LSNs
        AdvanceSlot backwards = agent.command(new AdvanceSlot());
        backwards.setTarget(blue(DB));
        backwards.setNames(names(DB));
        backwards.setLsn(slotCreated.getDetails().get("lsn"));
        StepFailed refused = agent.send(backwards);
        assertEquals(FailureReason.DATA_LOSS_RISK, refused.getReason());
        assertFalse(refused.getRetryable());
        assertTrue(refused.getMessage().contains("is at " + snapshot.getLsn() + ", past the snapshot LSN "
                + slotCreated.getDetails().get("lsn")), refused.getMessage());

        CreateSubscription subscribe = agent.command(new CreateSubscription());
        subscribe.setTarget(green(DB));
        subscribe.setSource(blue(DB));
        subscribe.setNames(names(DB));
        subscribe.setCopyData(false);
        subscribe.setCreateSlot(false);
        subscribe.setEnabled(true);
        SubscriptionCreated subscription = agent.send(subscribe);
        assertEquals("true", subscription.getOptions().get("binary"));
        assertEquals("on", subscription.getOptions().get("streaming"));
        assertEquals("false", subscription.getOptions().get("copy_data"));

        AgentHarness.awaitOn(greenServer, Duration.ofSeconds(30), () -> number(greenServer, DB, "SELECT count(*) FROM items") == 8);
        assertEquals("5 before, 3 after", text(greenServer, DB, "SELECT count(*) FILTER (WHERE note = 'before') || ' before, ' "
                + "|| count(*) FILTER (WHERE note = 'after') || ' after' FROM items"));
        assertEquals(0, number(greenServer, DB, "SELECT coalesce(sum(apply_error_count), 0) FROM pg_stat_subscription_stats"));

        CreateSubscription subscribeAgain = agent.command(new CreateSubscription());
        subscribeAgain.setTarget(green(DB));
        subscribeAgain.setSource(blue(DB));
        subscribeAgain.setNames(names(DB));
        subscribeAgain.setCopyData(false);
        subscribeAgain.setCreateSlot(false);
        subscribeAgain.setEnabled(true);
        assertTrue(((StepSucceeded) agent.send(subscribeAgain)).getAlreadyDone());

        // cleanup steps, each twice
        for (int round = 0; round < 2; round++) {
            DropSubscription drop = agent.command(new DropSubscription());
            drop.setTarget(green(DB));
            drop.setNames(names(DB));
            StepSucceeded dropped = agent.send(drop);
            assertEquals(round == 1, dropped.getAlreadyDone(), dropped.toString());
        }
        for (int round = 0; round < 2; round++) {
            DropPublicationAndSlot drop = agent.command(new DropPublicationAndSlot());
            drop.setTarget(blue(DB));
            drop.setNames(names(DB));
            SpecificRecord answer = agent.sendAll(drop, 1).get(0);
            StepSucceeded dropped = assertInstanceOf(StepSucceeded.class, answer, answer.toString());
            assertEquals(round == 1, dropped.getAlreadyDone(), dropped.toString());
        }
        assertEquals(0, number(blueServer, DB, "SELECT count(*) FROM pg_replication_slots WHERE slot_name = '"
                + names(DB).getSlot() + "'"));
        DropClonedReplicationObjects clean = agent.command(new DropClonedReplicationObjects());
        clean.setTarget(green(DB));
        clean.setNames(names(DB));
        assertTrue(((StepSucceeded) agent.send(clean)).getAlreadyDone(), "nothing was cloned here");
    }
}
