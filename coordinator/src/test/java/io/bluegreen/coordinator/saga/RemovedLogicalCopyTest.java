package io.bluegreen.coordinator.saga;

import io.bluegreen.schemas.command.aws.DeleteCluster;
import io.bluegreen.schemas.common.ClusterRef;
import io.bluegreen.schemas.common.FailureReason;
import io.bluegreen.schemas.common.UpgradePhase;
import io.bluegreen.schemas.event.CommandResent;
import io.bluegreen.schemas.event.StepFailureRecorded;
import io.bluegreen.schemas.event.UpgradeFailed;
import io.bluegreen.schemas.result.ClusterReady;
import io.bluegreen.schemas.result.StepFailed;
import io.bluegreen.schemas.result.StepSucceeded;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The {@code logical_copy} strategy was removed: a new plan with it is refused, and an upgrade recorded with it before
 * the removal is replayed without error, stopped in FAILED with what to do, never taken further forward, and rolled
 * back with the Green it created.
 */
class RemovedLogicalCopyTest {

    private static final List<String> REMOVED_COMMANDS = List.of("CreateCluster", "AwaitInitialCopy", "CloneCluster");

    @Test
    void aNewLogicalCopyPlanIsRefusedOnItsStrategyWithWhatToUse() {
        SagaDriver d = new SagaDriver();
        InvalidPlanException refusal = assertThrows(InvalidPlanException.class,
                () -> d.saga.start(SagaDriver.UPGRADE, LogicalCopyHistory.plan(), "alice", d.now));
        assertEquals(List.of("strategy"), refusal.problems().stream().map(PlanCheck.FieldProblem::field).toList());
        assertTrue(refusal.getMessage().contains("use 'snapshot'"), refusal.getMessage());
    }

    @Test
    void anUpgradeRecordedInInitialCopyIsStoppedInFailedAtTheFirstTickAndSendsNothing() {
        SagaDriver d = new SagaDriver().replay(LogicalCopyHistory.upTo(UpgradePhase.INITIAL_COPY));
        assertEquals(UpgradePhase.INITIAL_COPY, d.state.phase(), "replayed as recorded");
        assertTrue(d.state.retired());
        assertEquals(Map.of(), d.state.pending(), "nothing waits for the answer of an AwaitInitialCopy");
        assertEquals(Instant.EPOCH, d.state.nextDeadline().orElseThrow(), "the owner ticks it at once");

        d.apply(d.saga.onTick(d.state, d.now));

        assertEquals(UpgradePhase.FAILED, d.state.phase());
        assertEquals(UpgradePhase.INITIAL_COPY, d.state.failedPhase().orElseThrow());
        UpgradeFailed failed = d.last(UpgradeFailed.class);
        assertEquals(FailureReason.PRECONDITION_FAILED, failed.getReason());
        assertFalse(failed.getRetryable());
        assertTrue(failed.getMessage().contains("strategy logical_copy, which this coordinator no longer runs")
                && failed.getMessage().contains("POST /upgrades/" + SagaDriver.UPGRADE + "/rollback")
                && failed.getMessage().contains("again with strategy snapshot"), failed.getMessage());
        assertEquals(List.of(), d.sent, "nothing is sent for it");
        assertEquals(java.util.Optional.empty(), d.state.nextDeadline(), "stopped: no tick is needed any more");
        assertTrue(d.saga.onTick(d.state, d.now.plus(Duration.ofHours(1))).isEmpty());
        d.assertStateIsTheFold();
    }

    @Test
    void itsRetryIsRefusedAndItsRollbackDeletesTheGreenItCreated() {
        SagaDriver d = new SagaDriver().replay(LogicalCopyHistory.upTo(UpgradePhase.INITIAL_COPY));
        d.apply(d.saga.onTick(d.state, d.now));

        SagaRefusal retry = assertThrows(SagaRefusal.class, () -> d.saga.retry(d.state, "alice", d.now));
        assertTrue(retry.getMessage().contains("cannot be retried") && retry.getMessage().contains("strategy snapshot"),
                retry.getMessage());

        d.apply(d.saga.rollback(d.state, "planned with logical_copy", "alice", d.now));
        assertEquals(UpgradePhase.ROLLING_BACK, d.state.phase());
        d.answerAll();
        assertEquals(UpgradePhase.ROLLED_BACK, d.state.phase());
        assertEquals(List.of("DropSubscription", "DropSubscription", "DeleteCluster", "DropPublicationAndSlot",
                "DropPublicationAndSlot"), d.stepsSent(), "newest first: the subscriptions, Green, Blue's publications");
        DeleteCluster delete = d.sent.stream().map(Outbound::command).filter(DeleteCluster.class::isInstance)
                .map(DeleteCluster.class::cast).findFirst().orElseThrow();
        assertEquals(Commands.greenIdentifier(SagaDriver.UPGRADE, LogicalCopyHistory.plan()),
                delete.getCluster().getIdentifier(), "the Green CreateCluster made");
        assertTrue(d.stepsSent().stream().noneMatch(REMOVED_COMMANDS::contains), d.stepsSent().toString());
        d.assertStateIsTheFold();
    }

    @Test
    void anUpgradeRecordedWhileGreenWasCreatedIgnoresTheLateAnswerAndClonesNothing() {
        SagaDriver d = new SagaDriver().replay(LogicalCopyHistory.upTo(UpgradePhase.CLONING_GREEN));
        assertEquals(Map.of(), d.state.pending(), "nothing waits for a CreateCluster");
        String createCluster = LogicalCopyHistory.commandId("CreateCluster", null);
        ClusterRef green = ClusterRef.newBuilder(LogicalCopyHistory.plan().getBlue()).setIdentifier("orders-green")
                .setHost("green.local").setPort(6543).build();
        ClusterReady late = new ClusterReady(SagaDriver.UPGRADE, createCluster, "CreateCluster", 1, d.now, green, "17.9",
                null, List.of());
        assertTrue(d.saga.onResult(d.state, late, d.now).isEmpty(), "an answer nothing waits for");

        d.apply(d.saga.onTick(d.state, d.now));
        assertEquals(UpgradePhase.FAILED, d.state.phase());
        assertEquals(UpgradePhase.CLONING_GREEN, d.state.failedPhase().orElseThrow());
        assertEquals(List.of(), d.sent, "no CloneCluster over the Green being created");

        d.apply(d.saga.rollback(d.state, "planned with logical_copy", "alice", d.now));
        assertEquals(List.of("DeleteCluster"), d.stepsSent(), "Green first, then Blue's publications");
        d.answerAll();
        assertEquals(UpgradePhase.ROLLED_BACK, d.state.phase());
        assertEquals(List.of("DeleteCluster", "DropPublicationAndSlot", "DropPublicationAndSlot"), d.stepsSent());
    }

    @Test
    void anAnswerBeforeTheFirstTickStopsItInsteadOfTakingItFurther() {
        SagaDriver d = new SagaDriver().replay(LogicalCopyHistory.upTo(UpgradePhase.PREPARING_BLUE));
        String enable = LogicalCopyHistory.commandId("EnableLogicalReplication", null);
        d.apply(d.saga.onResult(d.state, new StepSucceeded(SagaDriver.UPGRADE, enable, "EnableLogicalReplication", 1, d.now,
                "on", false, Map.of()), d.now));
        assertEquals(UpgradePhase.FAILED, d.state.phase());
        assertEquals(UpgradePhase.PREPARING_BLUE, d.state.failedPhase().orElseThrow());
        assertEquals(List.of(), d.sent, "no CreateSlot, no CloneCluster");

        String publication = LogicalCopyHistory.commandId("CreatePublication", "app");
        d.apply(d.saga.onResult(d.state, new StepFailed(SagaDriver.UPGRADE, publication, "CreatePublication", 1, d.now,
                FailureReason.UNREACHABLE, true, null, "connection refused"), d.now));
        assertEquals(List.of(), d.sent, "a retryable failure is recorded, not retried");
        assertEquals(UpgradePhase.FAILED, d.state.phase());
        d.assertStateIsTheFold();
    }

    @Test
    void aRetryableFailureOfAStepInFlightStopsItRatherThanRetrying() {
        SagaDriver d = new SagaDriver().replay(LogicalCopyHistory.upTo(UpgradePhase.PREPARING_BLUE));
        String enable = LogicalCopyHistory.commandId("EnableLogicalReplication", null);
        d.apply(d.saga.onResult(d.state, new StepFailed(SagaDriver.UPGRADE, enable, "EnableLogicalReplication", 1, d.now,
                FailureReason.THROTTLED, true, null, "slow down"), d.now));
        assertEquals(UpgradePhase.FAILED, d.state.phase());
        assertTrue(d.last(UpgradeFailed.class).getMessage().contains("no longer runs"), d.last(UpgradeFailed.class).getMessage());
        assertEquals(List.of(), d.sent);
    }

    @Test
    void itsCreateSubscriptionThatAskedForTheCopyIsNeverSentAgain() {
        SagaDriver d = new SagaDriver().replay(LogicalCopyHistory.upTo(UpgradePhase.SUBSCRIBING));
        d.apply(d.saga.onTick(d.state, d.now));
        assertEquals(2, d.state.pending().size(), "the two CreateSubscription still await their answers");

        d.now = d.now.plus(Duration.ofMinutes(11));
        d.apply(d.saga.onTick(d.state, d.now));
        assertEquals(List.of(), d.all(CommandResent.class), "not re-sent: today's command would not ask for the copy");
        assertEquals(List.of(), d.sent);
        assertEquals(2, d.all(StepFailureRecorded.class).stream().filter(f -> f.getReason() == FailureReason.TIMEOUT).count());
        assertEquals(Map.of(), d.state.pending());
        assertEquals(UpgradePhase.FAILED, d.state.phase());
    }

    @Test
    void anUpgradeRecordedAsReplicatingIsStoppedToo() {
        SagaDriver d = new SagaDriver().replay(LogicalCopyHistory.upTo(UpgradePhase.REPLICATING));
        assertTrue(d.saga.onLagHeld(d.state, Map.of(), d.now).events().stream().anyMatch(UpgradeFailed.class::isInstance),
                "the lag gate opening does not take it on");
        d.apply(d.saga.onTick(d.state, d.now));
        assertEquals(UpgradePhase.FAILED, d.state.phase());
        assertEquals(UpgradePhase.REPLICATING, d.state.failedPhase().orElseThrow());
    }

    @Test
    void anUpgradeRecordedAsReadyForSwitchoverWaitsWithItsApprovalRefused() {
        SagaDriver d = new SagaDriver().replay(LogicalCopyHistory.upTo(UpgradePhase.READY_FOR_SWITCHOVER));
        assertEquals(java.util.Optional.empty(), d.state.nextDeadline(), "READY_FOR_SWITCHOVER cannot fail: it waits");
        SagaRefusal approval = assertThrows(SagaRefusal.class, () -> d.saga.approve(d.state, "bob", Map.of(), d.now));
        assertTrue(approval.getMessage().contains("cannot be approved") && approval.getMessage().contains("/rollback"),
                approval.getMessage());
        d.apply(d.saga.rollback(d.state, "planned with logical_copy", "alice", d.now));
        d.answerAll();
        assertEquals(UpgradePhase.ROLLED_BACK, d.state.phase());
        assertTrue(d.stepsSent().contains("DeleteCluster"), d.stepsSent().toString());
    }

    @Test
    void aRetiredStepHasNoTimeoutToConfigure() {
        IllegalArgumentException refused = assertThrows(IllegalArgumentException.class,
                () -> StepTimeouts.of(Map.of("AwaitInitialCopy", Duration.ofMinutes(30))));
        assertTrue(refused.getMessage().contains("removed logical-copy strategy"), refused.getMessage());
    }
}
