package io.bluegreen.aws.step;

import io.bluegreen.aws.rds.BlueSettings;
import io.bluegreen.aws.rds.DbResource;
import io.bluegreen.aws.rds.EngineVersions;
import io.bluegreen.aws.rds.Ownership;
import io.bluegreen.aws.rds.RdsOperations;
import io.bluegreen.aws.rds.RdsOperations.SnapshotInfo;
import io.bluegreen.runtime.agent.StepContext;
import io.bluegreen.runtime.agent.StepFailure;
import io.bluegreen.schemas.command.aws.RetireOldBlue;
import io.bluegreen.schemas.common.FailureReason;
import io.bluegreen.schemas.result.OldBlueRetired;

import java.util.Optional;

/**
 * Deletes old Blue after the plan's retention, keeping its data in a final snapshot: an RDS instance with
 * {@code FinalDBSnapshotIdentifier}; an Aurora cluster by its instances first, then the cluster with a final cluster
 * snapshot. Done when old Blue is gone and the final snapshot is available. Refused, never forced:
 * <ul>
 *   <li>old Blue with deletion protection on: bluegreen never turns the user's own protection off;</li>
 *   <li>a resource carrying this upgrade's tag ({@link Ownership}): that is Green, not old Blue;</li>
 *   <li>old Blue gone without the final snapshot: it was deleted outside bluegreen, and nothing is left to keep.</li>
 * </ul>
 * Each pass describes first, so a repeated command deletes nothing twice and answers the same.
 */
final class RetireOldBlueStep implements AwsStep {

    private final RetireOldBlue command;
    private final RdsOperations rds;
    private final StepContext context;
    private boolean acted;

    RetireOldBlueStep(RetireOldBlue command, RdsOperations rds, StepContext context) {
        this.command = command;
        this.rds = rds;
        this.context = context;
    }

    @Override
    public String describe() {
        return "deleting old Blue " + command.getOldBlue().getIdentifier() + " with the final snapshot "
                + command.getFinalSnapshotIdentifier();
    }

    @Override
    public Pass advance() {
        boolean aurora = EngineVersions.isAurora(command.getOldBlue().getEngine());
        String id = command.getOldBlue().getIdentifier();
        String snapshotId = command.getFinalSnapshotIdentifier();
        Optional<DbResource> resource = rds.resource(id, aurora);
        if (resource.isPresent()) {
            return delete(resource.get(), aurora);
        }
        Optional<SnapshotInfo> snapshot = rds.snapshot(snapshotId, aurora);
        if (snapshot.isEmpty()) {
            throw new StepFailure(FailureReason.PRECONDITION_FAILED, false, "Old Blue " + id + " does not exist and its "
                    + "final snapshot " + snapshotId + " does not either: it was deleted outside bluegreen. Check the "
                    + "RDS console for a snapshot of your own; nothing is left here to delete or keep");
        }
        if (!snapshot.get().available()) {
            return Pass.waiting("old Blue " + id + " is deleted; its final snapshot " + snapshotId + " is "
                    + snapshot.get().status());
        }
        return new Pass.Done(OldBlueRetired.newBuilder().setUpgradeId(context.upgradeId())
                .setCausationId(context.commandId()).setStep(context.step()).setAttempt(context.attempt())
                .setOccurredAt(context.now()).setIdentifier(id).setFinalSnapshotIdentifier(snapshotId)
                .setAlreadyDone(!acted).build());
    }

    private Pass delete(DbResource oldBlue, boolean aurora) {
        String id = oldBlue.identifier();
        if (Ownership.madeBy(rds.tags(id, aurora), context.upgradeId())) {
            throw new StepFailure(FailureReason.PRECONDITION_FAILED, false, id + " carries this upgrade's tag "
                    + Ownership.TAG + ": it is Green, not old Blue, and is not deleted. Check the plan's Blue identifier "
                    + "and the repoint");
        }
        if (rds.settings(id, aurora).map(BlueSettings::deletionProtection).orElse(false)) {
            throw new StepFailure(FailureReason.PRECONDITION_FAILED, false, "Old Blue " + id + " has deletion protection "
                    + "on, and bluegreen never turns your own protection off. Turn it off (aws rds "
                    + (aurora ? "modify-db-cluster --db-cluster-identifier " : "modify-db-instance --db-instance-identifier ")
                    + id + " --no-deletion-protection --apply-immediately) and retry the upgrade to delete it with the "
                    + "final snapshot " + command.getFinalSnapshotIdentifier() + ", or keep old Blue and leave the "
                    + "upgrade as it is (Green serves writes either way)");
        }
        if ("deleting".equals(oldBlue.status())) {
            return Pass.waiting("old Blue " + id + " is deleting; final snapshot " + command.getFinalSnapshotIdentifier());
        }
        if (aurora && !oldBlue.members().isEmpty()) {
            for (String member : oldBlue.members()) {
                Optional<DbResource> instance = rds.instance(member);
                if (instance.isPresent() && !"deleting".equals(instance.get().status())) {
                    rds.deleteInstance(member);
                    acted = true;
                }
            }
            return Pass.waiting("deleting the instances of old Blue " + id + ": " + oldBlue.members());
        }
        if (!oldBlue.available()) {
            return Pass.waiting("old Blue " + id + " is " + oldBlue.status() + "; it is deleted once available");
        }
        if (rds.snapshot(command.getFinalSnapshotIdentifier(), aurora).isPresent()) {
            throw new StepFailure(FailureReason.PRECONDITION_FAILED, false, "A snapshot named " + command.getFinalSnapshotIdentifier() + " exists "
                    + "already while old Blue " + id + " does too: it is not this step's final snapshot. Rename or delete "
                    + "that snapshot, then retry");
        }
        if (aurora) {
            rds.deleteClusterWithFinalSnapshot(id, command.getFinalSnapshotIdentifier());
        } else {
            rds.deleteInstanceWithFinalSnapshot(id, command.getFinalSnapshotIdentifier());
        }
        acted = true;
        return Pass.waiting("deleting old Blue " + id + " with the final snapshot " + command.getFinalSnapshotIdentifier());
    }
}
