package io.bluegreen.coordinator.saga;

import io.bluegreen.schemas.common.SeedMethod;
import io.bluegreen.schemas.common.Strategy;
import io.bluegreen.schemas.common.UpgradePhase;
import io.bluegreen.schemas.common.UpgradePlan;

import java.util.Collections;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * The legal moves between phases, and what makes each. The saga checks every phase it enters against this table,
 * and {@code docs/saga.md} lists the same table (a test keeps both equal).
 */
public final class Transitions {

    /** What moves an upgrade from one phase to another. */
    public enum Trigger {
        /** The plan was accepted. */
        ACCEPTED,
        /** Every stage of the phase completed. */
        STEPS_DONE,
        /** Every database stayed under the lag threshold for the hold time. */
        LAG_HELD,
        /** A user (or the automatic mode) approved the switchover. */
        APPROVED,
        /** The switchover attempt ended without a repoint (refused, failed, or no proof by its deadline). */
        ABORTED,
        /** A step failed for good, or the last allowed switchover attempt was aborted. */
        FAILED,
        /** A user asked to resume the phase that failed. */
        RETRY,
        /**
         * After the switchover, a user accepted Green without the data verification that failed or could not be
         * done, and the clean-up goes on.
         */
        WAIVED,
        /** A user asked to undo what was attempted (refused once the switchover was proven). */
        ROLLBACK,
        /** Every undo completed. */
        UNDONE
    }

    /** One legal move. */
    public record Transition(UpgradePhase from, UpgradePhase to, Trigger trigger) {
    }

    private static final Set<Transition> LEGAL = build();

    private Transitions() {
    }

    /** Every legal move, in a stable order. */
    public static Set<Transition> legal() {
        return LEGAL;
    }

    public static boolean isLegal(UpgradePhase from, UpgradePhase to, Trigger trigger) {
        return LEGAL.contains(new Transition(from, to, trigger));
    }

    /** Throws when the move is not in the table: the saga never records an illegal phase change. */
    static void require(UpgradePhase from, UpgradePhase to, Trigger trigger) {
        if (!isLegal(from, to, trigger)) {
            throw new IllegalStateException("Illegal transition " + from + " -> " + to + " (" + trigger + "): not in "
                    + "Transitions.legal() nor docs/saga.md");
        }
    }

    private static Set<Transition> build() {
        Set<Transition> legal = new LinkedHashSet<>();
        legal.add(new Transition(UpgradePhase.REQUESTED, UpgradePhase.PREFLIGHT, Trigger.ACCEPTED));
        for (UpgradePlan plan : variants()) {
            List<UpgradePhase> phases = PhasePlan.phases(plan);
            for (int i = 0; i + 1 < phases.size(); i++) {
                UpgradePhase from = phases.get(i);
                Trigger trigger = from == UpgradePhase.REPLICATING ? Trigger.LAG_HELD
                        : from == UpgradePhase.READY_FOR_SWITCHOVER ? Trigger.APPROVED : Trigger.STEPS_DONE;
                legal.add(new Transition(from, phases.get(i + 1), trigger));
            }
        }
        legal.add(new Transition(UpgradePhase.SWITCHING_OVER, UpgradePhase.REPLICATING, Trigger.ABORTED));
        List<UpgradePhase> failing = PhasePlan.working().stream().sorted(Comparator.comparingInt(Enum::ordinal)).toList();
        for (UpgradePhase phase : failing) {
            legal.add(new Transition(phase, UpgradePhase.FAILED, Trigger.FAILED));
        }
        legal.add(new Transition(UpgradePhase.REPLICATING, UpgradePhase.FAILED, Trigger.FAILED));
        // never entered since the logical-copy strategy was removed: an upgrade recorded in it is stopped
        legal.add(new Transition(UpgradePhase.INITIAL_COPY, UpgradePhase.FAILED, Trigger.FAILED));
        for (UpgradePhase phase : failing) {
            legal.add(new Transition(UpgradePhase.FAILED, phase, Trigger.RETRY));
        }
        legal.add(new Transition(UpgradePhase.FAILED, UpgradePhase.REPLICATING, Trigger.RETRY));
        legal.add(new Transition(UpgradePhase.FAILED, UpgradePhase.CLEANING_UP, Trigger.WAIVED));
        for (UpgradePhase phase : UpgradePhase.values()) {
            if (rollbackFrom(phase)) {
                legal.add(new Transition(phase, UpgradePhase.ROLLING_BACK, Trigger.ROLLBACK));
            }
        }
        legal.add(new Transition(UpgradePhase.ROLLING_BACK, UpgradePhase.ROLLED_BACK, Trigger.UNDONE));
        return Collections.unmodifiableSet(legal);
    }

    /** Phases a rollback may be asked in (it is refused in them too once the switchover was proven). */
    private static boolean rollbackFrom(UpgradePhase phase) {
        return switch (phase) {
            case PREFLIGHT, PREPARING_BLUE, CLONING_GREEN, CAPTURING_SNAPSHOT_LSN, CLEANING_GREEN, UPGRADING_GREEN,
                 SEEDING_POSITION, SUBSCRIBING, REPLICATING, READY_FOR_SWITCHOVER, SWITCHING_OVER,
                 FAILED -> true;
            default -> false;
        };
    }

    /** One plan of each shape the phase table distinguishes (only what selects the phases is set). */
    private static List<UpgradePlan> variants() {
        return List.of(plan(Strategy.SNAPSHOT, SeedMethod.SLOT_ADVANCE, 0), plan(Strategy.SNAPSHOT, SeedMethod.ORIGIN_ADVANCE, 0),
                plan(Strategy.SNAPSHOT, SeedMethod.SLOT_ADVANCE, 1));
    }

    private static UpgradePlan plan(Strategy strategy, SeedMethod seed, long oldBlueRetentionMs) {
        UpgradePlan plan = new UpgradePlan();
        plan.setStrategy(strategy);
        plan.setSeedMethod(seed);
        plan.setOldBlueRetentionMs(oldBlueRetentionMs);
        return plan;
    }
}
