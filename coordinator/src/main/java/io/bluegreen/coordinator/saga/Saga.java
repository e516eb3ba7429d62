package io.bluegreen.coordinator.saga;

import io.bluegreen.schemas.common.DatabaseTarget;
import io.bluegreen.schemas.common.FailureReason;
import io.bluegreen.schemas.common.ReplicatedDatabase;
import io.bluegreen.schemas.common.SwitchoverMode;
import io.bluegreen.schemas.common.UpgradePhase;
import io.bluegreen.schemas.common.UpgradePlan;
import io.bluegreen.schemas.event.PhaseEntered;
import io.bluegreen.schemas.event.ReplicationEstablished;
import io.bluegreen.schemas.event.RetryRequested;
import io.bluegreen.schemas.event.RollbackStarted;
import io.bluegreen.schemas.event.RolledBack;
import io.bluegreen.schemas.event.StepCompleted;
import io.bluegreen.schemas.event.StepDispatched;
import io.bluegreen.schemas.event.StepFailureRecorded;
import io.bluegreen.schemas.event.SwitchoverApproved;
import io.bluegreen.schemas.event.UpgradeCompleted;
import io.bluegreen.schemas.event.UpgradeFailed;
import io.bluegreen.schemas.event.UpgradeRequested;
import io.bluegreen.schemas.result.DataVerified;
import io.bluegreen.schemas.result.PreflightCompleted;
import io.bluegreen.schemas.result.StepFailed;
import io.bluegreen.schemas.result.StepInProgress;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.specific.SpecificRecord;

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
 * reason, from where it can be retried (it resumes the failed stage) or rolled back (before repoint only).
 */
public final class Saga {

    public static final int MAX_ATTEMPTS = 3;

    private final Supplier<String> eventIds;

    public Saga(Supplier<String> eventIds) {
        this.eventIds = eventIds;
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
        if (result instanceof StepFailed failed) {
            return onFailure(state, dispatch, failed, now);
        }
        Details.Summary summary = Details.of(result);
        StepCompleted completed = new StepCompleted(state.upgradeId(), eventIds.get(), causationId, now, dispatch.step(),
                summary.summary(), summary.details());
        Decision decision = new Decision(List.of(completed), List.of());
        UpgradeState next = UpgradeState.apply(state, completed);
        if (state.phase() == UpgradePhase.FAILED) {
            return decision; // recorded; a retry picks the phase up from here
        }
        Optional<String> blocking = blockingOutcome(result);
        if (blocking.isPresent()) {
            return decision.and(fail(next, FailureReason.PRECONDITION_FAILED, false, blocking.get(), now));
        }
        return decision.and(advance(next, now));
    }

    /** Every database has stayed under the lag threshold for the hold time. */
    public Decision onLagHeld(UpgradeState state, Instant now) {
        if (state.phase() != UpgradePhase.REPLICATING) {
            return Decision.none();
        }
        Decision ready = enter(state, UpgradePhase.READY_FOR_SWITCHOVER, now);
        UpgradeState next = fold(state, ready);
        if (state.plan().getSwitchoverMode() == SwitchoverMode.AUTOMATIC) {
            return ready.and(approve(next, "automatic", now));
        }
        return ready;
    }

    public Decision approve(UpgradeState state, String by, Instant now) {
        if (state.phase() != UpgradePhase.READY_FOR_SWITCHOVER) {
            throw new SagaRefusal("Upgrade " + state.upgradeId() + " is in " + state.phase()
                    + ": switchover can be approved only in READY_FOR_SWITCHOVER (lag held under the threshold)");
        }
        SwitchoverApproved approved = new SwitchoverApproved(state.upgradeId(), eventIds.get(), null, now, by);
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
        if (state.everDone().contains("SwapEndpoints")) {
            throw new SagaRefusal("Upgrade " + state.upgradeId() + " has repointed to Green: rolling back now would lose "
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
        if (phase == UpgradePhase.REPLICATING) {
            events.add(replicationEstablished(state, now));
        }
        if (phase == UpgradePhase.COMPLETED) {
            Map<String, String> data = state.data();
            String host = data.getOrDefault(Details.WRITER_HOST, data.get(Details.GREEN_HOST));
            String port = data.getOrDefault(Details.WRITER_PORT, data.get(Details.GREEN_PORT));
            events.add(new UpgradeCompleted(state.upgradeId(), eventIds.get(), null, now,
                    "Green serves " + String.join(", ", state.plan().getDatabases()) + " at " + host + ":" + port,
                    host, port == null ? null : Integer.valueOf(port), null));
        }
        Decision decision = new Decision(events, List.of());
        UpgradeState next = fold(state, decision);
        if (phase == UpgradePhase.COMPLETED || PhasePlan.gated(phase)) {
            return decision;
        }
        return decision.and(advance(next, now));
    }

    private Decision dispatch(UpgradeState state, String step, String database, Instant now) {
        String key = database == null ? step : step + "|" + database;
        int attempt = state.attempt(key) + 1;
        String commandId = Commands.commandId(state.upgradeId(), key, attempt);
        Outbound command = Commands.build(state, step, database, commandId, attempt, now);
        StepDispatched dispatched = new StepDispatched(state.upgradeId(), eventIds.get(), null, now, commandId, step,
                command.topic(), attempt, database);
        return new Decision(List.of(dispatched), List.of(command));
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
                    .reduce((a, b) -> a + ", " + b).orElse("some tables") + "; Blue stays fenced: roll back to unfence it");
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
    }

    /** Targets of a database pair, for callers that need them. */
    static DatabaseTarget blueTarget(UpgradeState state, String database) {
        return Commands.blue(state, database);
    }
}
