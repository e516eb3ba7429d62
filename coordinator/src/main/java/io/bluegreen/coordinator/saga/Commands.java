package io.bluegreen.coordinator.saga;

import io.bluegreen.schemas.command.aws.CloneCluster;
import io.bluegreen.schemas.command.aws.DeleteCluster;
import io.bluegreen.schemas.command.aws.DeleteUpgradeSnapshots;
import io.bluegreen.schemas.command.aws.EnableLogicalReplication;
import io.bluegreen.schemas.command.aws.ReadSnapshotLsnFromLog;
import io.bluegreen.schemas.command.aws.RetireOldBlue;
import io.bluegreen.schemas.command.aws.SwapEndpoints;
import io.bluegreen.schemas.command.aws.UpgradeEngine;
import io.bluegreen.schemas.command.pg.AdvanceOrigin;
import io.bluegreen.schemas.command.pg.AdvanceSlot;
import io.bluegreen.schemas.command.pg.AnalyzeDatabase;
import io.bluegreen.schemas.command.pg.CreatePublication;
import io.bluegreen.schemas.command.pg.CreateSlot;
import io.bluegreen.schemas.command.pg.CreateSubscription;
import io.bluegreen.schemas.command.pg.DropClonedReplicationObjects;
import io.bluegreen.schemas.command.pg.DropPublicationAndSlot;
import io.bluegreen.schemas.command.pg.DropSubscription;
import io.bluegreen.schemas.command.pg.ReadSnapshotLsn;
import io.bluegreen.schemas.command.pg.RunPreflight;
import io.bluegreen.schemas.command.pg.RunSwitchover;
import io.bluegreen.schemas.command.pg.UnfenceWrites;
import io.bluegreen.schemas.command.pg.VerifyData;
import io.bluegreen.schemas.common.CloneMethod;
import io.bluegreen.schemas.common.ClusterRef;
import io.bluegreen.schemas.common.DatabaseTarget;
import io.bluegreen.schemas.common.Engine;
import io.bluegreen.schemas.common.ReplicationNames;
import io.bluegreen.schemas.common.Role;
import io.bluegreen.schemas.common.SnapshotLsnMethod;
import io.bluegreen.schemas.common.SwitchoverDatabase;
import io.bluegreen.schemas.common.UpgradePlan;
import io.bluegreen.schemas.common.VerifyMode;
import org.apache.avro.specific.SpecificRecord;

import java.time.Instant;
import java.util.List;
import java.util.Locale;

import static io.bluegreen.coordinator.saga.Step.*;

/**
 * Builds the command of a step for one database (or for the upgrade) from the plan and what earlier steps
 * produced (the typed state). Command ids are deterministic ({@code <upgrade>/<step>[|db]/<attempt>}): a coordinator that
 * re-sends after a crash sends the same id, and the agent answers it once.
 */
public final class Commands {

    private Commands() {
    }

    public static String commandId(String upgradeId, String key, int attempt) {
        return upgradeId + "/" + key + "/" + attempt;
    }

    /** Names of one database's replication objects: the seed's {@code blue_green_pub_<db>} with the plan's prefix. */
    public static ReplicationNames names(UpgradePlan plan, String database) {
        String db = database.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9_]", "_");
        return new ReplicationNames(identifier(plan.getNamePrefix() + "_pub_" + db),
                identifier(plan.getNamePrefix() + "_slot_" + db), identifier(plan.getNamePrefix() + "_sub_" + db));
    }

    private static String identifier(String name) {
        return name.length() <= 63 ? name : name.substring(0, 63);
    }

    /** Green's identifier: the plan's, or Blue's with a suffix from the upgrade id. */
    public static String greenIdentifier(String upgradeId, UpgradePlan plan) {
        if (plan.getGreenIdentifier() != null) {
            return plan.getGreenIdentifier();
        }
        String suffix = upgradeId.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9]", "");
        suffix = suffix.substring(0, Math.min(8, suffix.length()));
        return plan.getBlue().getIdentifier() + "-green-" + suffix;
    }

    /**
     * Green as far as it is known: identifier always; endpoint once a step reported it. After a rename repoint Green
     * has Blue's identifier and is reached at the writer endpoint the swap reported (its former endpoint went with its
     * former identifier).
     */
    public static ClusterRef green(UpgradeState state) {
        UpgradePlan plan = state.plan();
        UpgradeValues values = state.values();
        UpgradeValues.Green reported = values.green();
        boolean renamed = values.oldBlue().isPresent() && values.writer().isPresent();
        ClusterRef.Builder green = ClusterRef.newBuilder(plan.getBlue())
                .setIdentifier(renamed ? plan.getBlue().getIdentifier()
                        : reported.identifier().orElse(greenIdentifier(state.upgradeId(), plan)))
                .setHost(renamed ? values.writer().get().host() : reported.host().orElse(null))
                .setPort(renamed ? Integer.valueOf(values.writer().get().port()) : reported.port().orElse(null));
        if (plan.getGreenCredentialsRef() != null) {
            green.setCredentialsRef(plan.getGreenCredentialsRef());
        }
        return green.build();
    }

    static DatabaseTarget blue(UpgradeState state, String database) {
        return new DatabaseTarget(currentBlue(state), database, Role.BLUE);
    }

    /**
     * Blue where it is now: the plan's Blue until a rename repoint; then old Blue under its new identifier
     * ({@code <blue>-old}) at the endpoint the swap read back, since on AWS Blue's former endpoint reaches Green. A
     * history recorded before the swap reported that endpoint keeps the plan's (right on the local endpoint, where an
     * endpoint stays with its server).
     */
    public static ClusterRef currentBlue(UpgradeState state) {
        ClusterRef blue = state.plan().getBlue();
        return state.values().oldBlue().map(old -> {
            ClusterRef.Builder renamed = ClusterRef.newBuilder(blue).setIdentifier(old.identifier());
            old.endpoint().ifPresent(e -> renamed.setHost(e.host()).setPort(e.port()));
            return renamed.build();
        }).orElse(blue);
    }

    static DatabaseTarget greenDb(UpgradeState state, String database) {
        return new DatabaseTarget(green(state), database, Role.GREEN);
    }

    static int targetMajor(UpgradePlan plan) {
        return Integer.parseInt(plan.getTargetVersion().split("\\.")[0]);
    }

    /**
     * The command of a step; {@code database} is null for once-per-upgrade steps. Built the same way again for a
     * re-send (same id and attempt).
     */
    public static Outbound build(UpgradeState state, Step step, String database, String commandId, int attempt,
                                 Instant now) {
        UpgradePlan plan = state.plan();
        String id = state.upgradeId();
        ReplicationNames names = database == null ? null : names(plan, database);
        boolean aurora = plan.getBlue().getEngine() == Engine.AURORA_POSTGRESQL;
        String replicationRef = plan.getReplicationCredentialsRef();
        SpecificRecord command = switch (step) {
            case RUN_PREFLIGHT -> new RunPreflight(id, commandId, attempt, now, plan.getBlue(), null,
                    plan.getDatabases(), targetMajor(plan), plan.getNamePrefix(), plan.getBlue().getIdentifier() != null);
            case ENABLE_LOGICAL_REPLICATION -> new EnableLogicalReplication(id, commandId, attempt, now,
                    plan.getBlue(), null, plan.getAllowBlueReboot());
            case CREATE_PUBLICATION -> new CreatePublication(id, commandId, attempt, now, blue(state, database), names, null);
            case CREATE_SLOT -> new CreateSlot(id, commandId, attempt, now, blue(state, database), names);
            case CLONE_CLUSTER -> new CloneCluster(id, commandId, attempt, now, plan.getBlue(),
                    greenIdentifier(id, plan), aurora ? CloneMethod.AURORA_COPY_ON_WRITE : CloneMethod.RDS_SNAPSHOT, null, null);
            case READ_SNAPSHOT_LSN -> new ReadSnapshotLsn(id, commandId, attempt, now,
                    greenDb(state, plan.getDatabases().get(0)), SnapshotLsnMethod.AURORA_FUNCTION);
            case READ_SNAPSHOT_LSN_FROM_LOG -> new ReadSnapshotLsnFromLog(id, commandId, attempt, now, green(state));
            case DROP_CLONED_REPLICATION_OBJECTS -> new DropClonedReplicationObjects(id, commandId, attempt, now,
                    greenDb(state, database), names);
            case UPGRADE_ENGINE -> new UpgradeEngine(id, commandId, attempt, now, green(state), plan.getTargetVersion(), null);
            case ADVANCE_SLOT -> new AdvanceSlot(id, commandId, attempt, now, blue(state, database), names,
                    snapshotLsn(state));
            case ADVANCE_ORIGIN -> new AdvanceOrigin(id, commandId, attempt, now, greenDb(state, database),
                    blue(state, database), names, snapshotLsn(state), replicationRef);
            // Green is a clone: its data is there already, and the slot is CreateSlot's
            case CREATE_SUBSCRIPTION -> new CreateSubscription(id, commandId, attempt, now, greenDb(state, database),
                    blue(state, database), names, false, false, true, replicationRef);
            case RUN_SWITCHOVER -> runSwitchover(state, commandId, attempt, now);
            case RELEASE_FENCE -> new UnfenceWrites(id, commandId, attempt, now, blue(state, database), true);
            case UNFENCE_WRITES -> new UnfenceWrites(id, commandId, attempt, now, blue(state, database), false);
            case VERIFY_DATA -> new VerifyData(id, commandId, attempt, now, greenDb(state, database), blue(state, database),
                    verifyMode(plan), true);
            case DROP_SUBSCRIPTION -> new DropSubscription(id, commandId, attempt, now, greenDb(state, database), names);
            case DROP_PUBLICATION_AND_SLOT -> new DropPublicationAndSlot(id, commandId, attempt, now, blue(state, database), names);
            case ANALYZE_DATABASE -> new AnalyzeDatabase(id, commandId, attempt, now, greenDb(state, database));
            // dispatched for the rename repoint only (the event repoint publishes Green's endpoint itself)
            case SWAP_ENDPOINTS -> new SwapEndpoints(id, commandId, attempt, now, plan.getBlue(), green(state), true);
            case DELETE_CLUSTER -> new DeleteCluster(id, commandId, attempt, now, green(state), snapshotsToDelete(state));
            case DELETE_UPGRADE_SNAPSHOTS -> new DeleteUpgradeSnapshots(id, commandId, attempt, now, green(state),
                    snapshotsToDelete(state));
            case RETIRE_OLD_BLUE -> new RetireOldBlue(id, commandId, attempt, now, currentBlue(state),
                    finalSnapshotIdentifier(currentBlue(state).getIdentifier(), id));
        };
        return new Outbound(step.topic(), command);
    }

    /**
     * The snapshots made for Green: those its clone reported, or, when an RDS snapshot clone was attempted and never
     * answered, the seed snapshot it would have taken (the aws-agent names it {@code <green>-seed}); deleting a
     * snapshot that does not exist succeeds.
     */
    static List<String> snapshotsToDelete(UpgradeState state) {
        List<String> reported = state.values().green().snapshots();
        boolean cloned = state.attempted().contains(new StepKey(CLONE_CLUSTER, null));
        if (!reported.isEmpty() || !cloned || state.plan().getBlue().getEngine() == Engine.AURORA_POSTGRESQL) {
            return reported;
        }
        return List.of(state.values().green().identifier().orElse(greenIdentifier(state.upgradeId(), state.plan())) + "-seed");
    }

    /**
     * The final snapshot old Blue is deleted with: {@code <oldblue>-final-<upgrade>}, within AWS's rules for a snapshot
     * identifier (letters, digits and single hyphens, a letter first, no hyphen last, at most 255 characters).
     */
    public static String finalSnapshotIdentifier(String oldBlue, String upgradeId) {
        String name = (oldBlue + "-final-" + upgradeId).toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9-]", "-")
                .replaceAll("-{2,}", "-");
        if (!Character.isLetter(name.charAt(0))) {
            name = "s" + name;
        }
        name = name.substring(0, Math.min(255, name.length()));
        return name.replaceAll("-+$", "");
    }

    static VerifyMode verifyMode(UpgradePlan plan) {
        return plan.getVerifyMode() == VerifyMode.UNKNOWN ? VerifyMode.ROW_COUNT : plan.getVerifyMode();
    }

    /** The fenced program for every database; its deadline is the one the SwitchoverStarted event recorded. */
    private static RunSwitchover runSwitchover(UpgradeState state, String commandId, int attempt, Instant now) {
        UpgradePlan plan = state.plan();
        Instant deadline = state.switchover().deadline().orElseThrow(() -> new IllegalStateException(
                "Upgrade " + state.upgradeId() + " has no switchover deadline: SwitchoverStarted must precede RunSwitchover"));
        List<SwitchoverDatabase> databases = plan.getDatabases().stream().map(db -> new SwitchoverDatabase(blue(state, db),
                greenDb(state, db), names(plan, db), state.switchover().seen("apply", db), state.switchover().seen("sync", db)))
                .toList();
        return new RunSwitchover(state.upgradeId(), commandId, attempt, now, databases, plan.getLagThresholdBytes(),
                SwitchoverPlan.maxTransactionAge(plan).toMillis(), deadline, plan.getSequenceMargin(),
                plan.getVerifyBeforeRepoint() ? verifyMode(plan) : null, !plan.getVerifyBeforeRepoint());
    }

    private static String snapshotLsn(UpgradeState state) {
        return state.values().snapshotLsn().orElseThrow(() -> new IllegalStateException("Upgrade " + state.upgradeId()
                + " has no snapshot LSN yet: CAPTURING_SNAPSHOT_LSN must complete before the position is seeded"));
    }

}
