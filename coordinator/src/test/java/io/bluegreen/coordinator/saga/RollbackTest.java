package io.bluegreen.coordinator.saga;

import io.bluegreen.schemas.Topics;
import io.bluegreen.schemas.command.aws.DeleteCluster;
import io.bluegreen.schemas.command.pg.RunSwitchover;
import io.bluegreen.schemas.command.pg.UnfenceWrites;
import io.bluegreen.schemas.common.FailureReason;
import io.bluegreen.schemas.common.UpgradePhase;
import io.bluegreen.schemas.event.CommandResent;
import io.bluegreen.schemas.event.RollbackStarted;
import io.bluegreen.schemas.event.StepFailureRecorded;
import io.bluegreen.schemas.event.SwitchoverAborted;
import io.bluegreen.schemas.event.UpgradeFailed;
import io.bluegreen.schemas.event.WriterEndpointChanged;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.List;

import static io.bluegreen.coordinator.saga.SagaDriver.commandId;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A rollback compensates what was attempted, not only what completed, newest first. */
class RollbackTest {

    private static List<String> names(List<Outbound> commands) {
        return commands.stream().map(o -> o.command().getSchema().getName()).toList();
    }

    private static SagaDriver switchoverInFlight() {
        SagaDriver d = new SagaDriver().start(SagaDriver.plan());
        d.driveTo(UpgradePhase.SWITCHING_OVER);
        d.answerAll(command -> command instanceof RunSwitchover);
        return d;
    }

    @Test
    void aProofArrivingAfterTheRollbackWasAskedIsAnAbortAndBlueIsUnfenced() {
        SagaDriver d = switchoverInFlight();
        Outbound run = d.pending(Step.RUN_SWITCHOVER);
        Decision rollback = d.apply(d.saga.rollback(d.state, "changed our minds", "alice", d.now));
        assertInstanceOf(RollbackStarted.class, rollback.events().get(0), "recorded at once");
        assertEquals(UpgradePhase.ROLLING_BACK, d.state.phase());
        assertTrue(rollback.commands().isEmpty(), "the fence in flight is awaited before anything is undone");

        d.answer(run);
        assertFalse(d.sent.stream().anyMatch(o -> o.topic().equals(Topics.ENDPOINTS)), "never repointed");
        assertTrue(d.all(WriterEndpointChanged.class).isEmpty());
        SwitchoverAborted aborted = d.last(SwitchoverAborted.class);
        assertEquals(UpgradePhase.ROLLING_BACK, aborted.getNextPhase());
        assertTrue(aborted.getReason().contains("after a rollback was asked for"), aborted.getReason());
        assertFalse(d.state.switchedOver(), "the proof does not count: a rollback stays possible to finish");
        List<Outbound> unfence = d.unanswered();
        assertEquals(List.of("UnfenceWrites", "UnfenceWrites"), names(unfence));
        for (Outbound out : unfence) {
            assertFalse(((UnfenceWrites) out.command()).getKeepGuards(), "a rollback removes the guards as well");
        }
        int before = d.sent.size() - 2;
        d.answerAll();
        assertEquals(UpgradePhase.ROLLED_BACK, d.state.phase());
        assertEquals(List.of("UnfenceWrites", "UnfenceWrites", "DropSubscription", "DropSubscription", "DeleteCluster",
                "DropPublicationAndSlot", "DropPublicationAndSlot"), d.stepsSent().subList(before, d.sent.size()),
                "newest first");
        d.assertStateIsTheFold();
    }

    @Test
    void aSwitchoverThatNeverAnswersIsAbortedAtItsDeadlineAndTheRollbackGoesOn() {
        SagaDriver d = switchoverInFlight();
        d.apply(d.saga.rollback(d.state, "changed our minds", "alice", d.now));
        Instant due = d.state.nextDeadline().orElseThrow();
        assertEquals(d.state.switchover().deadline().orElseThrow().plus(SagaDriver.GRACE).plusMillis(1), due);
        Decision tick = d.apply(d.saga.onTick(d.state, due));
        assertEquals(List.of("UnfenceWrites", "UnfenceWrites"), names(tick.commands()));
        d.answerAll();
        assertEquals(UpgradePhase.ROLLED_BACK, d.state.phase());
    }

    @Test
    void aCloneAnsweredAfterTheRollbackIsDeleted() {
        SagaDriver d = new SagaDriver().start(SagaDriver.plan());
        d.driveTo(UpgradePhase.CLONING_GREEN);
        Outbound clone = d.pending(Step.CLONE_CLUSTER);
        assertTrue(d.apply(d.saga.rollback(d.state, "wrong window", "alice", d.now)).commands().isEmpty(),
                "the clone in flight is awaited");
        d.answer(clone);
        Outbound delete = d.pending(Step.DELETE_CLUSTER);
        DeleteCluster command = (DeleteCluster) delete.command();
        assertEquals("orders-green-upg1", command.getCluster().getIdentifier());
        assertEquals("green.local", command.getCluster().getHost(), "the clone's answer is used");
        assertEquals(List.of("snap-1"), command.getSnapshots(), "with the snapshots made for it");
        assertEquals(List.of("DeleteCluster"), names(d.unanswered()), "newest first: Green before Blue's objects");
        d.answer(delete);
        assertEquals(List.of("DropPublicationAndSlot", "DropPublicationAndSlot"), names(d.unanswered()));
        d.answerAll();
        assertEquals(UpgradePhase.ROLLED_BACK, d.state.phase());
    }

    @Test
    void aCloneNeverAnsweredIsGivenUpAtItsDeadlineAndDeletedAnyway() {
        SagaDriver d = new SagaDriver().start(SagaDriver.plan());
        d.driveTo(UpgradePhase.CLONING_GREEN);
        d.apply(d.saga.rollback(d.state, "wrong window", "alice", d.now));
        assertTrue(d.saga.onTick(d.state, d.state.nextDeadline().orElseThrow().minusMillis(1)).isEmpty());
        Decision tick = d.apply(d.saga.onTick(d.state, d.state.nextDeadline().orElseThrow()));
        assertTrue(tick.events().stream().noneMatch(e -> e instanceof CommandResent), "not re-sent during a rollback");
        StepFailureRecorded given = d.last(StepFailureRecorded.class);
        assertEquals(FailureReason.TIMEOUT, given.getReason());
        assertEquals("CloneCluster", given.getStep());
        assertEquals(UpgradePhase.ROLLING_BACK, d.state.phase(), "a forward step timing out does not stop the rollback");
        assertEquals(List.of("DeleteCluster"), names(tick.commands()));
        DeleteCluster delete = (DeleteCluster) tick.commands().get(0).command();
        assertEquals("orders-green-upg1", delete.getCluster().getIdentifier(), "the name the clone was asked to use");
        assertEquals(null, delete.getCluster().getHost(), "never reported");
        assertEquals(List.of("orders-green-upg1-seed"), delete.getSnapshots(),
                "the seed snapshot an RDS clone takes first, in case it was taken");
        d.answerAll();
        assertEquals(UpgradePhase.ROLLED_BACK, d.state.phase());
        d.assertStateIsTheFold();
    }

    @Test
    void aFailedUndoStopsInFailedAndARetryRunsItAgainOnly() {
        SagaDriver d = new SagaDriver().start(SagaDriver.plan());
        d.driveTo(UpgradePhase.REPLICATING);
        d.apply(d.saga.rollback(d.state, "not today", "alice", d.now));
        d.answerAll(command -> command instanceof DeleteCluster);
        Outbound delete = d.pending(Step.DELETE_CLUSTER);
        d.fail(delete, false);
        assertEquals(UpgradePhase.FAILED, d.state.phase());
        assertEquals(UpgradePhase.ROLLING_BACK, d.state.failedPhase().orElseThrow());
        assertTrue(d.last(UpgradeFailed.class).getMessage().contains("the failed undo runs again"),
                d.last(UpgradeFailed.class).getMessage());
        assertThrows(SagaRefusal.class, () -> d.saga.approve(d.state, "bob", java.util.Map.of(), d.now));

        int before = d.sent.size();
        d.apply(d.saga.retry(d.state, "alice", d.now));
        assertEquals(UpgradePhase.ROLLING_BACK, d.state.phase());
        assertEquals(List.of("DeleteCluster"), d.stepsSent().subList(before, d.sent.size()),
                "the completed undo (DropSubscription) is not repeated");
        assertEquals("upg-1/DeleteCluster/2", commandId(d.pending(Step.DELETE_CLUSTER).command()));
        d.answerAll();
        assertEquals(UpgradePhase.ROLLED_BACK, d.state.phase());
        assertEquals(2, d.stepsSent().stream().filter("DropPublicationAndSlot"::equals).count());
    }

    @Test
    void aRollbackAskedAgainAfterAFailedUndoRunsItAgain() {
        SagaDriver d = new SagaDriver().start(SagaDriver.plan());
        d.driveTo(UpgradePhase.CLONING_GREEN);
        d.apply(d.saga.rollback(d.state, "not today", "alice", d.now));
        d.answer(d.pending(Step.CLONE_CLUSTER));
        d.fail(d.pending(Step.DELETE_CLUSTER), false);
        assertEquals(UpgradePhase.FAILED, d.state.phase());
        d.apply(d.saga.rollback(d.state, "cause fixed", "alice", d.now));
        assertEquals(UpgradePhase.ROLLING_BACK, d.state.phase());
        assertEquals("upg-1/DeleteCluster/2", commandId(d.pending(Step.DELETE_CLUSTER).command()));
        assertThrows(SagaRefusal.class, () -> d.saga.rollback(d.state, "again", "alice", d.now), "already rolling back");
        d.answerAll();
        assertEquals(UpgradePhase.ROLLED_BACK, d.state.phase());
    }

    @Test
    void aRetryableUndoFailureIsRetriedBeforeTheRollbackStops() {
        SagaDriver d = new SagaDriver().start(SagaDriver.plan());
        d.driveTo(UpgradePhase.CLONING_GREEN);
        d.apply(d.saga.rollback(d.state, "not today", "alice", d.now));
        d.answer(d.pending(Step.CLONE_CLUSTER));
        d.fail(d.pending(Step.DELETE_CLUSTER), true);
        assertEquals(UpgradePhase.ROLLING_BACK, d.state.phase());
        assertEquals("upg-1/DeleteCluster/2", commandId(d.pending(Step.DELETE_CLUSTER).command()));
    }

    @Test
    void onlyWhatWasAttemptedIsUndone() {
        SagaDriver d = new SagaDriver().start(SagaDriver.plan());
        d.driveTo(UpgradePhase.PREPARING_BLUE);
        d.answer(d.pending(Step.ENABLE_LOGICAL_REPLICATION));
        Decision rollback = d.apply(d.saga.rollback(d.state, "not today", "alice", d.now));
        assertTrue(rollback.commands().isEmpty(), "the publications in flight are awaited");
        d.answerAll();
        assertEquals(List.of("RunPreflight", "EnableLogicalReplication", "CreatePublication", "CreatePublication",
                "DropPublicationAndSlot", "DropPublicationAndSlot"), d.stepsSent(), "no Green to delete, no fence to lift");
        assertEquals(UpgradePhase.ROLLED_BACK, d.state.phase());
    }
}
