package io.bluegreen.coordinator.saga;

import io.bluegreen.coordinator.saga.Transitions.Transition;
import io.bluegreen.coordinator.saga.Transitions.Trigger;
import io.bluegreen.schemas.command.pg.RunSwitchover;
import io.bluegreen.schemas.common.UpgradePhase;
import io.bluegreen.schemas.common.UpgradePlan;
import io.bluegreen.schemas.event.PhaseEntered;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Every legal transition, made by the input that makes it; and the requests refused where they are illegal. The
 * saga itself refuses to record a transition that is not in {@link Transitions#legal()}.
 */
class TransitionsTest {

    @TestFactory
    Stream<DynamicTest> eachLegalTransitionIsMadeByItsTrigger() {
        return Transitions.legal().stream().map(t -> DynamicTest.dynamicTest(t.from() + " -> " + t.to() + " (" + t.trigger()
                + ")", () -> make(t)));
    }

    private static void make(Transition t) {
        SagaDriver d = new SagaDriver();
        switch (t.trigger()) {
            case ACCEPTED -> d.start(SagaDriver.plan());
            case STEPS_DONE, LAG_HELD, APPROVED -> {
                d.start(variantRunning(t.from(), t.to()));
                d.driveTo(t.from());
                d.driveTo(t.to());
            }
            case ABORTED -> abortASwitchover(d);
            case FAILED -> failIn(d, t.from());
            case RETRY -> {
                failIn(d, t.to());
                d.apply(d.saga.retry(d.state, "alice", d.now));
            }
            case WAIVED -> {
                d.start(SagaDriver.plan());
                d.driveTo(UpgradePhase.CLEANING_UP);
                d.fail(d.pending(Step.VERIFY_DATA), false);
                d.apply(d.saga.waiveVerification(d.state, "alice", "compared by hand", d.now));
            }
            case ROLLBACK -> {
                if (t.from() == UpgradePhase.FAILED) {
                    failIn(d, UpgradePhase.CLONING_GREEN);
                } else {
                    d.start(variantRunning(t.from(), t.from()));
                    d.driveTo(t.from());
                }
                d.apply(d.saga.rollback(d.state, "test", "alice", d.now));
            }
            case UNDONE -> {
                d.start(SagaDriver.plan());
                d.driveTo(UpgradePhase.CLONING_GREEN);
                d.apply(d.saga.rollback(d.state, "test", "alice", d.now));
                d.answerAll();
            }
        }
        PhaseEntered made = d.phaseChanges().stream().filter(p -> p.getPreviousPhase() == t.from() && p.getPhase() == t.to())
                .findFirst().orElseThrow(() -> new AssertionError(t + " was not made; phases: " + d.phaseChanges().stream()
                        .map(p -> p.getPreviousPhase() + "->" + p.getPhase()).toList()));
        assertEquals(t.to(), made.getPhase());
        d.assertStateIsTheFold();
    }

    /** Every phase an upgrade can be found in. */
    private static Stream<UpgradePhase> phasesExcept(UpgradePhase... except) {
        List<UpgradePhase> excluded = List.of(except);
        return Arrays.stream(UpgradePhase.values()).filter(p -> p != UpgradePhase.UNKNOWN && p != UpgradePhase.REQUESTED)
                .filter(p -> !excluded.contains(p));
    }

    @TestFactory
    Stream<DynamicTest> approvalOutsideReadyForSwitchoverIsRefused() {
        return phasesExcept(UpgradePhase.READY_FOR_SWITCHOVER).map(phase -> DynamicTest.dynamicTest(phase.name(), () -> {
            SagaDriver d = reach(phase);
            SagaRefusal refusal = assertThrows(SagaRefusal.class, () -> d.saga.approve(d.state, "bob", Map.of(), d.now));
            assertTrue(refusal.getMessage().contains("only in READY_FOR_SWITCHOVER"), refusal.getMessage());
        }));
    }

    @TestFactory
    Stream<DynamicTest> retryOfAnUpgradeThatHasNotFailedIsRefused() {
        return phasesExcept(UpgradePhase.FAILED).map(phase -> DynamicTest.dynamicTest(phase.name(), () -> {
            SagaDriver d = reach(phase);
            SagaRefusal refusal = assertThrows(SagaRefusal.class, () -> d.saga.retry(d.state, "alice", d.now));
            assertTrue(refusal.getMessage().contains("only a FAILED upgrade can be retried"), refusal.getMessage());
        }));
    }

    @TestFactory
    Stream<DynamicTest> rollbackIsRefusedAfterTheProofAfterTheEndAndWhileRollingBack() {
        return Stream.of(UpgradePhase.CLEANING_UP, UpgradePhase.COMPLETED, UpgradePhase.ROLLING_BACK, UpgradePhase.ROLLED_BACK)
                .map(phase -> DynamicTest.dynamicTest(phase.name(), () -> {
                    SagaDriver d = reach(phase);
                    assertThrows(SagaRefusal.class, () -> d.saga.rollback(d.state, "late", "alice", d.now));
                }));
    }

    @Test
    void rollbackOfAnUpgradeThatFailedAfterTheProofIsRefused() {
        SagaDriver d = new SagaDriver().start(SagaDriver.plan());
        d.driveTo(UpgradePhase.CLEANING_UP);
        d.fail(d.pending(Step.VERIFY_DATA), false);
        assertEquals(UpgradePhase.FAILED, d.state.phase());
        SagaRefusal refusal = assertThrows(SagaRefusal.class, () -> d.saga.rollback(d.state, "late", "alice", d.now));
        assertTrue(refusal.getMessage().contains("would lose writes made on Green"), refusal.getMessage());
    }

    @TestFactory
    Stream<DynamicTest> aWaiverIsRefusedUnlessTheVerificationAfterTheProofStoppedTheUpgrade() {
        return phasesExcept().map(phase -> DynamicTest.dynamicTest(phase.name(), () -> {
            SagaDriver d = reach(phase);
            SagaRefusal refusal = assertThrows(SagaRefusal.class, () -> d.saga.waiveVerification(d.state, "alice", "why", d.now));
            assertTrue(refusal.getMessage().contains("can be waived only when"), refusal.getMessage());
        }));
    }

    @Test
    void theTableCoversEveryPhaseAnUpgradeCanBeIn() {
        List<UpgradePhase> reachable = Arrays.stream(UpgradePhase.values()).filter(p -> p != UpgradePhase.UNKNOWN).toList();
        for (UpgradePhase phase : reachable) {
            assertTrue(Transitions.legal().stream().anyMatch(t -> t.from() == phase || t.to() == phase),
                    phase + " appears in no transition");
        }
        assertTrue(Transitions.legal().stream().noneMatch(t -> t.from() == UpgradePhase.COMPLETED
                || t.from() == UpgradePhase.ROLLED_BACK), "COMPLETED and ROLLED_BACK are final");
        assertTrue(Transitions.isLegal(UpgradePhase.FAILED, UpgradePhase.ROLLING_BACK, Trigger.RETRY),
                "a failed undo can be retried");
    }

    /** A plan whose phases hold both. */
    private static UpgradePlan variantRunning(UpgradePhase from, UpgradePhase to) {
        return SagaDriver.variants().stream().filter(plan -> {
            List<UpgradePhase> phases = PhasePlan.phases(plan);
            if (!phases.contains(from) || !phases.contains(to)) {
                return false;
            }
            return from == to || PhasePlan.next(plan, from) == to;
        }).findFirst().orElseThrow(() -> new AssertionError("no plan runs " + from + " -> " + to));
    }

    private static void abortASwitchover(SagaDriver d) {
        d.start(SagaDriver.plan());
        d.driveTo(UpgradePhase.SWITCHING_OVER);
        d.answerAll(command -> command instanceof RunSwitchover);
        d.fail(d.pending(Step.RUN_SWITCHOVER), false);
    }

    /** Makes the upgrade fail in {@code phase}: a step of it fails for good. */
    private static void failIn(SagaDriver d, UpgradePhase phase) {
        switch (phase) {
            case REPLICATING -> {
                abortASwitchover(d);
                d.fail(d.pending(Step.RELEASE_FENCE), false);
            }
            case ROLLING_BACK -> {
                d.start(SagaDriver.plan());
                d.driveTo(UpgradePhase.CLONING_GREEN);
                d.apply(d.saga.rollback(d.state, "test", "alice", d.now));
                d.answer(d.pending(Step.CLONE_CLUSTER));
                d.fail(d.pending(Step.DELETE_CLUSTER), false);
            }
            case INITIAL_COPY -> {
                // never entered any more: an upgrade recorded in it with the removed logical-copy strategy is stopped
                d.replay(LogicalCopyHistory.upTo(UpgradePhase.INITIAL_COPY));
                d.apply(d.saga.onTick(d.state, d.now));
            }
            default -> {
                d.start(variantRunning(phase, phase));
                d.driveTo(phase);
                if (d.state.awaitingRetirement()) {
                    d.now = d.state.nextDeadline().orElseThrow(); // old Blue's retention passes
                    d.apply(d.saga.onTick(d.state, d.now));
                }
                d.fail(d.unanswered().get(0), false);
            }
        }
        assertEquals(UpgradePhase.FAILED, d.state.phase());
        assertEquals(phase, d.state.failedPhase().orElseThrow());
    }

    /** An upgrade in {@code phase}. */
    private static SagaDriver reach(UpgradePhase phase) {
        SagaDriver d = new SagaDriver();
        switch (phase) {
            case FAILED -> failIn(d, UpgradePhase.PREFLIGHT);
            case ROLLING_BACK -> {
                d.start(SagaDriver.plan());
                d.driveTo(UpgradePhase.CLONING_GREEN);
                d.apply(d.saga.rollback(d.state, "test", "alice", d.now));
            }
            case INITIAL_COPY -> d.replay(LogicalCopyHistory.upTo(UpgradePhase.INITIAL_COPY));
            case ROLLED_BACK -> {
                d.start(SagaDriver.plan());
                d.driveTo(UpgradePhase.PREPARING_BLUE);
                d.apply(d.saga.rollback(d.state, "test", "alice", d.now));
                d.answerAll();
            }
            default -> {
                d.start(variantRunning(phase, phase));
                d.driveTo(phase);
            }
        }
        assertEquals(phase, d.state.phase());
        return d;
    }
}
