package io.bluegreen.aws.step;

import io.bluegreen.runtime.agent.StepFailure;
import io.bluegreen.aws.rds.AwsErrors;
import io.bluegreen.runtime.agent.StepContext;
import io.bluegreen.aws.rds.DbResource;
import io.bluegreen.aws.rds.EngineVersions;
import io.bluegreen.aws.rds.RdsOperations;
import io.bluegreen.schemas.command.aws.EnableLogicalReplication;
import io.bluegreen.schemas.common.FailureReason;

import java.util.Map;

/**
 * Logical replication on: a parameter group of the cluster's family with {@code rds.logical_replication = 1}
 * (created or reused), attached, the writer rebooted while the change is pending, done when the group is in-sync.
 */
final class EnableLogicalReplicationStep implements AwsStep {

    private final EnableLogicalReplication command;
    private final RdsOperations rds;
    private final StepContext context;
    private boolean acted;

    EnableLogicalReplicationStep(EnableLogicalReplication command, RdsOperations rds, StepContext context) {
        this.command = command;
        this.rds = rds;
        this.context = context;
    }

    @Override
    public String describe() {
        return "turning logical replication on for " + command.getCluster().getIdentifier();
    }

    @Override
    public Pass advance() {
        boolean aurora = EngineVersions.isAurora(command.getCluster().getEngine());
        String id = command.getCluster().getIdentifier();
        DbResource resource = rds.resource(id, aurora).orElseThrow(() -> AwsErrors.notFound(aurora,
                (aurora ? "Aurora cluster " : "RDS instance ") + id + " does not exist in " + command.getCluster().getRegion()
                        + ": check the plan's Blue identifier, region and engine"));
        int major = resource.engineMajor();
        String group = command.getParameterGroupName() != null ? command.getParameterGroupName()
                : EngineVersions.logicalReplicationGroup(command.getCluster().getEngine(), major);
        acted |= rds.ensureLogicalReplicationGroup(group, EngineVersions.family(command.getCluster().getEngine(), major), aurora);
        if (!group.equals(resource.parameterGroup())) {
            if (!resource.available()) {
                return Pass.waiting(id + " is " + resource.status() + "; the parameter group is attached once it is available");
            }
            rds.attachParameterGroup(resource, group);
            acted = true;
            return Pass.waiting("attaching parameter group " + group + " to " + id);
        }
        String writer = resource.writerInstance().orElseThrow(() -> new StepFailure(FailureReason.PRECONDITION_FAILED, false,
                "Aurora cluster " + id + " has no writer instance: add one, then retry"));
        DbResource writerInstance = aurora ? rds.instance(writer).orElse(resource) : resource;
        if (!resource.available() || !writerInstance.available()) {
            return Pass.waiting(id + " is " + resource.status() + ", writer " + writer + " is " + writerInstance.status());
        }
        if ("pending-reboot".equals(resource.parameterApplyStatus())) {
            rds.reboot(writer);
            acted = true;
            return Pass.waiting("rebooting " + writer + " so rds.logical_replication takes effect");
        }
        if (!"in-sync".equals(resource.parameterApplyStatus())) {
            return Pass.waiting("parameter group " + group + " is " + resource.parameterApplyStatus() + " on " + writer);
        }
        return new Pass.Done(context.succeeded("logical replication is on for " + id + " (parameter group " + group + ")",
                !acted, Map.of("parameterGroup", group, "identifier", id, "writerInstance", writer)));
    }
}
