package io.bluegreen.aws.step;

import io.bluegreen.aws.rds.AwsErrors;
import io.bluegreen.runtime.agent.StepFailure;
import io.bluegreen.runtime.agent.StepContext;
import io.bluegreen.aws.rds.DbResource;
import io.bluegreen.aws.rds.EngineVersions;
import io.bluegreen.aws.rds.RdsOperations;
import io.bluegreen.schemas.command.aws.UpgradeEngine;
import io.bluegreen.schemas.common.FailureReason;
import io.bluegreen.schemas.result.EngineUpgraded;

/**
 * Green's major version upgrade: a parameter group of the target family with logical replication on, then
 * ModifyDBCluster / ModifyDBInstance with EngineVersion and AllowMajorVersionUpgrade; done when Green is
 * available at the target version. Asked again, it finds the upgrade pending or done and does not repeat it.
 */
final class UpgradeEngineStep implements AwsStep {

    private final UpgradeEngine command;
    private final RdsOperations rds;
    private final StepContext context;

    UpgradeEngineStep(UpgradeEngine command, RdsOperations rds, StepContext context) {
        this.command = command;
        this.rds = rds;
        this.context = context;
    }

    @Override
    public String describe() {
        return "upgrading " + command.getCluster().getIdentifier() + " to " + command.getTargetVersion();
    }

    @Override
    public Pass advance() {
        boolean aurora = EngineVersions.isAurora(command.getCluster().getEngine());
        String id = command.getCluster().getIdentifier();
        String target = command.getTargetVersion();
        int targetMajor;
        try {
            targetMajor = EngineVersions.major(target);
        } catch (RuntimeException e) {
            throw new StepFailure(FailureReason.INVALID_REQUEST, false, "Target version '" + target + "' is not an engine version "
                    + "(e.g. 17.9)");
        }
        DbResource green = rds.resource(id, aurora).orElseThrow(() -> AwsErrors.notFound(aurora,
                "Green " + id + " does not exist: clone it first"));
        if (target.equals(green.engineVersion())) {
            return green.available() ? done(green) : Pass.waiting(id + " runs " + target + " and is " + green.status());
        }
        if (green.pendingEngineVersion().filter(target::equals).isPresent() || !green.available()) {
            return Pass.waiting(id + " is " + green.status() + " (engine " + green.engineVersion() + " -> " + target + ")");
        }
        if (green.engineMajor() > targetMajor) {
            throw new StepFailure(FailureReason.INVALID_REQUEST, false, id + " runs " + green.engineVersion()
                    + ", newer than the target " + target + ": a downgrade is impossible; fix the plan's target version");
        }
        String group = command.getParameterGroupName() != null ? command.getParameterGroupName()
                : EngineVersions.logicalReplicationGroup(command.getCluster().getEngine(), targetMajor);
        rds.ensureLogicalReplicationGroup(group, EngineVersions.family(command.getCluster().getEngine(), targetMajor), aurora);
        rds.upgradeEngine(green, target, group);
        return Pass.waiting("upgrade of " + id + " from " + green.engineVersion() + " to " + target + " requested");
    }

    private Pass done(DbResource green) {
        return new Pass.Done(EngineUpgraded.newBuilder().setUpgradeId(context.upgradeId())
                .setCausationId(context.commandId()).setStep(context.step()).setAttempt(context.attempt())
                .setOccurredAt(context.now())
                .setCluster(AwsSteps.withEndpoint(command.getCluster(), green.identifier(), green.host(), green.port()))
                .setEngineVersion(green.engineVersion()).build());
    }
}
