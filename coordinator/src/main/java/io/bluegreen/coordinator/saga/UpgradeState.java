package io.bluegreen.coordinator.saga;

import io.bluegreen.schemas.common.UpgradePhase;
import io.bluegreen.schemas.common.UpgradePlan;
import io.bluegreen.schemas.event.DataVerificationRecorded;
import io.bluegreen.schemas.event.PhaseEntered;
import io.bluegreen.schemas.event.RetryRequested;
import io.bluegreen.schemas.event.RollbackStarted;
import io.bluegreen.schemas.event.StepCompleted;
import io.bluegreen.schemas.event.StepDispatched;
import io.bluegreen.schemas.event.StepFailureRecorded;
import io.bluegreen.schemas.event.SwitchoverAborted;
import io.bluegreen.schemas.event.SwitchoverApproved;
import io.bluegreen.schemas.event.SwitchoverStarted;
import io.bluegreen.schemas.event.UpgradeFailed;
import io.bluegreen.schemas.event.UpgradeRequested;
import org.apache.avro.specific.SpecificRecord;

import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The state of one upgrade: the fold of its events, nothing else. A coordinator that restarts replays
 * {@code bluegreen.upgrade.events} and gets the same state back.
 *
 * @param completed    stage keys ({@code step} or {@code step|database}) done in the current phase
 * @param everDone     stage keys done at any time (what a rollback has to undo)
 * @param data         what steps produced: green endpoint, snapshot LSN, snapshots, ...
 * @param failedPhase  the phase an upgrade failed in (resumed by a retry)
 * @param lastFailure  the message of the last failure, for humans
 * @param switchover   attempts, the current deadline, what the monitor last saw, a mismatch found after repoint
 */
public record UpgradeState(String upgradeId, UpgradePlan plan, UpgradePhase phase, Map<String, Dispatch> pending,
                           Set<String> completed, Set<String> everDone, Map<String, String> data,
                           boolean switchoverApproved, Optional<UpgradePhase> failedPhase, Optional<String> lastFailure,
                           Map<String, Integer> attempts, SwitchoverState switchover) {

    public static UpgradeState fold(List<? extends SpecificRecord> events) {
        UpgradeState state = null;
        for (SpecificRecord event : events) {
            state = apply(state, event);
        }
        return state;
    }

    /** The state after one more event; {@code state} is null before {@code UpgradeRequested}. */
    public static UpgradeState apply(UpgradeState state, SpecificRecord event) {
        if (event instanceof UpgradeRequested requested) {
            return new UpgradeState(requested.getUpgradeId(), requested.getPlan(), UpgradePhase.REQUESTED, Map.of(),
                    Set.of(), Set.of(), Map.of(), false, Optional.empty(), Optional.empty(), Map.of(), SwitchoverState.NONE);
        }
        if (state == null) {
            throw new IllegalStateException("An upgrade's history must begin with UpgradeRequested, not "
                    + event.getSchema().getName());
        }
        if (event instanceof PhaseEntered entered) {
            UpgradePhase next = entered.getPhase();
            // a failed phase keeps what it had done, so a retry resumes it instead of starting it over
            boolean keep = next == UpgradePhase.FAILED
                    || (entered.getPreviousPhase() == UpgradePhase.FAILED && next != UpgradePhase.ROLLING_BACK);
            return new UpgradeState(state.upgradeId, state.plan, next, keep ? state.pending : Map.of(),
                    keep ? state.completed : Set.of(), state.everDone, state.data,
                    next != UpgradePhase.REPLICATING && state.switchoverApproved,
                    state.failedPhase, state.lastFailure, state.attempts, state.switchover);
        }
        if (event instanceof StepDispatched dispatched) {
            Map<String, Dispatch> pending = new LinkedHashMap<>(state.pending);
            Dispatch dispatch = new Dispatch(dispatched.getCommandId(), dispatched.getStep(), dispatched.getDatabase(),
                    dispatched.getAttempt());
            pending.put(dispatched.getCommandId(), dispatch);
            Map<String, Integer> attempts = new HashMap<>(state.attempts);
            attempts.put(dispatch.key(), dispatched.getAttempt());
            return state.with(pending, state.completed, state.everDone, state.data, attempts);
        }
        if (event instanceof StepCompleted completed) {
            Dispatch dispatch = state.pending.get(completed.getCausationId());
            if (dispatch == null) {
                return state;
            }
            Map<String, Dispatch> pending = new LinkedHashMap<>(state.pending);
            pending.remove(completed.getCausationId());
            Set<String> done = new HashSet<>(state.completed);
            done.add(dispatch.key());
            Set<String> ever = new HashSet<>(state.everDone);
            ever.add(dispatch.key());
            Map<String, String> data = new HashMap<>(state.data);
            data.putAll(completed.getDetails());
            return state.with(pending, done, ever, data, state.attempts);
        }
        if (event instanceof StepFailureRecorded failure) {
            Map<String, Dispatch> pending = new LinkedHashMap<>(state.pending);
            pending.remove(failure.getCausationId());
            return new UpgradeState(state.upgradeId, state.plan, state.phase, pending, state.completed, state.everDone,
                    state.data, state.switchoverApproved, state.failedPhase, Optional.of(failure.getMessage()),
                    state.attempts, state.switchover);
        }
        if (event instanceof UpgradeFailed failed) {
            return new UpgradeState(state.upgradeId, state.plan, state.phase, state.pending, state.completed,
                    state.everDone, state.data, state.switchoverApproved, Optional.of(failed.getPhase()),
                    Optional.of(failed.getMessage()), state.attempts, state.switchover);
        }
        if (event instanceof SwitchoverApproved approved) {
            return new UpgradeState(state.upgradeId, state.plan, state.phase, state.pending, state.completed,
                    state.everDone, state.data, true, state.failedPhase, state.lastFailure, state.attempts,
                    state.switchover.approved(approved.getErrorsSeen()));
        }
        if (event instanceof SwitchoverStarted started) {
            return state.with(state.switchover.started(started.getAttempt(), started.getDeadline()));
        }
        if (event instanceof SwitchoverAborted) {
            return state.with(state.switchover.ended());
        }
        if (event instanceof RetryRequested) {
            return state.with(state.switchover.retried());
        }
        if (event instanceof DataVerificationRecorded verified) {
            return state.with(state.switchover.verified(verified.getMatched()));
        }
        if (event instanceof RollbackStarted) {
            return state;
        }
        return state;
    }

    private UpgradeState with(Map<String, Dispatch> pending, Set<String> completed, Set<String> everDone,
                              Map<String, String> data, Map<String, Integer> attempts) {
        return new UpgradeState(upgradeId, plan, phase, Map.copyOf(pending), Set.copyOf(completed), Set.copyOf(everDone),
                Map.copyOf(data), switchoverApproved, failedPhase, lastFailure, Map.copyOf(attempts), switchover);
    }

    private UpgradeState with(SwitchoverState next) {
        return new UpgradeState(upgradeId, plan, phase, pending, completed, everDone, data, switchoverApproved, failedPhase,
                lastFailure, attempts, next);
    }

    /** The pending dispatch of a step, if one is in flight. */
    public Optional<Dispatch> inFlight(String step) {
        return pending.values().stream().filter(d -> d.step().equals(step)).findFirst();
    }

    /** The attempt a stage key was last dispatched with (0 when never). */
    public int attempt(String key) {
        return attempts.getOrDefault(key, 0);
    }

    /** The earliest moment a tick could decide something for this upgrade. */
    public Optional<java.time.Instant> nextDeadline() {
        return phase == UpgradePhase.SWITCHING_OVER ? switchover.deadline() : Optional.empty();
    }

    public boolean isTerminal() {
        return phase == UpgradePhase.COMPLETED || phase == UpgradePhase.ROLLED_BACK;
    }
}
