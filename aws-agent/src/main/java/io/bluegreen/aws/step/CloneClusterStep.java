package io.bluegreen.aws.step;

import io.bluegreen.aws.rds.AwsErrors;
import io.bluegreen.runtime.agent.StepFailure;
import io.bluegreen.runtime.agent.StepContext;
import io.bluegreen.aws.rds.DbResource;
import io.bluegreen.aws.rds.EngineVersions;
import io.bluegreen.aws.rds.RdsOperations;
import io.bluegreen.schemas.command.aws.CloneCluster;
import io.bluegreen.schemas.common.CloneMethod;
import io.bluegreen.schemas.common.ClusterRef;
import io.bluegreen.schemas.common.FailureReason;
import io.bluegreen.schemas.result.ClusterReady;

import java.util.List;
import java.util.Optional;

/**
 * Green as a clone of Blue: Aurora copy-on-write (RestoreDBClusterToPointInTime, latest restorable time) plus
 * a writer instance, or for RDS PostgreSQL a snapshot ({@code <green>-seed}) restored as a new instance. Green
 * gets a parameter group with logical replication on (its cloned slots need {@code wal_level = logical} to start).
 */
final class CloneClusterStep implements AwsStep {

    private final CloneCluster command;
    private final RdsOperations rds;
    private final StepContext context;
    private final AgentSettings settings;
    private boolean acted;

    CloneClusterStep(CloneCluster command, RdsOperations rds, StepContext context, AgentSettings settings) {
        this.command = command;
        this.rds = rds;
        this.context = context;
        this.settings = settings;
    }

    static String writerOf(String cluster) {
        return cluster + "-1";
    }

    static String seedSnapshotOf(String instance) {
        return instance + "-seed";
    }

    @Override
    public String describe() {
        return "cloning " + command.getTargetIdentifier() + " from " + command.getSource().getIdentifier();
    }

    @Override
    public Pass advance() {
        ClusterRef source = command.getSource();
        boolean aurora = EngineVersions.isAurora(source.getEngine());
        if (aurora != (command.getMethod() == CloneMethod.AURORA_COPY_ON_WRITE)) {
            throw new StepFailure(FailureReason.INVALID_REQUEST, false, "Clone method " + command.getMethod() + " does not fit engine "
                    + source.getEngine() + ": use AURORA_COPY_ON_WRITE for aurora-postgresql, RDS_SNAPSHOT for postgres");
        }
        String target = command.getTargetIdentifier();
        Optional<DbResource> existing = rds.resource(target, aurora);
        DbResource blue = null;
        if (existing.isEmpty()) {
            blue = rds.resource(source.getIdentifier(), aurora).orElseThrow(() -> AwsErrors.notFound(aurora,
                    "Blue " + source.getIdentifier() + " does not exist: check the plan's identifier and region"));
        }
        return aurora ? auroraClone(existing, blue, target) : snapshotClone(existing, blue, target);
    }

    private String greenGroup(DbResource blue) {
        if (command.getParameterGroupName() != null) {
            return command.getParameterGroupName();
        }
        String group = EngineVersions.logicalReplicationGroup(command.getSource().getEngine(), blue.engineMajor());
        acted |= rds.ensureLogicalReplicationGroup(group, EngineVersions.family(command.getSource().getEngine(),
                blue.engineMajor()), EngineVersions.isAurora(command.getSource().getEngine()));
        return group;
    }

    private Pass auroraClone(Optional<DbResource> existing, DbResource blue, String target) {
        if (existing.isEmpty()) {
            rds.cloneAuroraCluster(command.getSource().getIdentifier(), target, greenGroup(blue));
            acted = true;
            return Pass.waiting("creating copy-on-write clone " + target);
        }
        DbResource cluster = existing.get();
        String writer = writerOf(target);
        Optional<DbResource> instance = rds.instance(writer);
        if (instance.isEmpty()) {
            if (!cluster.available()) {
                return Pass.waiting("clone " + target + " is " + cluster.status());
            }
            rds.createAuroraInstance(target, writer, instanceClass());
            acted = true;
            return Pass.waiting("creating writer instance " + writer);
        }
        if (!cluster.available() || !instance.get().available()) {
            return Pass.waiting("clone " + target + " is " + cluster.status() + ", " + writer + " is " + instance.get().status());
        }
        return done(cluster, CloneMethod.AURORA_COPY_ON_WRITE, List.of());
    }

    private Pass snapshotClone(Optional<DbResource> existing, DbResource blue, String target) {
        String snapshot = seedSnapshotOf(target);
        if (existing.isPresent()) {
            DbResource instance = existing.get();
            return instance.available() ? done(instance, CloneMethod.RDS_SNAPSHOT, List.of(snapshot))
                    : Pass.waiting(target + " is " + instance.status());
        }
        Optional<String> snapshotStatus = rds.snapshotStatus(snapshot, false);
        if (snapshotStatus.isEmpty()) {
            rds.createInstanceSnapshot(command.getSource().getIdentifier(), snapshot);
            acted = true;
            return Pass.waiting("taking snapshot " + snapshot + " of " + command.getSource().getIdentifier());
        }
        if (!"available".equals(snapshotStatus.get())) {
            return Pass.waiting("snapshot " + snapshot + " is " + snapshotStatus.get());
        }
        rds.restoreInstanceFromSnapshot(snapshot, target, instanceClass(), greenGroup(blue));
        acted = true;
        return Pass.waiting("restoring " + target + " from snapshot " + snapshot);
    }

    private String instanceClass() {
        return command.getInstanceClass() != null ? command.getInstanceClass() : settings.instanceClass();
    }

    private Pass done(DbResource green, CloneMethod method, List<String> snapshots) {
        ClusterRef ref = AwsSteps.withEndpoint(command.getSource(), green.identifier(), green.host(), green.port());
        ClusterReady ready = ClusterReady.newBuilder().setUpgradeId(context.upgradeId()).setCausationId(context.commandId())
                .setStep(context.step()).setAttempt(context.attempt()).setOccurredAt(context.now())
                .setCluster(ref).setEngineVersion(green.engineVersion()).setMethod(method).setSnapshots(snapshots).build();
        return new Pass.Done(ready);
    }

    boolean acted() {
        return acted;
    }
}
