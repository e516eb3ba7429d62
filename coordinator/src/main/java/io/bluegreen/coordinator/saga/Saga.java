package io.bluegreen.coordinator.saga;

import io.bluegreen.coordinator.saga.Transitions.Trigger;
import io.bluegreen.schemas.Topics;
import io.bluegreen.schemas.common.AlertKind;
import io.bluegreen.schemas.common.FailureReason;
import io.bluegreen.schemas.common.GuardrailFinding;
import io.bluegreen.schemas.common.RepointMethod;
import io.bluegreen.schemas.common.Severity;
import io.bluegreen.schemas.common.ReplicatedDatabase;
import io.bluegreen.schemas.common.SwitchoverMode;
import io.bluegreen.schemas.common.UpgradePhase;
import io.bluegreen.schemas.common.UpgradePlan;
import io.bluegreen.schemas.event.CommandResent;
import io.bluegreen.schemas.event.DataVerificationRecorded;
import io.bluegreen.schemas.event.PhaseEntered;
import io.bluegreen.schemas.event.ReplicationEstablished;
import io.bluegreen.schemas.event.RetryRequested;
import io.bluegreen.schemas.event.RollbackStarted;
import io.bluegreen.schemas.event.RolledBack;
import io.bluegreen.schemas.event.StepCompleted;
import io.bluegreen.schemas.event.StepDispatched;
import io.bluegreen.schemas.event.StepFailureRecorded;
import io.bluegreen.schemas.event.StepProgressed;
import io.bluegreen.schemas.event.SwitchoverAborted;
import io.bluegreen.schemas.event.SwitchoverApproved;
import io.bluegreen.schemas.event.SwitchoverStarted;
import io.bluegreen.schemas.event.UpgradeCompleted;
import io.bluegreen.schemas.event.UpgradeFailed;
import io.bluegreen.schemas.event.UpgradeRequested;
import io.bluegreen.schemas.event.VerificationWaived;
import io.bluegreen.schemas.event.WriterEndpointChanged;
import io.bluegreen.schemas.monitor.AlertRaised;
import io.bluegreen.schemas.result.DataVerified;
import io.bluegreen.schemas.result.PreflightCompleted;
import io.bluegreen.schemas.result.StepFailed;
import io.bluegreen.schemas.result.StepInProgress;
import io.bluegreen.schemas.result.SwitchoverAbandoned;
import io.bluegreen.schemas.result.SwitchoverProven;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.specific.SpecificRecord;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * The upgrade saga as pure functions: state and an input in, a {@link Decision} (events + commands) out. No
 * I/O and no clock: the caller passes {@code now}, appends the events and publishes the commands atomically, and
 * the next state is the fold of the events ({@link UpgradeState#apply}). Phases and their stages are the table in
 * {@link PhasePlan}; the legal moves between phases are {@link Transitions#legal()} (and {@code docs/saga.md}).
 *
 * <p>Inputs: a new plan ({@link #start}), an agent's result ({@link #onResult}), time passing ({@link #onTick}),
 * the lag gate opening ({@link #onLagHeld}), a user's approval, retry or rollback. A retryable failure is retried
 * up to {@link #MAX_ATTEMPTS} times with a new command id; any other failure stops the upgrade in FAILED with the
 * reason, from where it can be retried (it resumes the failed phase) or rolled back (until the switchover is
 * proven). A check that finds a problem (a preflight with errors, a verification mismatch) is a failure of its
 * step, never a completion, so a retry runs it again.
 *
 * <p>Every command has a deadline ({@code StepDispatched.deadline}: dispatch time plus the step's timeout,
 * {@link StepTimeouts}). A progress report of the agent ({@code StepInProgress}) moves it to a timeout from then
 * ({@code StepProgressed}); past it, the command is re-sent once with the same id ({@code CommandResent}); past the
 * re-send's deadline, its step fails with TIMEOUT.
 *
 * <p>The switchover is one command, {@code RunSwitchover}, with a deadline recorded in {@code SwitchoverStarted}.
 * Its proof, received by the deadline plus {@code grace} (one hop), commits the switchover: Green's endpoint is
 * published ({@code WriterEndpointChanged}) or the identifiers are swapped. A guardrail refusal, a failure, or no
 * proof by then aborts it, without a re-send: {@code SwitchoverAborted}, Blue unfenced, back to REPLICATING, or
 * FAILED once the plan's attempts are used up.
 *
 * <p>After the clean-up, a plan with {@code oldBlueRetentionMs} &gt; 0 waits that long in RETIRING_BLUE (from its
 * {@code PhaseEntered}, so a coordinator that replays the events keeps the moment; {@link UpgradeState#nextDeadline()}
 * is then), and deletes old Blue with a final snapshot ({@code RetireOldBlue}); without it old Blue is kept.
 *
 * <p>A rollback undoes every step that was dispatched, answered or not, newest first ({@link Step#undo()}); it is
 * recorded at once, and its undo commands go out once the commands still in flight have answered or timed out. A
 * switchover still in flight when the rollback was asked never repoints: its proof counts as an abort, and the
 * rollback's {@code UnfenceWrites} unfences Blue. A failed undo stops in FAILED; retry or rollback runs it again.
 *
 * <p>An upgrade recorded with the removed {@code logical_copy} strategy ({@link UpgradeState#retired()}) goes no further
 * forward: the first tick after it is loaded stops it in FAILED with what to do (roll it back, plan again with
 * {@code snapshot}); a retry or an approval is refused; a rollback undoes what it did, Green included. Its
 * {@code CreateSubscription} is not re-sent (the command sent asked for the removed copy). A switchover already in
 * flight ends first, and one proven carries on to the end.
 */
public final class Saga {

    public static final int MAX_ATTEMPTS = 3;

    private final Supplier<String> eventIds;
    private final Duration grace;
    private final StepTimeouts timeouts;

    /** A saga with the steps' default timeouts. */
    public Saga(Supplier<String> eventIds, Duration grace) {
        this(eventIds, grace, StepTimeouts.defaults());
    }

    /**
     * @param grace    how long after a switchover's deadline its proof is still accepted: one hop through Kafka
     * @param timeouts how long each step's command may go without an answer or progress
     */
    public Saga(Supplier<String> eventIds, Duration grace, StepTimeouts timeouts) {
        this.eventIds = eventIds;
        this.grace = grace;
        this.timeouts = timeouts;
    }

    // ---------- inputs ----------

    public Decision start(String upgradeId, UpgradePlan plan, String requestedBy, Instant now) {
        validate(plan);
        UpgradeRequested requested = new UpgradeRequested(upgradeId, eventIds.get(), null, now, plan, requestedBy);
        UpgradeState state = UpgradeState.apply(null, requested);
        return new Decision(List.of(requested), List.of()).and(enter(state, UpgradePhase.PREFLIGHT, Trigger.ACCEPTED, now));
    }

    public Decision onResult(UpgradeState state, SpecificRecord result, Instant now) {
        String causationId = String.valueOf(((GenericRecord) result).get("causationId"));
        Dispatch dispatch = state.pending().get(causationId);
        if (dispatch == null) {
            return Decision.none(); // an answer we no longer wait for (duplicate, superseded attempt, timed out)
        }
        if (result instanceof StepInProgress progress) {
            return progressed(state, dispatch, progress, now);
        }
        if (dispatch.step() == Step.RUN_SWITCHOVER) {
            return onSwitchoverResult(state, dispatch, result, now);
        }
        if (result instanceof StepFailed failed) {
            return onFailure(state, dispatch, failed, now);
        }
        Decision verification = result instanceof DataVerified verified ? recordVerification(state, dispatch, verified, now)
                : Decision.none();
        Optional<String> blocking = blockingOutcome(result);
        if (blocking.isPresent()) {
            // a check that found a problem failed: not completed, so a retry runs it again
            StepFailureRecorded recorded = new StepFailureRecorded(state.upgradeId(), eventIds.get(), causationId, now,
                    dispatch.step().recordedName(), FailureReason.PRECONDITION_FAILED, false, null, blocking.get());
            Decision decision = verification.and(new Decision(List.of(recorded), List.of()));
            UpgradeState next = fold(state, decision);
            if (state.phase() == UpgradePhase.FAILED || forwardDuringRollback(state, dispatch)) {
                return decision.and(proceed(next, now));
            }
            return decision.and(fail(next, FailureReason.PRECONDITION_FAILED, false, blocking.get(), now));
        }
        Details.Summary summary = Details.of(result);
        StepCompleted completed = new StepCompleted(state.upgradeId(), eventIds.get(), causationId, now,
                dispatch.step().recordedName(), summary.summary(), summary.details());
        Decision decision = verification.and(new Decision(List.of(completed), List.of()));
        return decision.and(proceed(fold(state, decision), now));
    }

    /** A long step is still running: its deadline moves to a step timeout from now (the switchover's stays). */
    private Decision progressed(UpgradeState state, Dispatch dispatch, StepInProgress progress, Instant now) {
        Instant deadline = dispatch.step() == Step.RUN_SWITCHOVER ? dispatch.deadline() : now.plus(timeouts.of(dispatch.step()));
        StepProgressed progressed = new StepProgressed(state.upgradeId(), eventIds.get(), dispatch.commandId(), now,
                dispatch.commandId(), dispatch.step().recordedName(), dispatch.database(), progress.getDetail(),
                progress.getPercent(), deadline);
        return new Decision(List.of(progressed), List.of());
    }

    /**
     * The fenced program answered. A proof received in time commits the switchover, unless a rollback was asked
     * for meanwhile; anything else aborts the attempt, and Blue is unfenced in any case.
     */
    private Decision onSwitchoverResult(UpgradeState state, Dispatch dispatch, SpecificRecord result, Instant now) {
        if (result instanceof SwitchoverProven proven) {
            if (state.rollbackRequested()) {
                return abort(state, dispatch, FailureReason.CONFLICT, "the switchover was proven at " + proven.getProvenAt()
                        + " after a rollback was asked for: Green is not published, and the rollback unfences Blue",
                        List.of(), now.toEpochMilli() - proven.getFencedAt().toEpochMilli(), now);
            }
            Instant deadline = state.switchover().deadline().orElse(Instant.MAX);
            if (now.isAfter(deadline.plus(grace))) {
                return abort(state, dispatch, FailureReason.TIMEOUT, "the proof arrived at " + now + ", after the deadline "
                        + deadline + " (switchoverTimeout " + SwitchoverPlan.timeout(state.plan()).toMillis() + " ms)",
                        List.of(), now.toEpochMilli() - proven.getFencedAt().toEpochMilli(), now);
            }
            Details.Summary summary = Details.of(result);
            List<SpecificRecord> events = new ArrayList<>();
            proven.getDatabases().stream().filter(db -> db.getVerification() != null).forEach(db -> events.add(
                    new DataVerificationRecorded(state.upgradeId(), eventIds.get(), dispatch.commandId(), now, db.getDatabase(),
                            db.getVerification().stream().allMatch(t -> t.getMatched()), Commands.verifyMode(state.plan()),
                            db.getVerification())));
            events.add(new StepCompleted(state.upgradeId(), eventIds.get(), dispatch.commandId(), now,
                    dispatch.step().recordedName(), summary.summary(), summary.details()));
            Decision decision = new Decision(events, List.of());
            return decision.and(proceed(fold(state, decision), now));
        }
        if (result instanceof SwitchoverAbandoned abandoned) {
            return abort(state, dispatch, abandoned.getReason(), abandoned.getMessage(), abandoned.getFindings(),
                    abandoned.getFencedMs(), now);
        }
        if (result instanceof StepFailed failed) {
            return abort(state, dispatch, failed.getReason(), failed.getMessage(), List.of(), null, now);
        }
        return abort(state, dispatch, FailureReason.INTERNAL, "unexpected answer " + result.getSchema().getName(), List.of(),
                null, now);
    }

    /**
     * Time passed. Every pending command past its deadline is re-sent once with the same id, or, when it was
     * re-sent already, its step fails with TIMEOUT. A command sent before a rollback is not re-sent once the rollback
     * was asked for: it is given up at its deadline, and the rollback undoes whatever it did. A switchover whose proof has not arrived by its deadline plus
     * the grace is aborted and Blue unfenced, whatever became of the agent doing it (dead, stuck, partitioned away).
     * {@link UpgradeState#nextDeadline()} says when to call this next.
     */
    public Decision onTick(UpgradeState state, Instant now) {
        if (state.isTerminal()) {
            return Decision.none();
        }
        if (state.stoppable()) {
            return stop(state, now);
        }
        Decision decision = Decision.none();
        UpgradeState current = state;
        for (Dispatch due : state.pending().values()) {
            Dispatch dispatch = current.pending().get(due.commandId());
            if (dispatch == null || !now.isAfter(dispatch.deadline())) {
                continue;
            }
            Decision step;
            if (dispatch.step() == Step.RUN_SWITCHOVER) {
                Instant deadline = current.switchover().deadline().orElse(dispatch.deadline());
                step = abort(current, dispatch, FailureReason.TIMEOUT, "no answer from the pg-agent by the deadline " + deadline
                        + " (switchoverTimeout " + SwitchoverPlan.timeout(current.plan()).toMillis() + " ms): Blue is unfenced by "
                        + "whichever pg-agent takes the command", List.of(), null, now);
            } else if (dispatch.resends() == 0 && !forwardDuringRollback(current, dispatch) && rebuilt(current, dispatch)) {
                step = resend(current, dispatch, now);
            } else {
                step = timedOut(current, dispatch, now);
            }
            decision = decision.and(step);
            current = fold(current, step);
        }
        if (current.awaitingRetirement() && !now.isBefore(current.retireAt().get())) {
            decision = decision.and(advance(current, now)); // old Blue's retention has passed
        }
        return decision;
    }

    /** Whether the command is built today as it was sent: not a CreateSubscription that asked for the removed copy. */
    private static boolean rebuilt(UpgradeState state, Dispatch dispatch) {
        return PhasePlan.runs(state.plan()) || dispatch.step() != Step.CREATE_SUBSCRIPTION;
    }

    private Decision resend(UpgradeState state, Dispatch dispatch, Instant now) {
        Instant deadline = now.plus(timeouts.of(dispatch.step()));
        CommandResent resent = new CommandResent(state.upgradeId(), eventIds.get(), dispatch.commandId(), now,
                dispatch.commandId(), dispatch.step().recordedName(), dispatch.database(), dispatch.resends() + 1, deadline);
        Outbound again = Commands.build(state, dispatch.step(), dispatch.database(), dispatch.commandId(), dispatch.attempt(), now);
        return new Decision(List.of(resent), List.of(again));
    }

    private Decision timedOut(UpgradeState state, Dispatch dispatch, Instant now) {
        Step step = dispatch.step();
        String message = dispatch.describe() + " (command " + dispatch.commandId() + ") was sent to the " + step.agent()
                + " on " + step.topic() + " at " + dispatch.dispatchedAt()
                + (dispatch.resends() > 0 ? " and re-sent " + dispatch.resends() + " time(s)" : "") + ", and has had no answer for "
                + Duration.between(dispatch.dispatchedAt(), now).toSeconds() + " s (timeout " + timeouts.of(step).toSeconds()
                + " s without an answer or progress"
                + dispatch.progress().map(p -> "; last progress at " + p.at() + ": " + p.detail()).orElse("")
                + "): check that an instance of the " + step.agent() + " is running and consuming " + step.topic()
                + " (its log names the command id) and that it reaches " + (dispatch.database() == null ? "the cluster"
                : "database " + dispatch.database());
        StepFailureRecorded recorded = new StepFailureRecorded(state.upgradeId(), eventIds.get(), dispatch.commandId(), now,
                step.recordedName(), FailureReason.TIMEOUT, true, null, message);
        Decision decision = new Decision(List.of(recorded), List.of());
        UpgradeState next = fold(state, decision);
        if (state.phase() == UpgradePhase.FAILED || forwardDuringRollback(state, dispatch)) {
            return decision.and(proceed(next, now));
        }
        return decision.and(fail(next, FailureReason.TIMEOUT, true, message, now));
    }

    /**
     * Ends a switchover attempt without repointing: records why, unfences Blue, and returns to REPLICATING (where
     * the lag gate and an approval start the next attempt), or stops in FAILED when the plan's attempts are used.
     * During a rollback it only records the abort: the rollback's UnfenceWrites unfences Blue and removes the guards.
     */
    private Decision abort(UpgradeState state, Dispatch dispatch, FailureReason reason, String message,
                           List<GuardrailFinding> findings, Long fencedMs, Instant now) {
        int attempt = state.switchover().attempt();
        boolean rollingBack = state.rollbackRequested();
        boolean last = !rollingBack && state.switchover().attempts() >= SwitchoverPlan.attempts(state.plan());
        StepFailureRecorded recorded = new StepFailureRecorded(state.upgradeId(), eventIds.get(), dispatch.commandId(), now,
                dispatch.step().recordedName(), reason, !last, null, message);
        SwitchoverAborted aborted = new SwitchoverAborted(state.upgradeId(), eventIds.get(), dispatch.commandId(), now,
                message, attempt, fencedMs, findings, rollingBack ? UpgradePhase.ROLLING_BACK
                : last ? UpgradePhase.FAILED : UpgradePhase.REPLICATING);
        Decision decision = new Decision(List.of(recorded, aborted), List.of());
        if (rollingBack) {
            return decision.and(proceed(fold(state, decision), now));
        }
        decision = decision.and(phaseEntered(fold(state, decision), UpgradePhase.REPLICATING, Trigger.ABORTED, now));
        // always, even when the answer says nothing was fenced: a redelivered command answers for itself, not for
        // an earlier delivery that fenced Blue and died; releasing an unfenced Blue changes nothing
        for (String database : state.plan().getDatabases()) {
            decision = decision.and(dispatch(fold(state, decision), Step.RELEASE_FENCE, database, now));
        }
        if (last) {
            decision = decision.and(fail(fold(state, decision), reason, true, "Switchover attempt " + attempt + " of "
                    + SwitchoverPlan.attempts(state.plan()) + " aborted: " + message + "; Blue is being unfenced", now));
        }
        return decision;
    }

    private Decision recordVerification(UpgradeState state, Dispatch dispatch, DataVerified verified, Instant now) {
        DataVerificationRecorded recorded = new DataVerificationRecorded(state.upgradeId(), eventIds.get(), dispatch.commandId(),
                now, dispatch.database(), verified.getMatched(), verified.getMode(), verified.getTables());
        if (verified.getMatched()) {
            return new Decision(List.of(recorded), List.of());
        }
        List<String> tables = verified.getTables().stream().filter(t -> !t.getMatched()).map(t -> t.getTable()).toList();
        AlertRaised alert = new AlertRaised(state.upgradeId(), now, state.upgradeId() + "/DATA_MISMATCH/" + dispatch.database(),
                AlertKind.DATA_MISMATCH, Severity.CRITICAL, dispatch.database(), (double) tables.size(), 0.0,
                "Green does not match the fenced Blue in " + dispatch.database() + ": " + String.join(", ", tables)
                        + "; Green already serves writes: compare the tables by hand (GET /upgrades/" + state.upgradeId()
                        + "/events has the per-table figures) before Blue is deleted");
        return new Decision(List.of(recorded), List.of(new Outbound(Topics.ALERTS, alert)));
    }

    /** Green serves writes and one of its databases could not be compared with the fenced Blue. */
    private static Decision unverified(UpgradeState state, Dispatch dispatch, String why, Instant now) {
        AlertRaised alert = new AlertRaised(state.upgradeId(), now, state.upgradeId() + "/DATA_UNVERIFIED/" + dispatch.database(),
                AlertKind.DATA_UNVERIFIED, Severity.CRITICAL, dispatch.database(), 1.0, 0.0,
                "Green serves writes but " + dispatch.database() + " could not be verified against the fenced Blue: " + why
                        + "; compare the tables by hand, then POST /upgrades/" + state.upgradeId() + "/waive-verification "
                        + "with a reason, or retry once the cause is fixed");
        return new Decision(List.of(), List.of(new Outbound(Topics.ALERTS, alert)));
    }

    /**
     * Every database has stayed under the lag threshold for the hold time, on fresh samples.
     *
     * @param errorsSeen the subscriptions' error counts in the last samples ({@code apply|db}, {@code sync|db})
     */
    public Decision onLagHeld(UpgradeState state, Map<String, Long> errorsSeen, Instant now) {
        if (state.phase() != UpgradePhase.REPLICATING || !state.pending().isEmpty()) {
            return Decision.none(); // e.g. Blue still being unfenced after an aborted attempt
        }
        if (state.stoppable()) {
            return stop(state, now);
        }
        Decision ready = enter(state, UpgradePhase.READY_FOR_SWITCHOVER, Trigger.LAG_HELD, now);
        UpgradeState next = fold(state, ready);
        if (state.plan().getSwitchoverMode() == SwitchoverMode.AUTOMATIC) {
            return ready.and(approve(next, "automatic", errorsSeen, now));
        }
        return ready;
    }

    /**
     * Starts the switchover. The approval itself re-checks nothing here: the agent measures the guardrails right
     * before it fences, so an approval given hours after the gate opened still fences only on fresh figures.
     */
    public Decision approve(UpgradeState state, String by, Map<String, Long> errorsSeen, Instant now) {
        if (state.phase() != UpgradePhase.READY_FOR_SWITCHOVER) {
            throw new SagaRefusal("Upgrade " + state.upgradeId() + " is in " + state.phase()
                    + ": switchover can be approved only in READY_FOR_SWITCHOVER (lag held under the threshold)");
        }
        if (state.retired()) {
            throw new SagaRefusal("Upgrade " + state.upgradeId() + " cannot be approved" + retiredAdvice(state));
        }
        SwitchoverApproved approved = new SwitchoverApproved(state.upgradeId(), eventIds.get(), null, now, by, errorsSeen);
        Decision decision = new Decision(List.of(approved), List.of());
        return decision.and(enter(UpgradeState.apply(state, approved), UpgradePhase.SWITCHING_OVER, Trigger.APPROVED, now));
    }

    /** Resumes the phase that failed: its missing steps run again (a failed undo included). */
    public Decision retry(UpgradeState state, String by, Instant now) {
        if (state.phase() != UpgradePhase.FAILED || state.failedPhase().isEmpty()) {
            throw new SagaRefusal("Upgrade " + state.upgradeId() + " is in " + state.phase()
                    + ": only a FAILED upgrade can be retried");
        }
        if (state.retired() && state.failedPhase().get() != UpgradePhase.ROLLING_BACK) {
            throw new SagaRefusal("Upgrade " + state.upgradeId() + " cannot be retried" + retiredAdvice(state));
        }
        UpgradePhase resume = state.failedPhase().get();
        RetryRequested retry = new RetryRequested(state.upgradeId(), eventIds.get(), null, now, by);
        Decision decision = new Decision(List.of(retry), List.of());
        decision = decision.and(phaseEntered(fold(state, decision), resume, Trigger.RETRY, now));
        if (PhasePlan.gated(resume)) {
            return decision;
        }
        return decision.and(advance(fold(state, decision), now));
    }

    /**
     * Accepts Green without the data verification that failed or could not be done after the switchover (Green's
     * snapshot at the drain point lost with a restarted pg-agent, or a difference the user has judged): retrying
     * cannot help and rolling back would lose Green's writes. The databases' {@code VerifyData} counts as done,
     * {@code VerificationWaived} records who and why, and the clean-up goes on.
     */
    public Decision waiveVerification(UpgradeState state, String by, String reason, Instant now) {
        List<String> unverified = state.plan().getDatabases().stream()
                .filter(db -> !state.completed().contains(new StepKey(Step.VERIFY_DATA, db))).toList();
        if (state.phase() != UpgradePhase.FAILED || !state.failedPhase().equals(Optional.of(UpgradePhase.CLEANING_UP))
                || !state.switchedOver() || unverified.isEmpty()) {
            throw new SagaRefusal("Upgrade " + state.upgradeId() + " is in " + state.phase() + state.failedPhase()
                    .map(p -> " (stopped in " + p + ")").orElse("") + ": a verification can be waived only when the upgrade "
                    + "stopped in FAILED in CLEANING_UP after the switchover with a database's VerifyData not done; "
                    + "retry or roll back instead");
        }
        if (reason == null || reason.isBlank()) {
            throw new SagaRefusal("A waiver of the verification of upgrade " + state.upgradeId() + " needs a reason: "
                    + "say how Green was checked against the fenced Blue");
        }
        VerificationWaived waived = new VerificationWaived(state.upgradeId(), eventIds.get(), null, now, unverified, by, reason);
        Decision decision = new Decision(List.of(waived), List.of());
        decision = decision.and(phaseEntered(fold(state, decision), UpgradePhase.CLEANING_UP, Trigger.WAIVED, now));
        return decision.and(advance(fold(state, decision), now));
    }

    /**
     * Undoes what was attempted. Refused once the switchover was proven (Green has taken writes). Recorded at once;
     * the undo commands go out when the commands in flight have answered or timed out. On a failed undo it runs the
     * undo again, like a retry.
     */
    public Decision rollback(UpgradeState state, String reason, String by, Instant now) {
        if (state.isTerminal()) {
            throw new SagaRefusal("Upgrade " + state.upgradeId() + " is " + state.phase() + ": nothing to roll back");
        }
        if (state.phase() == UpgradePhase.ROLLING_BACK && state.pending().isEmpty()) {
            // stopped by a failed undo under the former rule (it stayed in ROLLING_BACK): run the missing undo again
            RollbackStarted started = new RollbackStarted(state.upgradeId(), eventIds.get(), null, now, reason, by);
            return new Decision(List.of(started), List.of()).and(advance(UpgradeState.apply(state, started), now));
        }
        if (state.phase() == UpgradePhase.ROLLING_BACK) {
            throw new SagaRefusal("Upgrade " + state.upgradeId() + " is already rolling back: GET /upgrades/"
                    + state.upgradeId() + " shows the undo steps it waits for; ask again only if the rollback fails");
        }
        if (state.switchedOver()) {
            throw new SagaRefusal("Upgrade " + state.upgradeId() + " has switched over to Green (proven at "
                    + state.values().provenAt().get() + "): rolling back now would lose writes made on Green; "
                    + "upgrade again instead");
        }
        if (!Transitions.isLegal(state.phase(), UpgradePhase.ROLLING_BACK, Trigger.ROLLBACK)) {
            throw new SagaRefusal("Upgrade " + state.upgradeId() + " is in " + state.phase() + ": it cannot be rolled back");
        }
        RollbackStarted started = new RollbackStarted(state.upgradeId(), eventIds.get(), null, now, reason, by);
        Decision decision = new Decision(List.of(started), List.of());
        return decision.and(enter(UpgradeState.apply(state, started), UpgradePhase.ROLLING_BACK, Trigger.ROLLBACK, now));
    }

    // ---------- moves ----------

    private Decision onFailure(UpgradeState state, Dispatch dispatch, StepFailed failed, Instant now) {
        StepFailureRecorded recorded = new StepFailureRecorded(state.upgradeId(), eventIds.get(), failed.getCausationId(),
                now, dispatch.step().recordedName(), failed.getReason(), failed.getRetryable(), failed.getErrorCode(),
                failed.getMessage());
        Decision decision = new Decision(List.of(recorded), List.of());
        if (dispatch.step() == Step.VERIFY_DATA && state.switchedOver()) {
            decision = decision.and(unverified(state, dispatch, failed.getMessage(), now));
        }
        UpgradeState next = UpgradeState.apply(state, recorded);
        if (state.phase() == UpgradePhase.FAILED || forwardDuringRollback(state, dispatch)) {
            return decision.and(proceed(next, now)); // recorded; nothing to redo for a step the rollback undoes anyway
        }
        if (next.stoppable()) {
            return decision.and(stop(next, now));
        }
        if (failed.getRetryable() && dispatch.attempt() < MAX_ATTEMPTS) {
            return decision.and(dispatch(next, dispatch.step(), dispatch.database(), now));
        }
        return decision.and(fail(next, failed.getReason(), failed.getRetryable(), dispatch.describe() + " failed after "
                + dispatch.attempt() + " attempt(s): " + failed.getMessage(), now));
    }

    /** A command sent before the rollback was asked for, answered (or timed out) during it. */
    private static boolean forwardDuringRollback(UpgradeState state, Dispatch dispatch) {
        return state.phase() == UpgradePhase.ROLLING_BACK && dispatch.phase() != UpgradePhase.ROLLING_BACK;
    }

    private Decision fail(UpgradeState state, FailureReason reason, boolean retryable, String message, Instant now) {
        String next = state.phase() == UpgradePhase.ROLLING_BACK
                ? ". Retry (or roll back again) once the cause is fixed: the failed undo runs again"
                : state.retired() ? retiredAdvice(state)
                : state.switchedOver() && state.phase() == UpgradePhase.CLEANING_UP
                ? ". Green serves writes, so it cannot be rolled back: retry once the cause is fixed, or, when Green cannot be "
                + "verified (its snapshot at the drain point is lost), compare the tables by hand and waive the verification "
                + "(POST /upgrades/" + state.upgradeId() + "/waive-verification with a reason)"
                : state.switchedOver() && state.phase() == UpgradePhase.RETIRING_BLUE
                ? ". Green serves writes and old Blue is kept as it is (it cannot be rolled back any more): retry once the "
                + "cause is fixed, or keep old Blue and leave this upgrade stopped here"
                : ". Retry the upgrade once the cause is fixed, or roll it back";
        UpgradeFailed failed = new UpgradeFailed(state.upgradeId(), eventIds.get(), null, now, state.phase(), reason,
                message + next, retryable);
        Decision decision = new Decision(List.of(failed), List.of());
        return decision.and(phaseEntered(UpgradeState.apply(state, failed), UpgradePhase.FAILED, Trigger.FAILED, now));
    }

    /** Stops a retired upgrade ({@link UpgradeState#stoppable()}) where it is, in FAILED, saying what to do. */
    private Decision stop(UpgradeState state, Instant now) {
        return fail(state, FailureReason.PRECONDITION_FAILED, false, "Upgrade " + state.upgradeId() + " was planned with "
                + "strategy logical_copy, which this coordinator no longer runs (it started Green empty, and no step created "
                + "Blue's databases and schema there); stopped in " + state.phase(), now);
    }

    /** What to do with a retired upgrade, appended to what happened. */
    private static String retiredAdvice(UpgradeState state) {
        return ": the logical_copy strategy was removed, so it goes no further. Roll it back (POST /upgrades/"
                + state.upgradeId() + "/rollback undoes what it did, deleting Green if it was created), then plan the upgrade "
                + "again with strategy snapshot";
    }

    /** After a step's outcome was recorded: carry on, unless the upgrade is stopped in FAILED. */
    private Decision proceed(UpgradeState state, Instant now) {
        return state.phase() == UpgradePhase.FAILED ? Decision.none() : advance(state, now);
    }

    /**
     * Dispatches the current stage's missing steps, or moves to the next phase when the phase is done. A rollback
     * first waits for the commands sent before it.
     */
    private Decision advance(UpgradeState state, Instant now) {
        if (state.stoppable()) {
            return stop(state, now);
        }
        if (state.phase() == UpgradePhase.ROLLING_BACK
                && state.pending().values().stream().anyMatch(d -> d.phase() != UpgradePhase.ROLLING_BACK)) {
            return Decision.none();
        }
        for (Step stage : PhasePlan.stages(state, state.phase())) {
            List<String> missing = missing(state, stage);
            if (missing.isEmpty()) {
                continue;
            }
            if (stage == Step.RETIRE_OLD_BLUE && state.retireAt().filter(now::isBefore).isPresent()) {
                return Decision.none(); // old Blue is kept until the plan's retention has passed: a tick carries on
            }
            Decision decision = Decision.none();
            for (String database : missing) {
                StepKey key = new StepKey(stage, database);
                boolean inFlight = state.pending().values().stream().anyMatch(d -> d.key().equals(key));
                if (!inFlight) {
                    decision = decision.and(dispatch(fold(state, decision), stage, database, now));
                }
            }
            return decision;
        }
        if (PhasePlan.gated(state.phase())) {
            return Decision.none();
        }
        if (state.phase() == UpgradePhase.ROLLING_BACK) {
            RolledBack rolledBack = new RolledBack(state.upgradeId(), eventIds.get(), null, now,
                    "Blue is as before; Green and the replication objects are removed");
            Decision decision = new Decision(List.of(rolledBack), List.of());
            return decision.and(phaseEntered(fold(state, decision), UpgradePhase.ROLLED_BACK, Trigger.UNDONE, now));
        }
        return enter(state, PhasePlan.next(state.plan(), state.phase()), Trigger.STEPS_DONE, now);
    }

    private static List<String> missing(UpgradeState state, Step stage) {
        List<String> targets = stage.perDatabase() ? state.plan().getDatabases() : Collections.singletonList(null);
        List<String> missing = new ArrayList<>();
        for (String database : targets) {
            if (!state.completed().contains(new StepKey(stage, database))) {
                missing.add(database);
            }
        }
        return missing;
    }

    /** Records a phase change, which must be in {@link Transitions#legal()}. */
    private Decision phaseEntered(UpgradeState state, UpgradePhase phase, Trigger trigger, Instant now) {
        Transitions.require(state.phase(), phase, trigger);
        return new Decision(List.of(new PhaseEntered(state.upgradeId(), eventIds.get(), null, now, phase, state.phase())),
                List.of());
    }

    private Decision enter(UpgradeState state, UpgradePhase phase, Trigger trigger, Instant now) {
        List<SpecificRecord> events = new ArrayList<>(phaseEntered(state, phase, trigger, now).events());
        List<Outbound> published = new ArrayList<>();
        if (phase == UpgradePhase.REPLICATING) {
            events.add(replicationEstablished(state, now));
        }
        if (phase == UpgradePhase.CLEANING_UP) {
            WriterEndpointChanged endpoint = writerEndpoint(state, now);
            events.add(endpoint);
            published.add(new Outbound(Topics.ENDPOINTS, endpoint));
        }
        if (phase == UpgradePhase.COMPLETED) {
            UpgradeValues.Endpoint writer = writer(state);
            events.add(new UpgradeCompleted(state.upgradeId(), eventIds.get(), null, now,
                    "Green serves " + String.join(", ", state.plan().getDatabases()) + " at " + writer.host() + ":"
                            + writer.port(), writer.host(), writer.port(), null));
        }
        Decision decision = new Decision(events, published);
        UpgradeState next = fold(state, decision);
        if (phase == UpgradePhase.COMPLETED || PhasePlan.gated(phase)) {
            return decision;
        }
        return decision.and(advance(next, now));
    }

    private Decision dispatch(UpgradeState state, Step step, String database, Instant now) {
        if (step == Step.RUN_SWITCHOVER) {
            Instant deadline = now.plus(SwitchoverPlan.timeout(state.plan()));
            SwitchoverStarted started = new SwitchoverStarted(state.upgradeId(), eventIds.get(), null, now,
                    state.switchover().attempt() + 1, deadline);
            return new Decision(List.of(started), List.of()).and(dispatchCommand(UpgradeState.apply(state, started), step,
                    database, deadline.plus(grace), now));
        }
        return dispatchCommand(state, step, database, now.plus(timeouts.of(step)), now);
    }

    private Decision dispatchCommand(UpgradeState state, Step step, String database, Instant deadline, Instant now) {
        StepKey key = new StepKey(step, database);
        int attempt = state.attempt(key) + 1;
        String commandId = Commands.commandId(state.upgradeId(), key.toString(), attempt);
        Outbound command = Commands.build(state, step, database, commandId, attempt, now);
        StepDispatched dispatched = new StepDispatched(state.upgradeId(), eventIds.get(), null, now, commandId,
                step.recordedName(), command.topic(), attempt, database, deadline);
        return new Decision(List.of(dispatched), List.of(command));
    }

    /** Where applications write after the switchover: Blue's name after a rename, Green's endpoint otherwise. */
    private static UpgradeValues.Endpoint writer(UpgradeState state) {
        UpgradeValues values = state.values();
        if (SwitchoverPlan.repoint(state.plan()) == RepointMethod.RENAME && values.writer().isPresent()) {
            return values.writer().get();
        }
        return new UpgradeValues.Endpoint(values.green().host().orElse(null), values.green().port().orElse(0));
    }

    /** Where applications write from now on: Green's endpoint, or Blue's name after the identifiers were swapped. */
    private WriterEndpointChanged writerEndpoint(UpgradeState state, Instant now) {
        UpgradeValues.Endpoint writer = writer(state);
        return new WriterEndpointChanged(state.upgradeId(), eventIds.get(), null, now, state.plan().getBlue().getIdentifier(),
                state.plan().getBlue().getHost(), state.plan().getBlue().getPort(), writer.host(), writer.port(),
                state.plan().getDatabases(), SwitchoverPlan.repoint(state.plan()), state.values().fencedAt().orElse(null));
    }

    private ReplicationEstablished replicationEstablished(UpgradeState state, Instant now) {
        List<ReplicatedDatabase> databases = state.plan().getDatabases().stream()
                .map(db -> new ReplicatedDatabase(db, Commands.names(state.plan(), db))).toList();
        return new ReplicationEstablished(state.upgradeId(), eventIds.get(), null, now, state.plan().getBlue(),
                Commands.green(state), databases, state.plan().getLagThresholdBytes(), state.plan().getHoldDurationMs());
    }

    /** A success that must stop the upgrade: failed preflight, data that does not match. */
    private static Optional<String> blockingOutcome(SpecificRecord result) {
        if (result instanceof PreflightCompleted preflight && !preflight.getPassed()) {
            return Optional.of("Preflight found blocking problems: " + preflight.getFindings().stream()
                    .filter(f -> f.getSeverity() == io.bluegreen.schemas.common.Severity.ERROR)
                    .map(f -> f.getMessage()).reduce((a, b) -> a + "; " + b).orElse("see the findings"));
        }
        if (result instanceof DataVerified verified && !verified.getMatched()) {
            return Optional.of("Green does not match Blue in " + verified.getTables().stream().filter(t -> !t.getMatched())
                    .map(t -> t.getTable() + " (Blue " + t.getBlueRows() + " rows, Green " + t.getGreenRows() + " rows)")
                    .reduce((a, b) -> a + ", " + b).orElse("some tables") + " (Green at the drain point against the fenced Blue)");
        }
        return Optional.empty();
    }

    private static UpgradeState fold(UpgradeState state, Decision decision) {
        UpgradeState next = state;
        for (SpecificRecord event : decision.events()) {
            next = UpgradeState.apply(next, event);
        }
        return next;
    }

    private static void validate(UpgradePlan plan) {
        List<PlanCheck.FieldProblem> problems = PlanCheck.problems(plan);
        if (!problems.isEmpty()) {
            throw new InvalidPlanException(problems);
        }
    }
}
