package io.bluegreen.aws.step;

import io.bluegreen.aws.rds.BlueSettings;
import io.bluegreen.aws.rds.Ownership;
import io.bluegreen.runtime.agent.StepContext;
import io.bluegreen.runtime.agent.StepFailure;
import io.bluegreen.schemas.common.FailureReason;
import io.bluegreen.aws.rds.DbResource;
import io.bluegreen.aws.rds.EngineVersions;
import io.bluegreen.aws.rds.RdsOperations;
import io.bluegreen.schemas.command.aws.DeleteCluster;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Deletes Green on rollback: a cluster with its instances (Aurora) or an instance (RDS), without a final snapshot,
 * then the snapshots and the target family's parameter groups made for the upgrade. Only what carries the
 * upgrade's tag ({@link Ownership}) is deleted; deletion protection inherited from Blue is turned off first. What
 * is already gone counts as deleted.
 */
final class DeleteClusterStep implements AwsStep {

    private final DeleteCluster command;
    private final RdsOperations rds;
    private final StepContext context;
    private boolean acted;

    DeleteClusterStep(DeleteCluster command, RdsOperations rds, StepContext context) {
        this.command = command;
        this.rds = rds;
        this.context = context;
    }

    @Override
    public String describe() {
        return "deleting " + command.getCluster().getIdentifier();
    }

    @Override
    public Pass advance() {
        boolean aurora = EngineVersions.isAurora(command.getCluster().getEngine());
        String id = command.getCluster().getIdentifier();
        Optional<DbResource> resource = rds.resource(id, aurora);
        if (resource.isPresent()) {
            DbResource r = resource.get();
            if (!Ownership.madeBy(rds.tags(id, aurora), context.upgradeId())) {
                throw new StepFailure(FailureReason.PRECONDITION_FAILED, false, id + " was not made by upgrade "
                        + context.upgradeId() + " (tag " + Ownership.TAG + "): bluegreen deletes only what its upgrade "
                        + "made. Delete it yourself if it should go");
            }
            if (rds.settings(id, aurora).map(BlueSettings::deletionProtection).orElse(false)) {
                if (!r.available()) {
                    return Pass.waiting(id + " is " + r.status() + "; its deletion protection (Blue's, inherited) is "
                            + "turned off once it is available");
                }
                rds.disableDeletionProtection(id, aurora);
                acted = true;
                return Pass.waiting("turning off " + id + "'s deletion protection (inherited from Blue) to delete it");
            }
            if (aurora && !r.members().isEmpty()) {
                for (String member : r.members()) {
                    Optional<DbResource> instance = rds.instance(member);
                    if (instance.isPresent() && !"deleting".equals(instance.get().status())) {
                        rds.deleteInstance(member);
                        acted = true;
                    }
                }
                return Pass.waiting("deleting the instances of " + id + ": " + r.members());
            }
            if (!"deleting".equals(r.status())) {
                if (aurora) {
                    rds.deleteCluster(id);
                } else {
                    rds.deleteInstance(id);
                }
                acted = true;
            }
            return Pass.waiting(id + " is deleting");
        }
        for (String snapshot : command.getSnapshots()) {
            rds.deleteSnapshot(snapshot, aurora);
        }
        List<String> groups = new ArrayList<>();
        for (String group : List.of(EngineVersions.targetGroup(id), EngineVersions.targetGroup(id) + "-instance")) {
            boolean clusterGroup = aurora && !group.endsWith("-instance");
            if (Ownership.madeBy(rds.parameterGroupTags(group, clusterGroup), context.upgradeId())) {
                rds.deleteParameterGroup(group, clusterGroup);
                groups.add(group);
            }
        }
        return new Pass.Done(context.succeeded(id + " is deleted" + (command.getSnapshots().isEmpty() ? ""
                : " with snapshots " + command.getSnapshots()) + (groups.isEmpty() ? "" : " and parameter groups " + groups),
                !acted, Map.of("identifier", id)));
    }
}
