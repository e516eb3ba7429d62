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
import software.amazon.awssdk.services.rds.model.DBEngineVersion;
import software.amazon.awssdk.services.rds.model.DbClusterNotFoundException;
import software.amazon.awssdk.services.rds.model.DbInstanceNotFoundException;

import java.util.List;
import java.util.Optional;

/**
 * A plan's Blue as AWS describes it, read-only: Blue exists (DescribeDBInstances, or DescribeDBClusters for Aurora),
 * its engine version, the upgrade targets AWS lists for that version (DescribeDBEngineVersions), and no instance or
 * cluster exists yet under Green's identifier. The decision on
 * the target is {@link PlanCheck#targetProblems}. {@code bluegreen.coordinator.aws-plan-check.enabled = false} turns
 * it off, for a coordinator that may not call AWS; its answers then say the plan was not checked against AWS.
 */
@Singleton
public class BlueOnAws {

    /** What AWS says about a plan's Blue. */
    public record Facts(boolean checked, Optional<String> blueVersion, List<String> majorTargets,
                        List<PlanCheck.FieldProblem> problems) {

        static Facts unchecked() {
            return new Facts(false, Optional.empty(), List.of(), List.of());
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
        try {
            version = aurora
                    ? rds.describeDBClusters(r -> r.dbClusterIdentifier(blue.getIdentifier())).dbClusters().get(0).engineVersion()
                    : rds.describeDBInstances(r -> r.dbInstanceIdentifier(blue.getIdentifier())).dbInstances().get(0).engineVersion();
        } catch (DbInstanceNotFoundException | DbClusterNotFoundException e) {
            return new Facts(true, Optional.empty(), List.of(), List.of(new PlanCheck.FieldProblem("blue.identifier",
                    "AWS knows no " + (aurora ? "Aurora cluster" : "RDS instance") + " '" + blue.getIdentifier() + "' in "
                            + blue.getRegion() + ": check the identifier, the region and blue.engine")));
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
        return new Facts(true, Optional.of(version), targets.stream().filter(PlanCheck.UpgradeTarget::majorUpgrade)
                .map(PlanCheck.UpgradeTarget::version).toList(), problems);
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
                + "rds:DescribeDBEngineVersions)", e);
    }
}
