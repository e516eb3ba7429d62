package io.bluegreen.aws.step;

import io.bluegreen.runtime.agent.StepFailure;
import io.bluegreen.runtime.agent.StepContext;
import io.bluegreen.aws.rds.DbResource;
import io.bluegreen.aws.rds.EngineVersions;
import io.bluegreen.aws.rds.RdsOperations;
import io.bluegreen.schemas.command.aws.CreateCluster;
import io.bluegreen.schemas.common.FailureReason;
import io.bluegreen.runtime.credentials.Credentials;
import io.bluegreen.runtime.credentials.CredentialsResolver;
import io.bluegreen.schemas.result.ClusterReady;

import java.util.Optional;

/**
 * A fresh, empty Green at the target version (the logical-copy strategy), with logical replication on, its
 * master login from Green's credentials reference.
 */
final class CreateClusterStep implements AwsStep {

    private final CreateCluster command;
    private final RdsOperations rds;
    private final StepContext context;
    private final AgentSettings settings;
    private final CredentialsResolver credentials;

    CreateClusterStep(CreateCluster command, RdsOperations rds, StepContext context, AgentSettings settings,
                      CredentialsResolver credentials) {
        this.command = command;
        this.rds = rds;
        this.context = context;
        this.settings = settings;
        this.credentials = credentials;
    }

    @Override
    public String describe() {
        return "creating " + command.getTargetIdentifier() + " at " + command.getEngineVersion();
    }

    @Override
    public Pass advance() {
        boolean aurora = EngineVersions.isAurora(command.getSource().getEngine());
        String id = command.getTargetIdentifier();
        String instanceClass = command.getInstanceClass() != null ? command.getInstanceClass() : settings.instanceClass();
        Optional<DbResource> existing = rds.resource(id, aurora);
        if (existing.isEmpty()) {
            int major = majorOf(command.getEngineVersion());
            String group = EngineVersions.logicalReplicationGroup(command.getSource().getEngine(), major);
            rds.ensureLogicalReplicationGroup(group, EngineVersions.family(command.getSource().getEngine(), major), aurora);
            Credentials login = credentials.resolve(command.getSource().getCredentialsRef());
            if (aurora) {
                rds.createAuroraCluster(id, command.getEngineVersion(), login.username(), login.password(), group);
            } else {
                rds.createPostgresInstance(id, command.getEngineVersion(), instanceClass, login.username(), login.password(), group);
            }
            return Pass.waiting("creating " + id);
        }
        DbResource green = existing.get();
        if (aurora) {
            String writer = CloneClusterStep.writerOf(id);
            Optional<DbResource> instance = rds.instance(writer);
            if (instance.isEmpty()) {
                if (!green.available()) {
                    return Pass.waiting(id + " is " + green.status());
                }
                rds.createAuroraInstance(id, writer, instanceClass);
                return Pass.waiting("creating writer instance " + writer);
            }
            if (!instance.get().available()) {
                return Pass.waiting(writer + " is " + instance.get().status());
            }
        }
        if (!green.available()) {
            return Pass.waiting(id + " is " + green.status());
        }
        return new Pass.Done(ClusterReady.newBuilder().setUpgradeId(context.upgradeId()).setCausationId(context.commandId())
                .setStep(context.step()).setAttempt(context.attempt()).setOccurredAt(context.now())
                .setCluster(AwsSteps.withEndpoint(command.getSource(), id, green.host(), green.port()))
                .setEngineVersion(green.engineVersion()).build());
    }

    private static int majorOf(String version) {
        try {
            return EngineVersions.major(version);
        } catch (RuntimeException e) {
            throw new StepFailure(FailureReason.INVALID_REQUEST, false, "Engine version '" + version + "' is not a version (e.g. 17.9)");
        }
    }
}
