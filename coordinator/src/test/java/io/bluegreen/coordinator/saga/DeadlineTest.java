package io.bluegreen.coordinator.saga;

import io.bluegreen.coordinator.api.TimelineEntry;
import io.bluegreen.coordinator.api.UpgradeView;
import io.bluegreen.schemas.command.aws.CloneCluster;
import io.bluegreen.schemas.command.pg.RunSwitchover;
import io.bluegreen.schemas.common.FailureReason;
import io.bluegreen.schemas.common.UpgradePhase;
import io.bluegreen.schemas.event.CommandResent;
import io.bluegreen.schemas.event.StepDispatched;
import io.bluegreen.schemas.event.StepFailureRecorded;
import io.bluegreen.schemas.event.StepProgressed;
import io.bluegreen.schemas.event.SwitchoverAborted;
import io.bluegreen.schemas.event.UpgradeFailed;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.List;

import static io.bluegreen.coordinator.saga.SagaDriver.T0;
import static io.bluegreen.coordinator.saga.SagaDriver.commandId;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Every command has a deadline: progress extends it, a silent command is re-sent once, then its step times out. */
class DeadlineTest {

    @Test
    void everyCommandIsDispatchedWithItsStepsDeadline() {
        SagaDriver d = new SagaDriver(StepTimeouts.defaults().with(Step.CLONE_CLUSTER, Duration.ofMinutes(45)));
        d.start(SagaDriver.plan());
        d.driveTo(UpgradePhase.CLONING_GREEN);
        for (StepDispatched dispatched : d.all(StepDispatched.class)) {
            Step step = Step.of(dispatched.getStep());
            Duration expected = step == Step.CLONE_CLUSTER ? Duration.ofMinutes(45) : step.defaultTimeout();
            assertEquals(dispatched.getOccurredAt().plus(expected), dispatched.getDeadline(), step + "'s deadline");
        }
        assertEquals(Duration.ofMinutes(2), Step.CREATE_SLOT.defaultTimeout(), "SQL steps: minutes, not hours");
        assertEquals(T0.plus(Duration.ofMinutes(45)).plusMillis(1), d.state.nextDeadline().orElseThrow(),
                "the clone is the only command in flight");
    }

    @Test
    void aSilentCommandIsResentOnceWithTheSameIdThenItsStepFailsWithTimeout() {
        SagaDriver d = new SagaDriver().start(SagaDriver.plan());
        d.driveTo(UpgradePhase.CLONING_GREEN);
        Outbound clone = d.pending(Step.CLONE_CLUSTER);
        Instant deadline = d.state.pending().get(commandId(clone.command())).deadline();
        assertEquals(deadline.plusMillis(1), d.state.nextDeadline().orElseThrow());

        assertTrue(d.saga.onTick(d.state, deadline).isEmpty(), "nothing to do at the deadline itself");
        Instant late = d.state.nextDeadline().orElseThrow();
        Decision resend = d.apply(d.saga.onTick(d.state, late));
        CommandResent resent = assertInstanceOf(CommandResent.class, resend.events().get(0));
        assertEquals(commandId(clone.command()), resent.getCommandId());
        assertEquals(1, resent.getResend());
        assertEquals(late.plus(Step.CLONE_CLUSTER.defaultTimeout()), resent.getDeadline());
        CloneCluster again = (CloneCluster) resend.commands().get(0).command();
        assertEquals(commandId(clone.command()), again.getCommandId(), "the same command id: the agent answers it once");
        assertEquals(((CloneCluster) clone.command()).getTargetIdentifier(), again.getTargetIdentifier());
        assertEquals(1, again.getAttempt());
        assertEquals(UpgradePhase.CLONING_GREEN, d.state.phase());

        Instant later = d.state.nextDeadline().orElseThrow();
        assertEquals(resent.getDeadline().plusMillis(1), later);
        Decision timeout = d.apply(d.saga.onTick(d.state, later));
        assertTrue(timeout.commands().isEmpty(), "not re-sent a second time");
        StepFailureRecorded failure = d.last(StepFailureRecorded.class);
        assertEquals(FailureReason.TIMEOUT, failure.getReason());
        assertEquals(UpgradePhase.FAILED, d.state.phase());
        UpgradeFailed failed = d.last(UpgradeFailed.class);
        assertEquals(UpgradePhase.CLONING_GREEN, failed.getPhase());
        for (String part : List.of("CloneCluster", commandId(clone.command()), "aws-agent", "bluegreen.aws.commands",
                "re-sent 1 time(s)", "1200 s", "check that an instance of the aws-agent is running")) {
            assertTrue(failed.getMessage().contains(part), "'" + part + "' in: " + failed.getMessage());
        }
        assertTrue(d.state.nextDeadline().isEmpty(), "nothing pending");

        d.apply(d.saga.retry(d.state, "alice", later));
        assertEquals("upg-1/CloneCluster/2", commandId(d.pending(Step.CLONE_CLUSTER).command()),
                "a retry sends a new attempt");
        d.answerAll();
        d.assertStateIsTheFold();
    }

    @Test
    void progressMovesTheDeadlineAndShowsInTheApiAndTheTimeline() {
        SagaDriver d = new SagaDriver().start(SagaDriver.plan());
        d.driveTo(UpgradePhase.CLONING_GREEN);
        Outbound clone = d.pending(Step.CLONE_CLUSTER);
        Instant at = T0.plus(Duration.ofMinutes(8));
        d.now = at;
        d.answer(clone, AgentAnswers.progress(clone.command(), "status creating", 40, at));
        StepProgressed progressed = d.last(StepProgressed.class);
        assertEquals(at.plus(Step.CLONE_CLUSTER.defaultTimeout()), progressed.getDeadline());
        assertEquals(at.plus(Step.CLONE_CLUSTER.defaultTimeout()).plusMillis(1), d.state.nextDeadline().orElseThrow());
        assertTrue(d.saga.onTick(d.state, T0.plus(Duration.ofMinutes(11))).isEmpty(),
                "past the first deadline, but the agent reported progress since");

        UpgradeView view = UpgradeView.of(d.state, d.history);
        UpgradeView.Pending pending = view.waitingFor().get(0);
        assertEquals("CloneCluster", pending.step());
        assertEquals("status creating", pending.progress());
        assertEquals(40, pending.percent());
        assertEquals(progressed.getDeadline().toString(), pending.deadline());
        TimelineEntry entry = TimelineEntry.of(progressed);
        assertEquals("StepProgressed", entry.event());
        assertTrue(entry.detail().contains("CloneCluster (command upg-1/CloneCluster/1) in progress: status creating (40%)"),
                entry.detail());

        d.apply(d.saga.onTick(d.state, d.state.nextDeadline().orElseThrow()));
        TimelineEntry resent = TimelineEntry.of(d.last(CommandResent.class));
        assertTrue(resent.detail().contains("had no answer by its deadline: re-sent with the same id (re-send 1)"),
                resent.detail());
        assertEquals(1, UpgradeView.of(d.state, d.history).waitingFor().get(0).resends());
    }

    @Test
    void theSwitchoverIsNeverResentAndProgressDoesNotExtendItsDeadline() {
        SagaDriver d = new SagaDriver().start(SagaDriver.plan());
        d.driveTo(UpgradePhase.SWITCHING_OVER);
        d.answerAll(command -> command instanceof RunSwitchover);
        Outbound run = d.pending(Step.RUN_SWITCHOVER);
        Instant deadline = d.state.switchover().deadline().orElseThrow();
        assertEquals(deadline.plus(SagaDriver.GRACE).plusMillis(1), d.state.nextDeadline().orElseThrow(),
                "the switchover's deadline plus the grace");
        d.answer(run, AgentAnswers.progress(run.command(), "draining", null, T0.plusSeconds(30)));
        assertEquals(deadline.plus(SagaDriver.GRACE).plusMillis(1), d.state.nextDeadline().orElseThrow());

        Decision abort = d.apply(d.saga.onTick(d.state, d.state.nextDeadline().orElseThrow()));
        assertTrue(abort.events().stream().noneMatch(e -> e instanceof CommandResent));
        assertTrue(d.last(SwitchoverAborted.class).getReason().contains("no answer from the pg-agent"));
        assertEquals(UpgradePhase.REPLICATING, d.state.phase());
        assertEquals(List.of("UnfenceWrites", "UnfenceWrites"), abort.commands().stream()
                .map(o -> o.command().getSchema().getName()).toList());
    }

    @Test
    void ticksBeforeAnyDeadlineAndAfterTheEndDecideNothing() {
        SagaDriver d = new SagaDriver().start(SagaDriver.plan());
        assertTrue(d.saga.onTick(d.state, T0.plusSeconds(119)).isEmpty());
        d.driveTo(UpgradePhase.COMPLETED);
        assertTrue(d.state.nextDeadline().isEmpty());
        assertTrue(d.saga.onTick(d.state, T0.plus(Duration.ofDays(1))).isEmpty());
    }

    @Test
    void commandsOfEveryDatabaseTimeOutOnTheirOwn() {
        SagaDriver d = new SagaDriver().start(SagaDriver.plan());
        d.driveTo(UpgradePhase.PREPARING_BLUE);
        d.answer(d.pending(Step.ENABLE_LOGICAL_REPLICATION));
        List<Outbound> publications = d.unanswered();
        assertEquals(2, publications.size());
        d.answer(publications.get(0));
        Instant due = d.state.nextDeadline().orElseThrow();
        Decision resend = d.apply(d.saga.onTick(d.state, due));
        assertEquals(1, resend.commands().size(), "only billing's publication is overdue");
        assertEquals(commandId(publications.get(1).command()), commandId(resend.commands().get(0).command()));
        assertFalse(d.state.pending().containsKey(commandId(publications.get(0).command())));
    }
}
