package io.bluegreen.coordinator.saga;

import io.bluegreen.schemas.common.UpgradePhase;
import io.bluegreen.schemas.common.UpgradePlan;
import io.bluegreen.schemas.event.CommandResent;
import io.bluegreen.schemas.event.DataVerificationRecorded;
import io.bluegreen.schemas.event.PhaseEntered;
import io.bluegreen.schemas.event.RetryRequested;
import io.bluegreen.schemas.event.VerificationWaived;
import io.bluegreen.schemas.event.RollbackStarted;
import io.bluegreen.schemas.event.StepCompleted;
import io.bluegreen.schemas.event.StepDispatched;
import io.bluegreen.schemas.event.StepFailureRecorded;
import io.bluegreen.schemas.event.StepProgressed;
import io.bluegreen.schemas.event.SwitchoverAborted;
import io.bluegreen.schemas.event.SwitchoverApproved;
import io.bluegreen.schemas.event.SwitchoverStarted;
import io.bluegreen.schemas.event.UpgradeFailed;
import io.bluegreen.schemas.event.UpgradeRequested;
import org.apache.avro.specific.SpecificRecord;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
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
 * @param pending           commands sent and not answered yet, by command id, in the order they were sent; a phase
 *                          change never forgets them (a rollback awaits them)
 * @param completed         steps done in the current phase
 * @param attempted         every step ever dispatched, in the order first dispatched (what a rollback undoes)
 * @param attempts          the attempt each step was last dispatched with
 * @param values            what the steps produced for the upgrade: Green, the snapshot LSN, the writer, the proof
 * @param databases         what the steps produced for each database of the plan
 * @param failedPhase       the phase an upgrade failed in (resumed by a retry)
 * @param lastFailure       the message of the last failure, for humans
 * @param switchover        attempts, the current deadline, what the monitor last saw, a mismatch found after repoint
 * @param rollbackRequested a rollback was asked for: an in-flight switchover's proof no longer repoints
 * @param retiringSince     when RETIRING_BLUE was first entered: old Blue is deleted the plan's retention later (a
 *                          retry or a coordinator that replays the events keeps this moment)
 * @param phaseSince        when the current phase was entered (the upgrade's request, before its first phase)
 */
public record UpgradeState(String upgradeId, UpgradePlan plan, UpgradePhase phase, Map<String, Dispatch> pending,
                           Set<StepKey> completed, List<StepKey> attempted, Map<StepKey, Integer> attempts,
                           UpgradeValues values, Map<String, DatabaseState> databases, boolean switchoverApproved,
                           Optional<UpgradePhase> failedPhase, Optional<String> lastFailure, SwitchoverState switchover,
                           boolean rollbackRequested, Optional<Instant> retiringSince, Instant phaseSince) {

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
            Map<String, DatabaseState> databases = new LinkedHashMap<>();
            requested.getPlan().getDatabases().forEach(db -> databases.put(db, DatabaseState.empty(db)));
            return new UpgradeState(requested.getUpgradeId(), requested.getPlan(), UpgradePhase.REQUESTED, Map.of(),
                    Set.of(), List.of(), Map.of(), UpgradeValues.NONE, Collections.unmodifiableMap(databases), false,
                    Optional.empty(), Optional.empty(), SwitchoverState.NONE, false, Optional.empty(),
                    requested.getOccurredAt());
        }
        if (state == null) {
            throw new IllegalStateException("An upgrade's history must begin with UpgradeRequested, not "
                    + event.getSchema().getName());
        }
        Next next = new Next(state);
        if (event instanceof PhaseEntered entered) {
            UpgradePhase to = entered.getPhase();
            // a failed phase keeps what it had done, so resuming it (retry, or rollback of a failed undo) does not
            // start it over
            boolean resume = entered.getPreviousPhase() == UpgradePhase.FAILED && state.failedPhase.equals(Optional.of(to));
            if (to != UpgradePhase.FAILED && !resume) {
                next.resetCompleted();
            }
            next.phase = to;
            next.phaseSince = entered.getOccurredAt();
            if (to == UpgradePhase.RETIRING_BLUE && state.retiringSince.isEmpty()) {
                next.retiringSince = Optional.of(entered.getOccurredAt());
            }
            next.switchoverApproved = to != UpgradePhase.REPLICATING && state.switchoverApproved;
        } else if (event instanceof StepDispatched dispatched && Step.retired(dispatched.getStep())) {
            // a step of the removed logical-copy strategy, recorded before its removal: nothing waits for its answer
            // any more; what it made (Green) is undone by a rollback as a clone is
            Step.undoneAs(dispatched.getStep()).map(step -> new StepKey(step, dispatched.getDatabase()))
                    .filter(key -> !state.attempted.contains(key)).ifPresent(key -> next.attempted().add(key));
        } else if (event instanceof StepDispatched dispatched) {
            Step step = Step.of(dispatched.getStep());
            // histories from before deadlines existed: the step's default timeout from its dispatch
            Instant deadline = dispatched.getDeadline() != null ? dispatched.getDeadline()
                    : dispatched.getOccurredAt().plus(step.defaultTimeout());
            Dispatch dispatch = new Dispatch(dispatched.getCommandId(), step, dispatched.getDatabase(),
                    dispatched.getAttempt(), state.phase, dispatched.getOccurredAt(), deadline, 0, Optional.empty());
            next.pending().put(dispatch.commandId(), dispatch);
            next.attempts().put(dispatch.key(), dispatch.attempt());
            if (!state.attempted.contains(dispatch.key())) {
                next.attempted().add(dispatch.key());
            }
        } else if (event instanceof CommandResent resent) {
            next.pending().computeIfPresent(resent.getCommandId(), (id, d) -> d.resent(resent.getDeadline()));
        } else if (event instanceof StepProgressed progressed) {
            next.pending().computeIfPresent(progressed.getCommandId(), (id, d) -> d.progressed(new Dispatch.Progress(
                    progressed.getOccurredAt(), progressed.getDetail(), progressed.getPercent()), progressed.getDeadline()));
        } else if (event instanceof StepCompleted completed) {
            Dispatch dispatch = state.pending.get(completed.getCausationId());
            if (dispatch == null) {
                return state;
            }
            next.pending().remove(dispatch.commandId());
            next.completed().add(dispatch.key());
            Details.Read read = Details.read(dispatch, completed.getDetails(), state.values, state.databases);
            next.values = read.values();
            next.replaceDatabases(read.databases());
        } else if (event instanceof StepFailureRecorded failure) {
            next.pending().remove(failure.getCausationId());
            next.lastFailure = Optional.of(failure.getMessage());
        } else if (event instanceof UpgradeFailed failed) {
            next.failedPhase = Optional.of(failed.getPhase());
            next.lastFailure = Optional.of(failed.getMessage());
        } else if (event instanceof SwitchoverApproved approved) {
            next.switchoverApproved = true;
            next.switchover = state.switchover.approved(approved.getErrorsSeen());
        } else if (event instanceof SwitchoverStarted started) {
            next.switchover = state.switchover.started(started.getAttempt(), started.getDeadline());
        } else if (event instanceof SwitchoverAborted) {
            next.switchover = state.switchover.ended();
        } else if (event instanceof RetryRequested) {
            next.switchover = state.switchover.retried();
        } else if (event instanceof DataVerificationRecorded verified) {
            next.switchover = state.switchover.verified(verified.getMatched());
            next.databases().computeIfPresent(verified.getDatabase(), (db, s) -> s.withVerified(verified.getMatched()));
        } else if (event instanceof VerificationWaived waived) {
            waived.getDatabases().forEach(db -> next.completed().add(new StepKey(Step.VERIFY_DATA, db)));
        } else if (event instanceof RollbackStarted) {
            next.rollbackRequested = true;
        } else {
            return state;
        }
        return next.build();
    }

    /** The pending dispatch of a step, if one is in flight. */
    public Optional<Dispatch> inFlight(Step step) {
        return pending.values().stream().filter(d -> d.step() == step).findFirst();
    }

    /** The attempt a step was last dispatched with (0 when never). */
    public int attempt(StepKey key) {
        return attempts.getOrDefault(key, 0);
    }

    /**
     * When old Blue is due to be deleted: the plan's retention after RETIRING_BLUE was entered; empty before, or when
     * the plan keeps old Blue.
     */
    public Optional<Instant> retireAt() {
        return PhasePlan.retiresBlue(plan) ? retiringSince.map(since -> since.plusMillis(plan.getOldBlueRetentionMs()))
                : Optional.empty();
    }

    /** In RETIRING_BLUE with nothing sent yet: waiting for the retention to pass. */
    boolean awaitingRetirement() {
        return phase == UpgradePhase.RETIRING_BLUE && pending.isEmpty()
                && !completed.contains(new StepKey(Step.RETIRE_OLD_BLUE, null)) && retireAt().isPresent();
    }

    /** Green has taken writes: the switchover was proven. */
    public boolean switchedOver() {
        return values.provenAt().isPresent();
    }

    /**
     * Planned with the removed {@code logical_copy} strategy ({@link PhasePlan#runs}) and not switched over: the upgrade
     * goes no further forward; it can be rolled back. Only a history recorded before the removal holds such a plan.
     */
    public boolean retired() {
        return !PhasePlan.runs(plan) && !switchedOver();
    }

    /**
     * A retired upgrade {@link Saga#onTick} stops now (FAILED, with what to do): in any forward phase it can fail in,
     * unless its switchover is in flight (the attempt ends first: proven, it carries on to the end; aborted, Blue is
     * unfenced). In READY_FOR_SWITCHOVER it waits: approval is refused.
     */
    boolean stoppable() {
        return retired() && phase != UpgradePhase.FAILED && phase != UpgradePhase.ROLLING_BACK
                && Transitions.isLegal(phase, UpgradePhase.FAILED, Transitions.Trigger.FAILED)
                && inFlight(Step.RUN_SWITCHOVER).isEmpty();
    }

    /**
     * The earliest moment {@link Saga#onTick} could decide something: just after the earliest deadline of a pending
     * command, at once for a retired upgrade it stops ({@link #stoppable()}), or when old Blue's retention has passed
     * in RETIRING_BLUE. Empty when nothing is pending (or the upgrade has ended): no tick is needed until another input.
     */
    public Optional<Instant> nextDeadline() {
        if (isTerminal()) {
            return Optional.empty();
        }
        if (stoppable()) {
            return Optional.of(Instant.EPOCH);
        }
        if (awaitingRetirement()) {
            return retireAt();
        }
        return pending.values().stream().map(Dispatch::deadline).min(Comparator.naturalOrder()).map(d -> d.plusMillis(1));
    }

    public boolean isTerminal() {
        return phase == UpgradePhase.COMPLETED || phase == UpgradePhase.ROLLED_BACK;
    }

    /**
     * The fields of the next state, changed by one event. A collection is copied only when the event changes it; the
     * others are shared with the current state (they are never changed once built).
     */
    private static final class Next {
        private final UpgradeState from;
        private UpgradePhase phase;
        private Map<String, Dispatch> pending;
        private Set<StepKey> completed;
        private List<StepKey> attempted;
        private Map<StepKey, Integer> attempts;
        private UpgradeValues values;
        private Map<String, DatabaseState> databases;
        private boolean switchoverApproved;
        private Optional<UpgradePhase> failedPhase;
        private Optional<String> lastFailure;
        private SwitchoverState switchover;
        private boolean rollbackRequested;
        private Optional<Instant> retiringSince;
        private Instant phaseSince;

        Next(UpgradeState s) {
            from = s;
            phase = s.phase;
            values = s.values;
            switchoverApproved = s.switchoverApproved;
            failedPhase = s.failedPhase;
            lastFailure = s.lastFailure;
            switchover = s.switchover;
            rollbackRequested = s.rollbackRequested;
            retiringSince = s.retiringSince;
            phaseSince = s.phaseSince;
        }

        Map<String, Dispatch> pending() {
            if (pending == null) {
                pending = new LinkedHashMap<>(from.pending);
            }
            return pending;
        }

        Set<StepKey> completed() {
            if (completed == null) {
                completed = new HashSet<>(from.completed);
            }
            return completed;
        }

        void resetCompleted() {
            completed = new HashSet<>();
        }

        List<StepKey> attempted() {
            if (attempted == null) {
                attempted = new ArrayList<>(from.attempted);
            }
            return attempted;
        }

        Map<StepKey, Integer> attempts() {
            if (attempts == null) {
                attempts = new HashMap<>(from.attempts);
            }
            return attempts;
        }

        Map<String, DatabaseState> databases() {
            if (databases == null) {
                databases = new LinkedHashMap<>(from.databases);
            }
            return databases;
        }

        void replaceDatabases(Map<String, DatabaseState> replacement) {
            databases = new LinkedHashMap<>(replacement);
        }

        UpgradeState build() {
            return new UpgradeState(from.upgradeId, from.plan, phase,
                    pending == null ? from.pending : Collections.unmodifiableMap(pending),
                    completed == null ? from.completed : Collections.unmodifiableSet(completed),
                    attempted == null ? from.attempted : Collections.unmodifiableList(attempted),
                    attempts == null ? from.attempts : Collections.unmodifiableMap(attempts), values,
                    databases == null ? from.databases : Collections.unmodifiableMap(databases), switchoverApproved,
                    failedPhase, lastFailure, switchover, rollbackRequested, retiringSince, phaseSince);
        }
    }
}
