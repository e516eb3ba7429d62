package io.bluegreen.coordinator.saga;

import io.bluegreen.schemas.common.Engine;
import io.bluegreen.schemas.common.RepointMethod;
import io.bluegreen.schemas.common.SeedMethod;
import io.bluegreen.schemas.common.Strategy;
import io.bluegreen.schemas.common.UpgradePhase;
import io.bluegreen.schemas.common.UpgradePlan;

import java.util.ArrayList;
import java.util.List;

/**
 * The phases of a plan and the stages of each phase. The {@code snapshot} strategy follows the seed:
 * <pre>
 * PREFLIGHT               RunPreflight
 * PREPARING_BLUE          EnableLogicalReplication; CreatePublication (each db); CreateSlot (each db)
 * CLONING_GREEN           CloneCluster
 * CAPTURING_SNAPSHOT_LSN  ReadSnapshotLsn (Aurora: aurora_volume_logical_start_lsn) | ReadSnapshotLsnFromLog (RDS)
 * CLEANING_GREEN          DropClonedReplicationObjects (each db)
 * UPGRADING_GREEN         UpgradeEngine
 * SEEDING_POSITION        AdvanceSlot (each db) | AdvanceOrigin (each db; creates the subscription)
 * SUBSCRIBING             CreateSubscription (each db; slot-advance seeding only)
 * REPLICATING             gated by lag events: every database under the threshold for the hold time
 * READY_FOR_SWITCHOVER    gated by approval (MANUAL) or passed at once (AUTOMATIC)
 * SWITCHING_OVER          AnalyzeDatabase (each db, before the fence: statistics need not be exact);
 *                         RunSwitchover (one command for every database: guardrails, fence, drain, sequences,
 *                         verification only when the plan verifies before repoint), bounded by the plan's
 *                         switchoverTimeout; SwapEndpoints (rename repoint only)
 * CLEANING_UP             entered with WriterEndpointChanged (the event repoint); VerifyData (each db, Green at
 *                         the drain point against the fenced Blue, unless verified before repoint);
 *                         DropSubscription; DropPublicationAndSlot (each db)
 * COMPLETED
 * </pre>
 * The write-unavailable window runs from the fence (inside RunSwitchover) to WriterEndpointChanged. A refused
 * guardrail, a failure inside the window or no proof by the deadline aborts the attempt: Blue is unfenced
 * (ReleaseFence, each db) and the upgrade returns to REPLICATING, or stops in FAILED after the plan's attempts.
 * The {@code logical-copy} strategy creates Green fresh (CreateCluster), subscribes with copy_data = true
 * (SUBSCRIBING) and waits for the copy (INITIAL_COPY), then replicates and switches over the same way.
 * ROLLING_BACK undoes what was attempted, newest first: UnfenceWrites (removing the fence's guards),
 * DropSubscription, DeleteCluster (Green), DropPublicationAndSlot.
 */
public final class PhasePlan {

    /** The fenced program: one command, one bounded window. */
    public static final String RUN_SWITCHOVER = "RunSwitchover";
    /** Unfences Blue after an aborted attempt and leaves the disarmed guards for the next one. */
    public static final String RELEASE_FENCE = "ReleaseFence";

    private PhasePlan() {
    }

    public static List<UpgradePhase> phases(UpgradePlan plan) {
        List<UpgradePhase> phases = new ArrayList<>(List.of(UpgradePhase.PREFLIGHT, UpgradePhase.PREPARING_BLUE,
                UpgradePhase.CLONING_GREEN));
        if (plan.getStrategy() == Strategy.LOGICAL_COPY) {
            phases.addAll(List.of(UpgradePhase.SUBSCRIBING, UpgradePhase.INITIAL_COPY));
        } else {
            phases.addAll(List.of(UpgradePhase.CAPTURING_SNAPSHOT_LSN, UpgradePhase.CLEANING_GREEN,
                    UpgradePhase.UPGRADING_GREEN, UpgradePhase.SEEDING_POSITION));
            if (plan.getSeedMethod() != SeedMethod.ORIGIN_ADVANCE) {
                phases.add(UpgradePhase.SUBSCRIBING);
            }
        }
        phases.addAll(List.of(UpgradePhase.REPLICATING, UpgradePhase.READY_FOR_SWITCHOVER, UpgradePhase.SWITCHING_OVER,
                UpgradePhase.CLEANING_UP, UpgradePhase.COMPLETED));
        return phases;
    }

    /** The phase after {@code phase} in this plan. */
    public static UpgradePhase next(UpgradePlan plan, UpgradePhase phase) {
        List<UpgradePhase> phases = phases(plan);
        int at = phases.indexOf(phase);
        if (at < 0 || at == phases.size() - 1) {
            throw new IllegalStateException("No phase follows " + phase);
        }
        return phases.get(at + 1);
    }

    /** Phases that wait for something other than an agent's answer. */
    public static boolean gated(UpgradePhase phase) {
        return phase == UpgradePhase.REPLICATING || phase == UpgradePhase.READY_FOR_SWITCHOVER;
    }

    public static List<Stage> stages(UpgradeState state, UpgradePhase phase) {
        UpgradePlan plan = state.plan();
        boolean copy = plan.getStrategy() == Strategy.LOGICAL_COPY;
        return switch (phase) {
            case PREFLIGHT -> List.of(Stage.once("RunPreflight"));
            case PREPARING_BLUE -> copy
                    ? List.of(Stage.once("EnableLogicalReplication"), Stage.each("CreatePublication"))
                    : List.of(Stage.once("EnableLogicalReplication"), Stage.each("CreatePublication"), Stage.each("CreateSlot"));
            case CLONING_GREEN -> List.of(Stage.once(copy ? "CreateCluster" : "CloneCluster"));
            case CAPTURING_SNAPSHOT_LSN -> List.of(Stage.once(plan.getBlue().getEngine() == Engine.AURORA_POSTGRESQL
                    ? "ReadSnapshotLsn" : "ReadSnapshotLsnFromLog"));
            case CLEANING_GREEN -> List.of(Stage.each("DropClonedReplicationObjects"));
            case UPGRADING_GREEN -> List.of(Stage.once("UpgradeEngine"));
            case SEEDING_POSITION -> List.of(Stage.each(plan.getSeedMethod() == SeedMethod.ORIGIN_ADVANCE
                    ? "AdvanceOrigin" : "AdvanceSlot"));
            case SUBSCRIBING -> List.of(Stage.each("CreateSubscription"));
            case INITIAL_COPY -> List.of(Stage.each("AwaitInitialCopy"));
            case SWITCHING_OVER -> SwitchoverPlan.repoint(plan) == RepointMethod.RENAME
                    ? List.of(Stage.each("AnalyzeDatabase"), Stage.once(RUN_SWITCHOVER), Stage.once("SwapEndpoints"))
                    : List.of(Stage.each("AnalyzeDatabase"), Stage.once(RUN_SWITCHOVER));
            case CLEANING_UP -> plan.getVerifyBeforeRepoint()
                    ? List.of(Stage.each("DropSubscription"), Stage.each("DropPublicationAndSlot"))
                    : List.of(Stage.each("VerifyData"), Stage.each("DropSubscription"), Stage.each("DropPublicationAndSlot"));
            case ROLLING_BACK -> rollbackStages(state);
            default -> List.of();
        };
    }

    /** Undo, newest first, what was attempted. */
    static List<Stage> rollbackStages(UpgradeState state) {
        List<Stage> stages = new ArrayList<>();
        if (state.attempt(RUN_SWITCHOVER) > 0) {
            stages.add(Stage.each("UnfenceWrites"));
        }
        if (anyDone(state, "CreateSubscription") || anyDone(state, "AdvanceOrigin")) {
            stages.add(Stage.each("DropSubscription"));
        }
        if (anyDone(state, "CloneCluster") || anyDone(state, "CreateCluster")) {
            stages.add(Stage.once("DeleteCluster"));
        }
        if (anyDone(state, "CreatePublication")) {
            stages.add(Stage.each("DropPublicationAndSlot"));
        }
        return stages;
    }

    private static boolean anyDone(UpgradeState state, String step) {
        return state.everDone().stream().anyMatch(key -> key.equals(step) || key.startsWith(step + "|"));
    }
}
