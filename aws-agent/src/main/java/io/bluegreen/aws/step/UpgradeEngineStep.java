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
import io.bluegreen.aws.rds.CarriedParameters;
import io.bluegreen.aws.rds.InstanceSettings;
import io.bluegreen.aws.rds.Ownership;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Green's major version upgrade: a parameter group of the target family ({@code bluegreen-<green>}) carrying Blue's
 * custom parameters that exist there, with logical replication on (and for an Aurora writer with a custom instance
 * group, an instance group likewise), then ModifyDBCluster / ModifyDBInstance with EngineVersion and
 * AllowMajorVersionUpgrade; done when Green is available at the target version. The answer names the parameters
 * left behind. Asked again, it finds the upgrade pending or done and does not repeat it.
 */
final class UpgradeEngineStep implements AwsStep {

    private static final Logger LOG = LoggerFactory.getLogger(UpgradeEngineStep.class);
    /** On a group bluegreen made for the target family: the group whose custom parameters it carries. */
    static final String COPIED_FROM = "bluegreen:copied-from";

    private final UpgradeEngine command;
    private final RdsOperations rds;
    private final StepContext context;
    /** this run of the step asked RDS for the upgrade */
    private boolean requested;

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
        if (requested) {
            // asked, and back to available at the old version with nothing pending: RDS gave the upgrade up
            throw new StepFailure(FailureReason.PRECONDITION_FAILED, false, "RDS did not upgrade " + id + " to " + target
                    + ": it is available again at " + green.engineVersion() + " and no upgrade is pending. Read why in "
                    + "its upgrade log (the pg_upgrade logs among its log files) and its RDS events, fix the cause on "
                    + "Blue, then roll back and submit the plan again");
        }
        if (green.engineMajor() > targetMajor) {
            throw new StepFailure(FailureReason.INVALID_REQUEST, false, id + " runs " + green.engineVersion()
                    + ", newer than the target " + target + ": a downgrade is impossible; fix the plan's target version");
        }
        String family = EngineVersions.family(command.getCluster().getEngine(), targetMajor);
        String group = command.getParameterGroupName() != null ? command.getParameterGroupName()
                : EngineVersions.targetGroup(id);
        carryParameters(green.parameterGroup(), group, family, aurora);
        Optional<String> instanceGroup = Optional.empty();
        if (aurora) {
            String writer = green.writerInstance().orElseThrow(() -> new StepFailure(FailureReason.PRECONDITION_FAILED,
                    false, "Aurora cluster " + id + " has no writer instance: add one, then retry"));
            String own = rds.instanceSettings(writer).map(InstanceSettings::parameterGroup).orElse(null);
            if (own != null && !own.startsWith("default.")) {
                instanceGroup = Optional.of(EngineVersions.targetGroup(id) + "-instance");
                carryParameters(own, instanceGroup.get(), family, false);
            }
        }
        rds.upgradeEngine(green, target, group, instanceGroup.orElse(null));
        requested = true;
        return Pass.waiting("upgrade of " + id + " from " + green.engineVersion() + " to " + target + " requested, with "
                + "parameter group " + group + instanceGroup.map(g -> " and instance parameter group " + g).orElse(""));
    }

    /**
     * Green's group of the target family, made once (tagged with the upgrade and the group it copies) with every
     * custom parameter of {@code source} that the family lets users set, and logical replication on.
     */
    private void carryParameters(String source, String group, String family, boolean clusterGroup) {
        Map<String, String> tags = rds.parameterGroupTags(group, clusterGroup);
        if (!tags.isEmpty() || rds.parameterGroupExists(group, clusterGroup)) {
            if (!Ownership.madeBy(tags, context.upgradeId())) {
                throw new StepFailure(FailureReason.PRECONDITION_FAILED, false, "Parameter group " + group + " already "
                        + "exists and was not made by upgrade " + context.upgradeId() + " (tag " + Ownership.TAG
                        + "): delete it if it is stale, or name another group, then retry");
            }
            return;
        }
        CarriedParameters carried = CarriedParameters.carry(rds.userParameters(source, clusterGroup),
                rds.modifiableParameters(family, clusterGroup));
        List<software.amazon.awssdk.services.rds.model.Tag> groupTags = new ArrayList<>(
                Ownership.tagsFor(context.upgradeId(), Map.of()));
        groupTags.add(software.amazon.awssdk.services.rds.model.Tag.builder().key(COPIED_FROM).value(source).build());
        rds.createParameterGroup(group, family, clusterGroup, "bluegreen: the custom parameters of " + source + " for "
                + family, groupTags);
        rds.setParameters(group, clusterGroup, carried.kept());
        if (!carried.dropped().isEmpty()) {
            LOG.warn("{}: {}'s parameters {} do not exist in {} or cannot be set there; Green's group {} goes without them",
                    context.upgradeId(), source, carried.dropped(), family, group);
        }
    }

    /** Blue's parameters the target group goes without, from the group it copied (empty when it copied none). */
    private List<String> dropped(DbResource green) {
        boolean aurora = green.cluster();
        String group = green.parameterGroup();
        String source = rds.parameterGroupTags(group, aurora).get(COPIED_FROM);
        if (source == null) {
            return List.of();
        }
        Map<String, String> kept = rds.userParameters(group, aurora);
        return rds.userParameters(source, aurora).keySet().stream().filter(name -> !kept.containsKey(name)).toList();
    }

    private Pass done(DbResource green) {
        return new Pass.Done(EngineUpgraded.newBuilder().setUpgradeId(context.upgradeId())
                .setCausationId(context.commandId()).setStep(context.step()).setAttempt(context.attempt())
                .setOccurredAt(context.now())
                .setCluster(AwsSteps.withEndpoint(command.getCluster(), green.identifier(), green.host(), green.port()))
                .setEngineVersion(green.engineVersion()).setDroppedParameters(dropped(green)).build());
    }
}
