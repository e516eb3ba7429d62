package io.bluegreen.aws.step;

import io.bluegreen.aws.rds.EngineVersions;
import io.bluegreen.aws.rds.Ownership;
import io.bluegreen.aws.rds.RdsOperations;
import io.bluegreen.aws.rds.RdsOperations.SnapshotInfo;
import io.bluegreen.runtime.agent.StepContext;
import io.bluegreen.schemas.command.aws.DeleteUpgradeSnapshots;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * After a successful switchover: deletes the snapshots made for the upgrade (the RDS seed {@code <green>-seed}),
 * which only a rollback needed. Only a snapshot that carries the upgrade's tag ({@link Ownership}) is deleted; one
 * without it is kept and named in the answer. A snapshot still being created is waited for; one already gone counts
 * as deleted, so a repeated command deletes nothing twice.
 */
final class DeleteUpgradeSnapshotsStep implements AwsStep {

    private final DeleteUpgradeSnapshots command;
    private final RdsOperations rds;
    private final StepContext context;
    private final List<String> deleted = new ArrayList<>();

    DeleteUpgradeSnapshotsStep(DeleteUpgradeSnapshots command, RdsOperations rds, StepContext context) {
        this.command = command;
        this.rds = rds;
        this.context = context;
    }

    @Override
    public String describe() {
        return "deleting the snapshots " + command.getSnapshots() + " of upgrade " + context.upgradeId();
    }

    @Override
    public Pass advance() {
        boolean cluster = EngineVersions.isAurora(command.getCluster().getEngine());
        List<String> kept = new ArrayList<>();
        for (String id : command.getSnapshots()) {
            Optional<SnapshotInfo> snapshot = rds.snapshot(id, cluster);
            if (snapshot.isEmpty()) {
                continue;
            }
            SnapshotInfo s = snapshot.get();
            if (!Ownership.madeBy(s.tags(), context.upgradeId())) {
                kept.add(id);
                continue;
            }
            if ("deleting".equals(s.status())) {
                return Pass.waiting("snapshot " + id + " is deleting");
            }
            if (!s.available()) {
                return Pass.waiting("snapshot " + id + " is " + s.status() + "; it is deleted once available");
            }
            rds.deleteSnapshot(id, cluster);
            if (!deleted.contains(id)) {
                deleted.add(id);
            }
            return Pass.waiting("deleting snapshot " + id);
        }
        Map<String, String> details = new LinkedHashMap<>();
        details.put("deleted", String.join(",", deleted));
        if (!kept.isEmpty()) {
            details.put("kept", String.join(",", kept));
        }
        String summary = (deleted.isEmpty() ? "no snapshot left to delete" : "snapshots " + deleted + " are deleted")
                + (kept.isEmpty() ? "" : "; kept " + kept + ": they do not carry this upgrade's tag " + Ownership.TAG
                + ", so bluegreen did not make them. Delete them yourself if they should go");
        return new Pass.Done(context.succeeded(summary, deleted.isEmpty(), details));
    }
}
