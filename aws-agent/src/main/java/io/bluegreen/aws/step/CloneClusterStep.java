package io.bluegreen.aws.step;

import io.bluegreen.aws.rds.AwsErrors;
import io.bluegreen.aws.rds.BlueSettings;
import io.bluegreen.aws.rds.InstanceSettings;
import io.bluegreen.aws.rds.Ownership;
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
import software.amazon.awssdk.services.rds.model.Tag;

import java.util.List;
import java.util.Optional;

/**
 * Green as a clone of Blue, with Blue's settings: Aurora copy-on-write (RestoreDBClusterToPointInTime, latest
 * restorable time) plus one instance per Blue instance (the writer first, each of its class, instance parameter
 * group, monitoring, Performance Insights and failover tier), or for RDS PostgreSQL a snapshot
 * ({@code <green>-seed}) restored as a new instance of Blue's class, then monitoring, Performance Insights and backup
 * retention set as Blue's. Green takes Blue's DB subnet group, VPC security groups, KMS key (a snapshot's own for a
 * restore), tags, deletion protection and tag copying, and Blue's parameter group, which has logical replication
 * on by now (Green's cloned slots need {@code wal_level = logical} to start). Everything made carries the upgrade's
 * tag ({@link Ownership}); a Green that exists without it is refused, never adopted.
 */
final class CloneClusterStep implements AwsStep {

    private final CloneCluster command;
    private final RdsOperations rds;
    private final StepContext context;
    private boolean acted;

    CloneClusterStep(CloneCluster command, RdsOperations rds, StepContext context) {
        this.command = command;
        this.rds = rds;
        this.context = context;
    }

    static String writerOf(String cluster) {
        return memberOf(cluster, 0);
    }

    /** Green's instance mirroring Blue's {@code n}-th (the writer first). */
    static String memberOf(String cluster, int n) {
        return cluster + "-" + (n + 1);
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
        if (existing.isPresent() && !Ownership.madeBy(rds.tags(target, aurora), context.upgradeId())) {
            throw new StepFailure(FailureReason.PRECONDITION_FAILED, false, "Green " + target + " already exists and was not "
                    + "made by upgrade " + context.upgradeId() + " (tag " + Ownership.TAG + "): bluegreen neither adopts "
                    + "nor changes it. Name a Green identifier that does not exist in the plan");
        }
        DbResource blue = rds.resource(source.getIdentifier(), aurora).orElseThrow(() -> AwsErrors.notFound(aurora,
                "Blue " + source.getIdentifier() + " does not exist: check the plan's identifier and region"));
        BlueSettings settings = rds.settings(source.getIdentifier(), aurora).orElseThrow(() -> AwsErrors.notFound(aurora,
                "Blue " + source.getIdentifier() + " does not exist: check the plan's identifier and region"));
        if (settings.instances().isEmpty()) {
            throw new StepFailure(FailureReason.PRECONDITION_FAILED, false, "Aurora cluster " + source.getIdentifier()
                    + " has no instance: add a writer, then retry");
        }
        return aurora ? auroraClone(existing, blue, settings, target) : snapshotClone(existing, blue, settings, target);
    }

    /** Blue's own group, which has logical replication on by now (Green's cloned slots need it to start). */
    private String greenGroup(DbResource blue) {
        return command.getParameterGroupName() != null ? command.getParameterGroupName() : blue.parameterGroup();
    }

    private List<Tag> tags(BlueSettings blue) {
        return Ownership.tagsFor(context.upgradeId(), blue.tags());
    }

    private String instanceClass(InstanceSettings like) {
        return command.getInstanceClass() != null ? command.getInstanceClass() : like.instanceClass();
    }

    private Pass auroraClone(Optional<DbResource> existing, DbResource blue, BlueSettings settings, String target) {
        if (existing.isEmpty()) {
            rds.cloneAuroraCluster(command.getSource().getIdentifier(), target, settings, greenGroup(blue), tags(settings));
            acted = true;
            return Pass.waiting("creating copy-on-write clone " + target);
        }
        DbResource cluster = existing.get();
        if (!cluster.available()) {
            return Pass.waiting("clone " + target + " is " + cluster.status());
        }
        BlueSettings green = rds.settings(target, true).orElseThrow(() -> new IllegalStateException(target + " vanished"));
        if (settings.backupRetention() != null && !settings.backupRetention().equals(green.backupRetention())) {
            rds.setClusterBackupRetention(target, settings.backupRetention());
            acted = true;
            return Pass.waiting("setting " + target + "'s backup retention to " + settings.backupRetention() + " days, as Blue's");
        }
        List<InstanceSettings> blueInstances = settings.instances();
        for (int n = 0; n < blueInstances.size(); n++) {
            InstanceSettings like = blueInstances.get(n);
            String instance = memberOf(target, n);
            Optional<DbResource> made = rds.instance(instance);
            if (made.isEmpty()) {
                if (n > 0 && !rds.instance(writerOf(target)).map(DbResource::available).orElse(false)) {
                    return Pass.waiting("writer " + writerOf(target) + " is not available yet; " + instance + " follows it");
                }
                rds.createAuroraInstance(target, instance, like, instanceClass(like), tags(settings));
                acted = true;
                return Pass.waiting("creating " + (like.writer() ? "writer" : "reader") + " " + instance + " ("
                        + instanceClass(like) + ", as Blue's " + like.identifier() + ")");
            }
            if (!made.get().available()) {
                return Pass.waiting(instance + " is " + made.get().status());
            }
            Optional<Pass> matched = match(instance, like, false);
            if (matched.isPresent()) {
                return matched.get();
            }
        }
        return done(cluster, CloneMethod.AURORA_COPY_ON_WRITE, List.of());
    }

    private Pass snapshotClone(Optional<DbResource> existing, DbResource blue, BlueSettings settings, String target) {
        String snapshot = seedSnapshotOf(target);
        if (existing.isPresent()) {
            DbResource instance = existing.get();
            if (!instance.available()) {
                return Pass.waiting(target + " is " + instance.status());
            }
            return match(target, settings.instances().get(0), true)
                    .orElseGet(() -> done(instance, CloneMethod.RDS_SNAPSHOT, List.of(snapshot)));
        }
        Optional<String> snapshotStatus = rds.snapshotStatus(snapshot, false);
        if (snapshotStatus.isEmpty()) {
            rds.createInstanceSnapshot(command.getSource().getIdentifier(), snapshot, tags(settings));
            acted = true;
            return Pass.waiting("taking snapshot " + snapshot + " of " + command.getSource().getIdentifier());
        }
        if (!"available".equals(snapshotStatus.get())) {
            return Pass.waiting("snapshot " + snapshot + " is " + snapshotStatus.get());
        }
        InstanceSettings like = settings.instances().get(0);
        rds.restoreInstanceFromSnapshot(snapshot, target, settings, instanceClass(like), greenGroup(blue), tags(settings));
        acted = true;
        return Pass.waiting("restoring " + target + " (" + instanceClass(like) + ") from snapshot " + snapshot);
    }

    /** Monitoring, Performance Insights and (RDS) backup retention set on Green's instance as on Blue's, if they differ. */
    private Optional<Pass> match(String instance, InstanceSettings like, boolean backupRetention) {
        InstanceSettings green = rds.instanceSettings(instance).orElseThrow(() -> new IllegalStateException(instance + " vanished"));
        List<String> differences = like.differencesFrom(green, backupRetention);
        if (differences.isEmpty()) {
            return Optional.empty();
        }
        rds.matchInstance(instance, like, backupRetention);
        acted = true;
        return Optional.of(Pass.waiting("setting " + String.join(", ", differences) + " on " + instance + ", as on Blue's "
                + like.identifier()));
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
