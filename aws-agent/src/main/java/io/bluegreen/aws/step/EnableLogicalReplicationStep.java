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
 * Logical replication on. When Blue's own parameter group already has {@code rds.logical_replication = 1} and it is
 * applied, nothing changes and Blue is not rebooted (pending, the step fails and says to reboot Blue when the user
 * chooses). Otherwise: a parameter group of the cluster's family with {@code rds.logical_replication = 1} (created or
 * reused), attached, the writer rebooted while the change is pending, done when the group is in-sync.
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
        String own = resource.parameterGroup();
        if (!acted && own != null && !own.equals(group)
                && "1".equals(rds.parameterValue(own, aurora, RdsOperations.LOGICAL_REPLICATION).orElse(null))) {
            // Blue's own group already turns it on: keep Blue's group (its tuned parameters) and do not reboot Blue
            if (!"in-sync".equals(resource.parameterApplyStatus())) {
                throw new StepFailure(FailureReason.PRECONDITION_FAILED, false, "Blue " + id + "'s own parameter group "
                        + own + " has " + RdsOperations.LOGICAL_REPLICATION + " = 1, but it is "
                        + resource.parameterApplyStatus() + ": reboot Blue's writer in a window of your choosing, then "
                        + "retry (bluegreen does not reboot Blue unasked)");
            }
            String writer = resource.writerInstance().orElse(id);
            return new Pass.Done(context.succeeded("logical replication is already on for " + id + " in its own parameter "
                    + "group " + own + ": nothing changed, no reboot", true,
                    Map.of("parameterGroup", own, "identifier", id, "writerInstance", writer)));
        }
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
