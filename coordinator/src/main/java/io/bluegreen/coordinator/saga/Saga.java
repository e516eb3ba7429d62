package io.bluegreen.coordinator.saga;

import io.bluegreen.schemas.Topics;
import io.bluegreen.schemas.common.AlertKind;
import io.bluegreen.schemas.common.DatabaseTarget;
import io.bluegreen.schemas.common.FailureReason;
import io.bluegreen.schemas.common.GuardrailFinding;
import io.bluegreen.schemas.common.RepointMethod;
import io.bluegreen.schemas.common.Severity;
import io.bluegreen.schemas.common.ReplicatedDatabase;
import io.bluegreen.schemas.common.SwitchoverMode;
import io.bluegreen.schemas.common.UpgradePhase;
import io.bluegreen.schemas.common.UpgradePlan;
import io.bluegreen.schemas.event.DataVerificationRecorded;
import io.bluegreen.schemas.event.PhaseEntered;
import io.bluegreen.schemas.event.ReplicationEstablished;
import io.bluegreen.schemas.event.RetryRequested;
import io.bluegreen.schemas.event.RollbackStarted;
import io.bluegreen.schemas.event.RolledBack;
import io.bluegreen.schemas.event.StepCompleted;
import io.bluegreen.schemas.event.StepDispatched;
import io.bluegreen.schemas.event.StepFailureRecorded;
import io.bluegreen.schemas.event.SwitchoverAborted;
import io.bluegreen.schemas.event.SwitchoverApproved;
import io.bluegreen.schemas.event.SwitchoverStarted;
import io.bluegreen.schemas.event.UpgradeCompleted;
import io.bluegreen.schemas.event.UpgradeFailed;
import io.bluegreen.schemas.event.UpgradeRequested;
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
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * The upgrade saga as pure functions: state and an input in, a {@link Decision} (events + commands) out. No
 * I/O; the caller appends the events and publishes the commands atomically, and the next state is the fold of
 * the events ({@link UpgradeState#apply}). Phases and stages are listed in {@link PhasePlan}.
 *
 * <p>Inputs: a new plan ({@link #start}), an agent's result ({@link #onResult}), the lag gate opening
 * ({@link #onLagHeld}), a user's approval, retry or rollback. A retryable failure is retried up to
 * {@link #MAX_ATTEMPTS} times with a new command id; any other failure stops the upgrade in FAILED with the
 * reason, from where it can be retried (it resumes the failed stage) or rolled back (before repoint only). A check
 * that finds a problem (a preflight with errors, a verification mismatch) is a failure of its step, never a
 * completion, so a retry runs it again.
 *
 * <p>The switchover is one command, {@code RunSwitchover}, with a deadline recorded in {@code SwitchoverStarted}.
 * Its proof, received by the deadline plus {@code grace} (one hop), commits the switchover: Green's endpoint is
 * published ({@code WriterEndpointChanged}) or the identifiers are swapped. A guardrail refusal, a failure, or no
 * proof by then ({@link #onTick}) aborts it: {@code SwitchoverAborted}, Blue unfenced, back to REPLICATING, or
 * FAILED once the plan's attempts are used up.
 */
public final class Saga {

    public static final int MAX_ATTEMPTS = 3;

    private final Supplier<String> eventIds;
    private final Duration grace;

    /** @param grace how long after a switchover's deadline its proof is still accepted: one hop through Kafka */
    public Saga(Supplier<String> eventIds, Duration grace) {
        this.eventIds = eventIds;
        this.grace = grace;
    }

    // ---------- inputs ----------

    public Decision start(String upgradeId, UpgradePlan plan, String requestedBy, Instant now) {
        validate(plan);
        UpgradeRequested requested = new UpgradeRequested(upgradeId, eventIds.get(), null, now, plan, requestedBy);
        UpgradeState state = UpgradeState.apply(null, requested);
        return new Decision(List.of(requested), List.of()).and(enter(state, UpgradePhase.PREFLIGHT, now));
    }

    public Decision onResult(UpgradeState state, SpecificRecord result, Instant now) {
        String causationId = String.valueOf(((GenericRecord) result).get("causationId"));
        Dispatch dispatch = state.pending().get(causationId);
        if (dispatch == null || result instanceof StepInProgress) {
            return Decision.none(); // an answer we no longer wait for (duplicate, superseded attempt) or progress
        }
        if (dispatch.step().equals(PhasePlan.RUN_SWITCHOVER)) {
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
                    dispatch.step(), FailureReason.PRECONDITION_FAILED, false, null, blocking.get());
            Decision decision = verification.and(new Decision(List.of(recorded), List.of()));
            UpgradeState next = fold(state, decision);
            return state.phase() == UpgradePhase.FAILED ? decision
                    : decision.and(fail(next, FailureReason.PRECONDITION_FAILED, false, blocking.get(), now));
        }
        Details.Summary summary = Details.of(result);
        StepCompleted completed = new StepCompleted(state.upgradeId(), eventIds.get(), causationId, now, dispatch.step(),
                summary.summary(), summary.details());
        Decision decision = verification.and(new Decision(List.of(completed), List.of()));
        UpgradeState next = fold(state, decision);
        if (state.phase() == UpgradePhase.FAILED) {
            return decision; // recorded; a retry picks the phase up from here
        }
        return decision.and(advance(next, now));
    }

    /**
     * The fenced program answered. A proof received in time commits the switchover; anything else aborts the
     * attempt, and Blue is unfenced in any case.
     */
    private Decision onSwitchoverResult(UpgradeState state, Dispatch dispatch, SpecificRecord result, Instant now) {
        if (result instanceof SwitchoverProven proven) {
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
            events.add(new StepCompleted(state.upgradeId(), eventIds.get(), dispatch.commandId(), now, dispatch.step(),
                    summary.summary(), summary.details()));
            Decision decision = new Decision(events, List.of());
            return decision.and(advance(fold(state, decision), now));
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
     * Time passed: a switchover whose proof has not arrived by its deadline plus the grace is aborted and Blue
     * unfenced, whatever became of the agent doing it (dead, stuck, partitioned away).
     */
    public Decision onTick(UpgradeState state, Instant now) {
        if (state.phase() != UpgradePhase.SWITCHING_OVER || state.switchover().deadline().isEmpty()) {
            return Decision.none();
        }
        Optional<Dispatch> running = state.inFlight(PhasePlan.RUN_SWITCHOVER);
        Instant deadline = state.switchover().deadline().get();
        if (running.isEmpty() || !now.isAfter(deadline.plus(grace))) {
            return Decision.none();
        }
        return abort(state, running.get(), FailureReason.TIMEOUT, "no answer from the pg-agent by the deadline " + deadline
                + " (switchoverTimeout " + SwitchoverPlan.timeout(state.plan()).toMillis() + " ms): Blue is unfenced by "
                + "whichever pg-agent takes the command", List.of(), null, now);
    }

    /**
     * Ends a switchover attempt without repointing: records why, returns to REPLICATING (where the lag gate and
     * an approval start the next attempt), unfences Blue, and stops in FAILED when the plan's attempts are used.
     */
    private Decision abort(UpgradeState state, Dispatch dispatch, FailureReason reason, String message,
                           List<GuardrailFinding> findings, Long fencedMs, Instant now) {
        int attempt = state.switchover().attempt();
        boolean last = state.switchover().attempts() >= SwitchoverPlan.attempts(state.plan());
        StepFailureRecorded recorded = new StepFailureRecorded(state.upgradeId(), eventIds.get(), dispatch.commandId(), now,
                dispatch.step(), reason, !last, null, message);
        SwitchoverAborted aborted = new SwitchoverAborted(state.upgradeId(), eventIds.get(), dispatch.commandId(), now,
                message, attempt, fencedMs, findings, last ? UpgradePhase.FAILED : UpgradePhase.REPLICATING);
        PhaseEntered back = new PhaseEntered(state.upgradeId(), eventIds.get(), null, now, UpgradePhase.REPLICATING,
                state.phase());
        Decision decision = new Decision(List.of(recorded, aborted, back), List.of());
        // always, even when the answer says nothing was fenced: a redelivered command answers for itself, not for
        // an earlier delivery that fenced Blue and died; releasing an unfenced Blue changes nothing
        for (String database : state.plan().getDatabases()) {
            decision = decision.and(dispatch(fold(state, decision), PhasePlan.RELEASE_FENCE, database, now));
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

    /**
     * Every database has stayed under the lag threshold for the hold time, on fresh samples.
     *
     * @param errorsSeen the subscriptions' error counts in the last samples ({@code apply|db}, {@code sync|db})
     */
    public Decision onLagHeld(UpgradeState state, Map<String, Long> errorsSeen, Instant now) {
        if (state.phase() != UpgradePhase.REPLICATING || !state.pending().isEmpty()) {
            return Decision.none(); // e.g. Blue still being unfenced after an aborted attempt
        }
        Decision ready = enter(state, UpgradePhase.READY_FOR_SWITCHOVER, now);
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
        SwitchoverApproved approved = new SwitchoverApproved(state.upgradeId(), eventIds.get(), null, now, by, errorsSeen);
        Decision decision = new Decision(List.of(approved), List.of());
        return decision.and(enter(UpgradeState.apply(state, approved), UpgradePhase.SWITCHING_OVER, now));
    }

    public Decision retry(UpgradeState state, String by, Instant now) {
        if (state.phase() != UpgradePhase.FAILED || state.failedPhase().isEmpty()) {
            throw new SagaRefusal("Upgrade " + state.upgradeId() + " is in " + state.phase() + ": only a FAILED upgrade can be retried");
        }
        UpgradePhase resume = state.failedPhase().get();
        RetryRequested retry = new RetryRequested(state.upgradeId(), eventIds.get(), null, now, by);
        PhaseEntered entered = new PhaseEntered(state.upgradeId(), eventIds.get(), null, now, resume, UpgradePhase.FAILED);
        Decision decision = new Decision(List.of(retry, entered), List.of());
        UpgradeState next = fold(state, decision);
        if (PhasePlan.gated(resume)) {
            return decision;
        }
        return decision.and(advance(next, now));
    }

    public Decision rollback(UpgradeState state, String reason, String by, Instant now) {
        if (state.isTerminal() || state.phase() == UpgradePhase.ROLLING_BACK) {
            throw new SagaRefusal("Upgrade " + state.upgradeId() + " is " + state.phase() + ": nothing to roll back");
        }
        if (state.everDone().contains(PhasePlan.RUN_SWITCHOVER)) {
            throw new SagaRefusal("Upgrade " + state.upgradeId() + " has switched over to Green: rolling back now would lose "
                    + "writes made on Green; upgrade again instead");
        }
        RollbackStarted started = new RollbackStarted(state.upgradeId(), eventIds.get(), null, now, reason, by);
        Decision decision = new Decision(List.of(started), List.of());
        return decision.and(enter(UpgradeState.apply(state, started), UpgradePhase.ROLLING_BACK, now));
    }

    // ---------- moves ----------

    private Decision onFailure(UpgradeState state, Dispatch dispatch, StepFailed failed, Instant now) {
        StepFailureRecorded recorded = new StepFailureRecorded(state.upgradeId(), eventIds.get(), failed.getCausationId(),
                now, dispatch.step(), failed.getReason(), failed.getRetryable(), failed.getErrorCode(), failed.getMessage());
        Decision decision = new Decision(List.of(recorded), List.of());
        UpgradeState next = UpgradeState.apply(state, recorded);
        if (state.phase() == UpgradePhase.FAILED) {
            return decision;
        }
        if (failed.getRetryable() && dispatch.attempt() < MAX_ATTEMPTS) {
            return decision.and(dispatch(next, dispatch.step(), dispatch.database(), now));
        }
        String where = dispatch.database() == null ? "" : " on database " + dispatch.database();
        return decision.and(fail(next, failed.getReason(), failed.getRetryable(), dispatch.step() + where + " failed after "
                + dispatch.attempt() + " attempt(s): " + failed.getMessage(), now));
    }

    private Decision fail(UpgradeState state, FailureReason reason, boolean retryable, String message, Instant now) {
        if (state.phase() == UpgradePhase.ROLLING_BACK) {
            // a failed undo leaves the upgrade in ROLLING_BACK; rollback can be requested again once the cause is fixed
            return new Decision(List.of(new UpgradeFailed(state.upgradeId(), eventIds.get(), null, now,
                    UpgradePhase.ROLLING_BACK, reason, message, retryable)), List.of());
        }
        UpgradeFailed failed = new UpgradeFailed(state.upgradeId(), eventIds.get(), null, now, state.phase(), reason,
                message + ". Retry the upgrade once the cause is fixed, or roll it back", retryable);
        PhaseEntered entered = new PhaseEntered(state.upgradeId(), eventIds.get(), null, now, UpgradePhase.FAILED,
                state.phase());
        return new Decision(List.of(failed, entered), List.of());
    }

    /** Dispatches the current stage's missing steps, or moves to the next phase when the phase is done. */
    private Decision advance(UpgradeState state, Instant now) {
        for (Stage stage : PhasePlan.stages(state, state.phase())) {
            List<String> missing = missing(state, stage);
            if (missing.isEmpty()) {
                continue;
            }
            Decision decision = Decision.none();
            for (String database : missing) {
                String key = stage.key(database);
                boolean inFlight = state.pending().values().stream().anyMatch(d -> d.key().equals(key));
                if (!inFlight) {
                    decision = decision.and(dispatch(fold(state, decision), stage.step(), database, now));
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
            return new Decision(List.of(rolledBack, new PhaseEntered(state.upgradeId(), eventIds.get(), null, now,
                    UpgradePhase.ROLLED_BACK, UpgradePhase.ROLLING_BACK)), List.of());
        }
        return enter(state, PhasePlan.next(state.plan(), state.phase()), now);
    }

    private static List<String> missing(UpgradeState state, Stage stage) {
        List<String> targets = stage.perDatabase() ? state.plan().getDatabases() : java.util.Collections.singletonList(null);
        List<String> missing = new ArrayList<>();
        for (String database : targets) {
            if (!state.completed().contains(stage.key(database))) {
                missing.add(database);
            }
        }
        return missing;
    }

    private Decision enter(UpgradeState state, UpgradePhase phase, Instant now) {
        PhaseEntered entered = new PhaseEntered(state.upgradeId(), eventIds.get(), null, now, phase, state.phase());
        List<SpecificRecord> events = new ArrayList<>(List.of(entered));
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
            Map<String, String> data = state.data();
            String host = data.getOrDefault(Details.WRITER_HOST, data.get(Details.GREEN_HOST));
            String port = data.getOrDefault(Details.WRITER_PORT, data.get(Details.GREEN_PORT));
            events.add(new UpgradeCompleted(state.upgradeId(), eventIds.get(), null, now,
                    "Green serves " + String.join(", ", state.plan().getDatabases()) + " at " + host + ":" + port,
                    host, port == null ? null : Integer.valueOf(port), null));
        }
        Decision decision = new Decision(events, published);
        UpgradeState next = fold(state, decision);
        if (phase == UpgradePhase.COMPLETED || PhasePlan.gated(phase)) {
            return decision;
        }
        return decision.and(advance(next, now));
    }

    private Decision dispatch(UpgradeState state, String step, String database, Instant now) {
        if (step.equals(PhasePlan.RUN_SWITCHOVER)) {
            SwitchoverStarted started = new SwitchoverStarted(state.upgradeId(), eventIds.get(), null, now,
                    state.switchover().attempt() + 1, now.plus(SwitchoverPlan.timeout(state.plan())));
            return new Decision(List.of(started), List.of()).and(dispatchCommand(UpgradeState.apply(state, started), step,
                    database, now));
        }
        return dispatchCommand(state, step, database, now);
    }

    private Decision dispatchCommand(UpgradeState state, String step, String database, Instant now) {
        String key = database == null ? step : step + "|" + database;
        int attempt = state.attempt(key) + 1;
        String commandId = Commands.commandId(state.upgradeId(), key, attempt);
        Outbound command = Commands.build(state, step, database, commandId, attempt, now);
        StepDispatched dispatched = new StepDispatched(state.upgradeId(), eventIds.get(), null, now, commandId, step,
                command.topic(), attempt, database, null);
        return new Decision(List.of(dispatched), List.of(command));
    }

    /** Where applications write from now on: Green's endpoint, or Blue's name after the identifiers were swapped. */
    private WriterEndpointChanged writerEndpoint(UpgradeState state, Instant now) {
        Map<String, String> data = state.data();
        RepointMethod method = SwitchoverPlan.repoint(state.plan());
        boolean renamed = method == RepointMethod.RENAME && data.containsKey(Details.WRITER_HOST);
        String host = renamed ? data.get(Details.WRITER_HOST) : data.get(Details.GREEN_HOST);
        String port = renamed ? data.get(Details.WRITER_PORT) : data.get(Details.GREEN_PORT);
        String fencedAt = data.get(Details.FENCED_AT);
        return new WriterEndpointChanged(state.upgradeId(), eventIds.get(), null, now, state.plan().getBlue().getIdentifier(),
                state.plan().getBlue().getHost(), state.plan().getBlue().getPort(), host, port == null ? 0 : Integer.parseInt(port),
                state.plan().getDatabases(), method, fencedAt == null ? null : Instant.ofEpochMilli(Long.parseLong(fencedAt)));
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
        if (plan.getDatabases().isEmpty()) {
            throw new InvalidPlanException("The plan names no database: list the databases to upgrade");
        }
        if (plan.getBlue().getHost() == null || plan.getBlue().getHost().isBlank()) {
            throw new InvalidPlanException("The plan's Blue has no host: give Blue's writer endpoint (host and port) as well as its "
                    + "AWS identifier; the agents connect to it from preflight on");
        }
        try {
            Commands.targetMajor(plan);
        } catch (RuntimeException e) {
            throw new InvalidPlanException("Target version '" + plan.getTargetVersion() + "' is not a version such as 17.9");
        }
        if (plan.getLagThresholdBytes() < 0 || plan.getHoldDurationMs() < 0) {
            throw new InvalidPlanException("Lag threshold and hold duration must not be negative");
        }
        String switchover = SwitchoverPlan.invalid(plan);
        if (switchover != null) {
            throw new InvalidPlanException(switchover);
        }
    }

    /** Targets of a database pair, for callers that need them. */
    static DatabaseTarget blueTarget(UpgradeState state, String database) {
        return Commands.blue(state, database);
    }
}
