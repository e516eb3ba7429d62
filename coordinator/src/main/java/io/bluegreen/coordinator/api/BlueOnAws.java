package io.bluegreen.coordinator.api;

import io.bluegreen.coordinator.saga.PlanCheck;
import io.bluegreen.runtime.aws.RdsClients;
import io.bluegreen.schemas.common.ClusterRef;
import io.bluegreen.schemas.common.Engine;
import io.bluegreen.schemas.common.UpgradePlan;
import io.micronaut.context.annotation.Value;
import jakarta.inject.Singleton;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.rds.RdsClient;
import software.amazon.awssdk.services.rds.model.DBCluster;
import software.amazon.awssdk.services.rds.model.DBClusterMember;
import software.amazon.awssdk.services.rds.model.DBEngineVersion;
import software.amazon.awssdk.services.rds.model.DBInstance;
import software.amazon.awssdk.services.rds.model.DBParameterGroupStatus;
import software.amazon.awssdk.services.rds.model.Parameter;
import software.amazon.awssdk.services.rds.model.DbClusterNotFoundException;
import software.amazon.awssdk.services.rds.model.DbInstanceNotFoundException;

import java.util.List;
import java.util.Optional;

/**
 * A plan's Blue as AWS describes it, read-only: Blue exists (DescribeDBInstances, or DescribeDBClusters for Aurora),
 * its engine version, the upgrade targets AWS lists for that version (DescribeDBEngineVersions), and no instance or
 * cluster exists yet under Green's identifier, and whether Blue's parameter group turns logical replication on (if not,
 * the plan must allow Blue's reboot, and a dry run says what will happen). The decision on
 * the target is {@link PlanCheck#targetProblems}. {@code bluegreen.coordinator.aws-plan-check.enabled = false} turns
 * it off, for a coordinator that may not call AWS; its answers then say the plan was not checked against AWS.
 */
@Singleton
public class BlueOnAws {

    /** What AWS says about a plan's Blue. */
    public record Facts(boolean checked, Optional<String> blueVersion, List<String> majorTargets,
                        List<PlanCheck.FieldProblem> problems, Optional<String> blueReboot) {

        static Facts unchecked() {
            return new Facts(false, Optional.empty(), List.of(), List.of(), Optional.empty());
        }
    }

    /** AWS could not be asked (unreachable, throttled, no permission): the plan is neither accepted nor refused. */
    public static final class UnavailableException extends RuntimeException {
        UnavailableException(String message, Throwable cause) {
            super(message, cause);
        }
    }

    private final RdsClients clients;
    private final boolean enabled;

    public BlueOnAws(RdsClients clients, @Value("${bluegreen.coordinator.aws-plan-check.enabled:true}") boolean enabled) {
        this.clients = clients;
        this.enabled = enabled;
    }

    /**
     * @param greenIdentifier the identifier Green will be created under: it must not exist yet, or the upgrade would
     *                        adopt it (and delete it on rollback)
     */
    public Facts check(UpgradePlan plan, String greenIdentifier) {
        ClusterRef blue = plan.getBlue();
        if (!enabled || blue.getIdentifier() == null || blue.getIdentifier().isBlank() || blue.getRegion() == null) {
            return Facts.unchecked();
        }
        boolean aurora = blue.getEngine() == Engine.AURORA_POSTGRESQL;
        String engine = aurora ? "aurora-postgresql" : "postgres";
        RdsClient rds = clients.forRegion(blue.getRegion());
        String version;
        String group;
        String writer;
        try {
            if (aurora) {
                DBCluster cluster = rds.describeDBClusters(r -> r.dbClusterIdentifier(blue.getIdentifier())).dbClusters().get(0);
                version = cluster.engineVersion();
                group = cluster.dbClusterParameterGroup();
                writer = cluster.dbClusterMembers().stream().filter(m -> Boolean.TRUE.equals(m.isClusterWriter()))
                        .map(DBClusterMember::dbInstanceIdentifier).findFirst().orElse(blue.getIdentifier());
            } else {
                DBInstance instance = rds.describeDBInstances(r -> r.dbInstanceIdentifier(blue.getIdentifier())).dbInstances().get(0);
                version = instance.engineVersion();
                group = instance.dbParameterGroups().stream().findFirst().map(DBParameterGroupStatus::dbParameterGroupName)
                        .orElse(null);
                writer = blue.getIdentifier();
            }
        } catch (DbInstanceNotFoundException | DbClusterNotFoundException e) {
            return new Facts(true, Optional.empty(), List.of(), List.of(new PlanCheck.FieldProblem("blue.identifier",
                    "AWS knows no " + (aurora ? "Aurora cluster" : "RDS instance") + " '" + blue.getIdentifier() + "' in "
                            + blue.getRegion() + ": check the identifier, the region and blue.engine")), Optional.empty());
        } catch (SdkException e) {
            throw unavailable("describe Blue " + blue.getIdentifier(), blue.getRegion(), e);
        }
        List<PlanCheck.UpgradeTarget> targets;
        try {
            targets = rds.describeDBEngineVersions(r -> r.engine(engine).engineVersion(version)).dbEngineVersions().stream()
                    .map(DBEngineVersion::validUpgradeTarget).flatMap(List::stream)
                    .map(t -> new PlanCheck.UpgradeTarget(t.engineVersion(), Boolean.TRUE.equals(t.isMajorVersionUpgrade())))
                    .toList();
        } catch (SdkException e) {
            throw unavailable("list the upgrade targets of " + engine + " " + version, blue.getRegion(), e);
        }
        List<PlanCheck.FieldProblem> problems = new java.util.ArrayList<>(PlanCheck.targetProblems(plan, version, targets));
        if (exists(rds, greenIdentifier, aurora, blue.getRegion())) {
            problems.add(new PlanCheck.FieldProblem(plan.getGreenIdentifier() != null ? "greenIdentifier" : "upgradeId",
                    "AWS already has " + (aurora ? "an Aurora cluster" : "an RDS instance") + " '" + greenIdentifier + "' in "
                            + blue.getRegion() + ": Green must be new (an existing one would be adopted, and deleted on "
                            + "rollback); choose another " + (plan.getGreenIdentifier() != null ? "greenIdentifier" : "upgradeId")));
        }
        Optional<String> reboot = Optional.empty();
        if (!logicalReplicationOn(rds, group, aurora, blue.getRegion())) {
            String what = "Blue's parameter group " + group + " has rds.logical_replication off, and turning it on takes a "
                    + "reboot of Blue's writer " + writer + ": bluegreen would copy " + group + " (every custom parameter "
                    + "kept) to bluegreen-" + blue.getIdentifier() + "-logical with it on, attach the copy and reboot "
                    + writer + " once, at the start of the upgrade";
            if (plan.getAllowBlueReboot()) {
                reboot = Optional.of(what);
            } else {
                problems.add(new PlanCheck.FieldProblem("allowBlueReboot", what + ". Set allowBlueReboot: true to accept "
                        + "that, or set rds.logical_replication = 1 in " + group + " yourself and reboot " + writer
                        + " in a window of your choosing"));
            }
        }
        return new Facts(true, Optional.of(version), targets.stream().filter(PlanCheck.UpgradeTarget::majorUpgrade)
                .map(PlanCheck.UpgradeTarget::version).toList(), problems, reboot);
    }

    /** Whether Blue's parameter group sets rds.logical_replication = 1 (read-only: DescribeDB(Cluster)Parameters). */
    private static boolean logicalReplicationOn(RdsClient rds, String group, boolean aurora, String region) {
        if (group == null) {
            return false;
        }
        try {
            List<Parameter> parameters = aurora
                    ? rds.describeDBClusterParametersPaginator(r -> r.dbClusterParameterGroupName(group)).parameters()
                            .stream().toList()
                    : rds.describeDBParametersPaginator(r -> r.dbParameterGroupName(group)).parameters().stream().toList();
            return parameters.stream().anyMatch(p -> "rds.logical_replication".equals(p.parameterName())
                    && "1".equals(p.parameterValue()));
        } catch (SdkException e) {
            throw unavailable("read Blue's parameter group " + group, region, e);
        }
    }

    private static boolean exists(RdsClient rds, String identifier, boolean aurora, String region) {
        if (identifier == null || identifier.isBlank()) {
            return false;
        }
        try {
            if (aurora) {
                rds.describeDBClusters(r -> r.dbClusterIdentifier(identifier));
            } else {
                rds.describeDBInstances(r -> r.dbInstanceIdentifier(identifier));
            }
            return true;
        } catch (DbInstanceNotFoundException | DbClusterNotFoundException e) {
            return false;
        } catch (SdkException e) {
            throw unavailable("look for Green's identifier " + identifier, region, e);
        }
    }

    private static UnavailableException unavailable(String what, String region, SdkException e) {
        return new UnavailableException("Could not " + what + " in " + region + " through the AWS API ("
                + e.getClass().getSimpleName() + ": " + e.getMessage() + "); the plan was not checked: try again, or check "
                + "the coordinator's AWS credentials (rds:DescribeDBInstances, rds:DescribeDBClusters, "
                + "rds:DescribeDBEngineVersions, rds:DescribeDBParameters, rds:DescribeDBClusterParameters)", e);
    }
}
