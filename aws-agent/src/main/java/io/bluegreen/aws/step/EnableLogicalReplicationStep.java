package io.bluegreen.aws.step;

import io.bluegreen.aws.rds.AwsErrors;
import io.bluegreen.aws.rds.DbResource;
import io.bluegreen.aws.rds.EngineVersions;
import io.bluegreen.aws.rds.Ownership;
import io.bluegreen.aws.rds.RdsOperations;
import io.bluegreen.runtime.agent.StepContext;
import io.bluegreen.runtime.agent.StepFailure;
import io.bluegreen.schemas.command.aws.EnableLogicalReplication;
import io.bluegreen.schemas.common.FailureReason;

import java.util.Map;

/**
 * Logical replication on for Blue, and Blue left alone unless the plan allows its reboot. When Blue's own parameter
 * group already has {@code rds.logical_replication = 1} and it is applied, nothing changes. Otherwise, only when the
 * plan says {@code allowBlueReboot}: a copy of Blue's group (every custom parameter kept, tagged with the upgrade)
 * with {@code rds.logical_replication = 1}, attached to Blue, Blue's writer rebooted once; done when the group is
 * in-sync. Without that permission the step fails before anything changes and says what would happen.
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
        DbResource blue = rds.resource(id, aurora).orElseThrow(() -> AwsErrors.notFound(aurora,
                (aurora ? "Aurora cluster " : "RDS instance ") + id + " does not exist in " + command.getCluster().getRegion()
                        + ": check the plan's Blue identifier, region and engine"));
        String own = blue.parameterGroup();
        String copy = command.getParameterGroupName() != null ? command.getParameterGroupName()
                : EngineVersions.logicalReplicationCopy(id);
        String writer = blue.writerInstance().orElse(id);
        if (!copy.equals(own)) {
            if (own != null && "1".equals(rds.parameterValue(own, aurora, RdsOperations.LOGICAL_REPLICATION).orElse(null))) {
                return ownGroup(blue, own, writer);
            }
            if (!command.getAllowBlueReboot()) {
                throw new StepFailure(FailureReason.PRECONDITION_FAILED, false, rebootRefused(id, own, copy, writer));
            }
            return prepareCopy(blue, own, copy, aurora);
        }
        DbResource writerInstance = aurora ? rds.instance(writer).orElse(blue) : blue;
        if (!blue.available() || !writerInstance.available()) {
            return Pass.waiting(id + " is " + blue.status() + ", writer " + writer + " is " + writerInstance.status());
        }
        if ("pending-reboot".equals(blue.parameterApplyStatus())) {
            if (!command.getAllowBlueReboot()) {
                throw new StepFailure(FailureReason.PRECONDITION_FAILED, false, "Blue " + id + "'s parameter group " + copy
                        + " turns logical replication on but waits for a reboot of " + writer + ", and the plan does not "
                        + "allow bluegreen to reboot Blue: reboot " + writer + " in a window of your choosing and retry, or "
                        + "submit the plan again with allowBlueReboot: true");
            }
            rds.reboot(writer);
            acted = true;
            return Pass.waiting("rebooting " + writer + " so rds.logical_replication takes effect (the plan allows it)");
        }
        if (!"in-sync".equals(blue.parameterApplyStatus())) {
            return Pass.waiting("parameter group " + copy + " is " + blue.parameterApplyStatus() + " on " + writer);
        }
        return new Pass.Done(context.succeeded("logical replication is on for " + id + " (parameter group " + copy
                + ", a copy of Blue's own with rds.logical_replication = 1)", !acted,
                Map.of("parameterGroup", copy, "identifier", id, "writerInstance", writer)));
    }

    /** Blue's own group turns it on: keep it (its tuned parameters) and do not reboot Blue. */
    private Pass ownGroup(DbResource blue, String own, String writer) {
        if (!"in-sync".equals(blue.parameterApplyStatus())) {
            throw new StepFailure(FailureReason.PRECONDITION_FAILED, false, "Blue " + blue.identifier()
                    + "'s own parameter group " + own + " has " + RdsOperations.LOGICAL_REPLICATION + " = 1, but it is "
                    + blue.parameterApplyStatus() + ": reboot Blue's writer " + writer + " in a window of your choosing, "
                    + "then retry (bluegreen does not reboot Blue unasked)");
        }
        return new Pass.Done(context.succeeded("logical replication is already on for " + blue.identifier()
                + " in its own parameter group " + own + ": nothing changed, no reboot", true,
                Map.of("parameterGroup", own, "identifier", blue.identifier(), "writerInstance", writer)));
    }

    /** The copy of Blue's group, made (or found, from an earlier pass of this upgrade), turned on, attached. */
    private Pass prepareCopy(DbResource blue, String own, String copy, boolean aurora) {
        if (!rds.parameterGroupExists(copy, aurora)) {
            rds.copyParameterGroup(own, copy, aurora, "bluegreen: " + own + " with logical replication on, for "
                    + blue.identifier(), Ownership.tagsFor(context.upgradeId(), Map.of()));
            acted = true;
        } else if (!Ownership.madeBy(rds.parameterGroupTags(copy, aurora), context.upgradeId())) {
            throw new StepFailure(FailureReason.PRECONDITION_FAILED, false, "Parameter group " + copy + " already exists "
                    + "and was not made by upgrade " + context.upgradeId() + " (tag " + Ownership.TAG + "): bluegreen "
                    + "does not attach a group it did not make to Blue. Delete it if it is stale, or name another "
                    + "group for the copy, then retry");
        }
        if (!"1".equals(rds.parameterValue(copy, aurora, RdsOperations.LOGICAL_REPLICATION).orElse(null))) {
            rds.setParameters(copy, aurora, Map.of(RdsOperations.LOGICAL_REPLICATION, "1"));
            acted = true;
        }
        if (!blue.available()) {
            return Pass.waiting(blue.identifier() + " is " + blue.status() + "; " + copy + " is attached once it is available");
        }
        rds.attachParameterGroup(blue, copy);
        acted = true;
        return Pass.waiting("attaching " + copy + " (a copy of " + own + " with logical replication on) to "
                + blue.identifier());
    }

    /** What the plan would have to allow, and the user's other way. */
    static String rebootRefused(String blue, String own, String copy, String writer) {
        return "Blue " + blue + "'s parameter group " + own + " has " + RdsOperations.LOGICAL_REPLICATION + " off, and "
                + "turning it on takes a reboot of Blue's writer " + writer + ". Nothing was changed. Either submit the "
                + "plan with allowBlueReboot: true (bluegreen then copies " + own + " with every custom parameter to "
                + copy + ", sets " + RdsOperations.LOGICAL_REPLICATION + " = 1 there, attaches it to " + blue
                + " and reboots " + writer + " once), or set it in " + own + " yourself and reboot " + writer
                + " in a window of your choosing, then submit the plan again";
    }
}
