package io.bluegreen.aws.step;

import io.bluegreen.runtime.agent.StepContext;
import io.bluegreen.aws.rds.DbResource;
import io.bluegreen.aws.rds.EngineVersions;
import io.bluegreen.aws.rds.RdsOperations;
import io.bluegreen.schemas.command.aws.DeleteCluster;

import java.util.Map;
import java.util.Optional;

/**
 * Deletes a cluster with its instances (Aurora) or an instance (RDS), without a final snapshot, then the
 * snapshots made for the upgrade. What is already gone counts as deleted.
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
        return new Pass.Done(context.succeeded(id + " is deleted" + (command.getSnapshots().isEmpty() ? ""
                : " with snapshots " + command.getSnapshots()), !acted, Map.of("identifier", id)));
    }
}
