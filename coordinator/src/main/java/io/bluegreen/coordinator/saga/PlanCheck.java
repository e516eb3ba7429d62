package io.bluegreen.coordinator.saga;

import io.bluegreen.schemas.common.UpgradePlan;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Every problem of a plan at once, each naming its field and what to do, before anything is written. Pure: the API
 * answers 400 with the list, and the owner of the partition checks again before it records the plan.
 */
public final class PlanCheck {

    /** One problem: the field (dotted path) and what is wrong with it and what to do. */
    public record FieldProblem(String field, String problem) {

        @Override
        public String toString() {
            return field + ": " + problem;
        }
    }

    static final Pattern DATABASE = Pattern.compile("[A-Za-z_][A-Za-z0-9_$]{0,62}");
    /** The regions the AWS SDK knows (its endpoint metadata), global pseudo-regions left out. */
    static final Set<String> REGIONS = software.amazon.awssdk.regions.Region.regions().stream()
            .filter(r -> !r.isGlobalRegion()).map(software.amazon.awssdk.regions.Region::id)
            .collect(java.util.stream.Collectors.toCollection(java.util.TreeSet::new));
    static final Pattern VERSION = Pattern.compile("(\\d{1,3})(\\.\\d{1,3})?");
    static final long MAX_LAG_THRESHOLD_BYTES = 64L << 30;
    static final long MAX_HOLD_MS = Duration.ofHours(24).toMillis();
    static final long MAX_SEQUENCE_MARGIN = 1_000_000_000L;
    static final long MAX_OLD_BLUE_RETENTION_MS = Duration.ofDays(90).toMillis();

    private PlanCheck() {
    }

    public static List<FieldProblem> problems(UpgradePlan plan) {
        List<FieldProblem> problems = new ArrayList<>();
        var blue = plan.getBlue();
        if (blank(blue.getIdentifier())) {
            problems.add(new FieldProblem("blue.identifier", "required for engine " + blue.getEngine().name().toLowerCase()
                    + ": the RDS instance or Aurora cluster identifier of Blue (it is cloned, upgraded and repointed by it)"));
        }
        if (blank(blue.getRegion())) {
            problems.add(new FieldProblem("blue.region", "required: the AWS region Blue runs in, such as eu-west-1"));
        } else if (!REGIONS.contains(blue.getRegion())) {
            problems.add(new FieldProblem("blue.region", "'" + blue.getRegion() + "' is not a region AWS lists (such as "
                    + "eu-west-1, us-east-1); the regions known here: " + REGIONS));
        }
        if (blank(blue.getHost())) {
            problems.add(new FieldProblem("blue.host", "required: Blue's writer endpoint (the agents connect to it from "
                    + "preflight on)"));
        }
        if (blue.getPort() != null && (blue.getPort() < 1 || blue.getPort() > 65535)) {
            problems.add(new FieldProblem("blue.port", blue.getPort() + " is not a TCP port (1 .. 65535)"));
        }
        if (blank(blue.getCredentialsRef())) {
            problems.add(new FieldProblem("blue.credentialsRef", "required: the name of credentials configured on the "
                    + "agents (never the password itself)"));
        }
        if (!blank(plan.getGreenIdentifier()) && plan.getGreenIdentifier().equalsIgnoreCase(blue.getIdentifier())) {
            problems.add(new FieldProblem("greenIdentifier", "'" + plan.getGreenIdentifier() + "' is Blue: Green must be a "
                    + "new instance or cluster (it is deleted on rollback); choose another name, or leave it out"));
        }
        if (!PhasePlan.runs(plan)) {
            problems.add(new FieldProblem("strategy", "'logical_copy' is no longer offered (it started Green empty, and no "
                    + "step created Blue's databases and schema there): use 'snapshot', which clones Blue, upgrades the "
                    + "clone and replicates from the clone's LSN"));
        }
        databases(plan.getDatabases(), problems);
        versions(plan, problems);
        if (plan.getLagThresholdBytes() <= 0 || plan.getLagThresholdBytes() > MAX_LAG_THRESHOLD_BYTES) {
            problems.add(new FieldProblem("lagThresholdBytes", plan.getLagThresholdBytes() + " is outside 1 .. "
                    + MAX_LAG_THRESHOLD_BYTES + " (64 GiB): the lag under which switchover may start; 1048576 is the default"));
        }
        if (plan.getHoldDurationMs() < 0 || plan.getHoldDurationMs() > MAX_HOLD_MS) {
            problems.add(new FieldProblem("holdDurationMs", plan.getHoldDurationMs() + " is outside 0 .. " + MAX_HOLD_MS
                    + " (24 h): how long the lag must stay under the threshold; 60000 is the default"));
        }
        if (plan.getSequenceMargin() < 0 || plan.getSequenceMargin() > MAX_SEQUENCE_MARGIN) {
            problems.add(new FieldProblem("sequenceMargin", plan.getSequenceMargin() + " is outside 0 .. "
                    + MAX_SEQUENCE_MARGIN + ": how far ahead of Blue Green's sequences are set"));
        }
        if (plan.getOldBlueRetentionMs() < 0 || plan.getOldBlueRetentionMs() > MAX_OLD_BLUE_RETENTION_MS) {
            problems.add(new FieldProblem("oldBlueRetentionMs", plan.getOldBlueRetentionMs() + " is outside 0 .. "
                    + MAX_OLD_BLUE_RETENTION_MS + " (90 days): how long old Blue is kept after the clean-up before it is "
                    + "deleted with a final snapshot; 0 (the default) keeps it"));
        } else if (plan.getOldBlueRetentionMs() > 0 && blank(blue.getIdentifier())) {
            problems.add(new FieldProblem("oldBlueRetentionMs", "deleting old Blue needs its RDS identifier: give "
                    + "blue.identifier, or leave oldBlueRetentionMs at 0 to keep old Blue"));
        }
        SwitchoverPlan.problems(plan).forEach(problems::add);
        return problems;
    }

    private static void databases(List<String> databases, List<FieldProblem> problems) {
        if (databases.isEmpty()) {
            problems.add(new FieldProblem("databases", "empty: list the databases of Blue to upgrade"));
            return;
        }
        Set<String> seen = new HashSet<>();
        for (int i = 0; i < databases.size(); i++) {
            String name = databases.get(i);
            if (name == null || !DATABASE.matcher(name).matches()) {
                problems.add(new FieldProblem("databases[" + i + "]", "'" + name + "' is not a database name (a letter or _, "
                        + "then letters, digits, _ or $; at most 63)"));
            } else if (!seen.add(name)) {
                problems.add(new FieldProblem("databases[" + i + "]", "'" + name + "' is listed twice: list each database once"));
            }
        }
    }

    private static void versions(UpgradePlan plan, List<FieldProblem> problems) {
        Matcher target = VERSION.matcher(plan.getTargetVersion() == null ? "" : plan.getTargetVersion());
        if (!target.matches()) {
            problems.add(new FieldProblem("targetVersion", "'" + plan.getTargetVersion() + "' is not a version such as 17.9"));
            return;
        }
        int major = Integer.parseInt(target.group(1));
        if (major < 10) {
            problems.add(new FieldProblem("targetVersion", "'" + plan.getTargetVersion() + "' is not a PostgreSQL major this "
                    + "tool upgrades to (10 or later)"));
        }
        if (plan.getSourceVersion() != null) {
            Matcher source = VERSION.matcher(plan.getSourceVersion());
            if (source.matches() && Integer.parseInt(source.group(1)) >= major) {
                problems.add(new FieldProblem("targetVersion", "'" + plan.getTargetVersion() + "' is not a higher major than "
                        + "Blue's " + plan.getSourceVersion() + ": a blue/green upgrade goes to a newer major"));
            }
        }
    }

    /** A version Blue's engine version may be upgraded to, as {@code DescribeDBEngineVersions} lists it. */
    public record UpgradeTarget(String version, boolean majorUpgrade) {
    }

    /**
     * The plan's target version against what AWS says Blue's version may be upgraded to: it must be listed, and a
     * major upgrade.
     *
     * @param blueVersion Blue's engine version as AWS describes Blue
     * @param targets     the valid upgrade targets AWS lists for that version (empty: AWS does not know the version)
     */
    public static List<FieldProblem> targetProblems(UpgradePlan plan, String blueVersion, List<UpgradeTarget> targets) {
        String target = plan.getTargetVersion();
        String engine = plan.getBlue().getEngine().name().toLowerCase().replace('_', '-');
        List<String> majors = targets.stream().filter(UpgradeTarget::majorUpgrade).map(UpgradeTarget::version).toList();
        if (targets.stream().anyMatch(t -> t.version().equals(target) && t.majorUpgrade())) {
            return List.of();
        }
        if (targets.stream().anyMatch(t -> t.version().equals(target))) {
            return List.of(new FieldProblem("targetVersion", "'" + target + "' is a minor upgrade of Blue's " + blueVersion
                    + ": a blue/green upgrade goes to a newer major; choose one of " + majors));
        }
        if (majors.isEmpty()) {
            return List.of(new FieldProblem("targetVersion", "AWS lists no major upgrade target for Blue's " + engine + " "
                    + blueVersion + " in this region: upgrade Blue's minor version first, or check the engine"));
        }
        return List.of(new FieldProblem("targetVersion", "'" + target + "' is not an upgrade target of Blue's " + engine + " "
                + blueVersion + " (DescribeDBEngineVersions): choose one of " + majors));
    }

    private static boolean blank(String value) {
        return value == null || value.isBlank();
    }
}
