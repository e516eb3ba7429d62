package io.bluegreen.coordinator.saga;

import io.bluegreen.schemas.common.Engine;
import io.bluegreen.schemas.common.RepointMethod;
import io.bluegreen.schemas.common.SeedMethod;
import io.bluegreen.schemas.common.Strategy;
import io.bluegreen.schemas.common.UpgradePhase;
import io.bluegreen.schemas.common.UpgradePlan;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Function;
import java.util.function.Predicate;

import static io.bluegreen.coordinator.saga.Step.ADVANCE_ORIGIN;
import static io.bluegreen.coordinator.saga.Step.ADVANCE_SLOT;
import static io.bluegreen.coordinator.saga.Step.ANALYZE_DATABASE;
import static io.bluegreen.coordinator.saga.Step.CLONE_CLUSTER;
import static io.bluegreen.coordinator.saga.Step.CREATE_PUBLICATION;
import static io.bluegreen.coordinator.saga.Step.CREATE_SLOT;
import static io.bluegreen.coordinator.saga.Step.CREATE_SUBSCRIPTION;
import static io.bluegreen.coordinator.saga.Step.DELETE_UPGRADE_SNAPSHOTS;
import static io.bluegreen.coordinator.saga.Step.DROP_CLONED_REPLICATION_OBJECTS;
import static io.bluegreen.coordinator.saga.Step.DROP_PUBLICATION_AND_SLOT;
import static io.bluegreen.coordinator.saga.Step.DROP_SUBSCRIPTION;
import static io.bluegreen.coordinator.saga.Step.ENABLE_LOGICAL_REPLICATION;
import static io.bluegreen.coordinator.saga.Step.READ_SNAPSHOT_LSN;
import static io.bluegreen.coordinator.saga.Step.READ_SNAPSHOT_LSN_FROM_LOG;
import static io.bluegreen.coordinator.saga.Step.RETIRE_OLD_BLUE;
import static io.bluegreen.coordinator.saga.Step.RUN_PREFLIGHT;
import static io.bluegreen.coordinator.saga.Step.RUN_SWITCHOVER;
import static io.bluegreen.coordinator.saga.Step.SWAP_ENDPOINTS;
import static io.bluegreen.coordinator.saga.Step.UPGRADE_ENGINE;
import static io.bluegreen.coordinator.saga.Step.VERIFY_DATA;

/**
 * The phase table: which phases a plan runs, in order, and the stages (steps) of each. A phase's stages run one
 * after the other, the databases of a per-database stage in parallel. The {@code snapshot} strategy, the only one,
 * follows the seed:
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
 *                         DropSubscription; DropPublicationAndSlot (each db, on old Blue where it is now);
 *                         DeleteUpgradeSnapshots (the RDS seed snapshot)
 * RETIRING_BLUE           only with the plan's oldBlueRetentionMs &gt; 0: waits that long from its start, then
 *                         RetireOldBlue (old Blue deleted with a final snapshot)
 * COMPLETED
 * </pre>
 * The write-unavailable window runs from the fence (inside RunSwitchover) to WriterEndpointChanged. A refused
 * guardrail, a failure inside the window or no proof by the deadline aborts the attempt: Blue is unfenced
 * (ReleaseFence, each db) and the upgrade returns to REPLICATING, or stops in FAILED after the plan's attempts.
 * ROLLING_BACK has no fixed stages: it undoes, newest first, every step that was dispatched ({@link Step#undo()}).
 *
 * <p>The {@code logical_copy} strategy was removed (it started Green empty, and no step created Blue's databases and
 * schema there): {@link #runs} says no to it, {@link PlanCheck} refuses it, and an upgrade recorded with it goes no
 * further forward ({@link UpgradeState#retired()}). INITIAL_COPY, its phase, is never entered.
 */
public final class PhasePlan {

    private record Row(UpgradePhase phase, Predicate<UpgradePlan> runs, boolean gated,
                       Function<UpgradePlan, List<Step>> stages) {
    }

    private static final Predicate<UpgradePlan> ALWAYS = plan -> true;

    private static final List<Row> TABLE = List.of(
            row(UpgradePhase.PREFLIGHT, ALWAYS, plan -> List.of(RUN_PREFLIGHT)),
            row(UpgradePhase.PREPARING_BLUE, ALWAYS, plan -> List.of(ENABLE_LOGICAL_REPLICATION, CREATE_PUBLICATION, CREATE_SLOT)),
            row(UpgradePhase.CLONING_GREEN, ALWAYS, plan -> List.of(CLONE_CLUSTER)),
            row(UpgradePhase.CAPTURING_SNAPSHOT_LSN, ALWAYS, plan -> List.of(
                    plan.getBlue().getEngine() == Engine.AURORA_POSTGRESQL ? READ_SNAPSHOT_LSN : READ_SNAPSHOT_LSN_FROM_LOG)),
            row(UpgradePhase.CLEANING_GREEN, ALWAYS, plan -> List.of(DROP_CLONED_REPLICATION_OBJECTS)),
            row(UpgradePhase.UPGRADING_GREEN, ALWAYS, plan -> List.of(UPGRADE_ENGINE)),
            row(UpgradePhase.SEEDING_POSITION, ALWAYS, plan -> List.of(origin(plan) ? ADVANCE_ORIGIN : ADVANCE_SLOT)),
            row(UpgradePhase.SUBSCRIBING, plan -> !origin(plan), plan -> List.of(CREATE_SUBSCRIPTION)),
            new Row(UpgradePhase.REPLICATING, ALWAYS, true, plan -> List.of()),
            new Row(UpgradePhase.READY_FOR_SWITCHOVER, ALWAYS, true, plan -> List.of()),
            row(UpgradePhase.SWITCHING_OVER, ALWAYS, plan -> SwitchoverPlan.repoint(plan) == RepointMethod.RENAME
                    ? List.of(ANALYZE_DATABASE, RUN_SWITCHOVER, SWAP_ENDPOINTS)
                    : List.of(ANALYZE_DATABASE, RUN_SWITCHOVER)),
            row(UpgradePhase.CLEANING_UP, ALWAYS, plan -> plan.getVerifyBeforeRepoint()
                    ? List.of(DROP_SUBSCRIPTION, DROP_PUBLICATION_AND_SLOT, DELETE_UPGRADE_SNAPSHOTS)
                    : List.of(VERIFY_DATA, DROP_SUBSCRIPTION, DROP_PUBLICATION_AND_SLOT, DELETE_UPGRADE_SNAPSHOTS)),
            row(UpgradePhase.RETIRING_BLUE, PhasePlan::retiresBlue, plan -> List.of(RETIRE_OLD_BLUE)),
            row(UpgradePhase.COMPLETED, ALWAYS, plan -> List.of()));

    private PhasePlan() {
    }

    private static Row row(UpgradePhase phase, Predicate<UpgradePlan> runs, Function<UpgradePlan, List<Step>> stages) {
        return new Row(phase, runs, false, stages);
    }

    /**
     * Whether this table runs the plan's strategy: every strategy but the removed {@code logical_copy} (a plan that
     * does not say is a snapshot plan).
     */
    public static boolean runs(UpgradePlan plan) {
        return plan.getStrategy() != Strategy.LOGICAL_COPY;
    }

    /** Whether old Blue is deleted after the plan's retention (absent or 0 keeps it). */
    public static boolean retiresBlue(UpgradePlan plan) {
        return plan.getOldBlueRetentionMs() > 0;
    }

    private static boolean origin(UpgradePlan plan) {
        return plan.getSeedMethod() == SeedMethod.ORIGIN_ADVANCE;
    }

    /** The phases this plan runs through, from PREFLIGHT to COMPLETED. */
    public static List<UpgradePhase> phases(UpgradePlan plan) {
        return TABLE.stream().filter(row -> row.runs().test(plan)).map(Row::phase).toList();
    }

    /** The phase after {@code phase} in this plan. */
    public static UpgradePhase next(UpgradePlan plan, UpgradePhase phase) {
        List<UpgradePhase> phases = phases(plan);
        int at = phases.indexOf(phase);
        if (at < 0 || at == phases.size() - 1) {
            throw new IllegalStateException("No phase follows " + phase + " in a " + plan.getStrategy() + " plan");
        }
        return phases.get(at + 1);
    }

    /** Phases that wait for something other than an agent's answer. */
    public static boolean gated(UpgradePhase phase) {
        return TABLE.stream().anyMatch(row -> row.phase() == phase && row.gated());
    }

    /** Phases in which steps are dispatched (and so can fail), for any plan; ROLLING_BACK included. */
    static Set<UpgradePhase> working() {
        Set<UpgradePhase> phases = new LinkedHashSet<>();
        TABLE.stream().filter(row -> !row.gated() && row.phase() != UpgradePhase.COMPLETED).forEach(row -> phases.add(row.phase()));
        phases.add(UpgradePhase.ROLLING_BACK);
        return phases;
    }

    /** The stages of {@code phase} for this upgrade, in order. */
    public static List<Step> stages(UpgradeState state, UpgradePhase phase) {
        if (phase == UpgradePhase.ROLLING_BACK) {
            return rollbackStages(state);
        }
        return TABLE.stream().filter(row -> row.phase() == phase).findFirst()
                .map(row -> row.stages().apply(state.plan())).orElse(List.of());
    }

    /** The stages of a forward {@code phase} of this plan, in order (what a dry run shows). */
    public static List<Step> stages(UpgradePlan plan, UpgradePhase phase) {
        return TABLE.stream().filter(row -> row.phase() == phase).findFirst()
                .map(row -> row.stages().apply(plan)).orElse(List.of());
    }

    /** The undo of every step that was dispatched (answered or not), newest first, each undo once. */
    static List<Step> rollbackStages(UpgradeState state) {
        List<StepKey> attempted = new ArrayList<>(state.attempted());
        Set<Step> undo = new LinkedHashSet<>();
        for (int i = attempted.size() - 1; i >= 0; i--) {
            attempted.get(i).step().undo().ifPresent(undo::add);
        }
        return List.copyOf(undo);
    }
}
