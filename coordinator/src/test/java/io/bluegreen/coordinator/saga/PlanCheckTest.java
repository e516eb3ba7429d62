package io.bluegreen.coordinator.saga;

import io.bluegreen.schemas.common.ClusterRef;
import io.bluegreen.schemas.common.Engine;
import io.bluegreen.schemas.common.RepointMethod;
import io.bluegreen.schemas.common.Strategy;
import io.bluegreen.schemas.common.UpgradePlan;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Every problem of a plan is found at once, each naming its field and what to do. */
class PlanCheckTest {

    private static UpgradePlan.Builder plan() {
        ClusterRef blue = ClusterRef.newBuilder().setIdentifier("orders").setRegion("eu-west-1").setEngine(Engine.POSTGRES)
                .setHost("orders.local").setPort(5432).setCredentialsRef("orders-admin").build();
        return UpgradePlan.newBuilder().setBlue(blue).setTargetVersion("17.9").setSourceVersion("16.4")
                .setDatabases(List.of("app", "billing")).setStrategy(Strategy.SNAPSHOT).setLagThresholdBytes(1024)
                .setHoldDurationMs(30_000);
    }

    private static Map<String, String> problems(UpgradePlan plan) {
        return PlanCheck.problems(plan).stream().collect(Collectors.toMap(PlanCheck.FieldProblem::field,
                PlanCheck.FieldProblem::problem, (a, b) -> a + " | " + b));
    }

    private static void blue(UpgradePlan.Builder plan, Consumer<ClusterRef.Builder> change) {
        ClusterRef.Builder blue = ClusterRef.newBuilder(plan.getBlue());
        change.accept(blue);
        plan.setBlue(blue.build());
    }

    @Test
    void aGoodPlanHasNoProblem() {
        assertEquals(Map.of(), problems(plan().build()));
    }

    @Test
    void everyProblemIsReportedAtOnceWithItsField() {
        UpgradePlan.Builder bad = plan().setTargetVersion("16.2").setDatabases(List.of("app", "app", "1bad"))
                .setLagThresholdBytes(0).setHoldDurationMs(-1).setSequenceMargin(-5).setSwitchoverTimeoutMs(5);
        blue(bad, b -> b.setIdentifier(null).setRegion("europe").setPort(70000).setCredentialsRef(" "));
        Map<String, String> problems = problems(bad.build());
        assertEquals(List.of("blue.credentialsRef", "blue.identifier", "blue.port", "blue.region", "databases[1]",
                "databases[2]", "holdDurationMs", "lagThresholdBytes", "sequenceMargin", "switchoverTimeoutMs",
                "targetVersion"), problems.keySet().stream().sorted().toList(), problems.toString());
        assertTrue(problems.get("blue.identifier").contains("required for engine postgres"), problems.get("blue.identifier"));
        assertTrue(problems.get("blue.region").contains("'europe' is not a region AWS lists"), problems.get("blue.region"));
        assertTrue(problems.get("databases[1]").contains("listed twice"), problems.get("databases[1]"));
        assertTrue(problems.get("databases[2]").contains("is not a database name"), problems.get("databases[2]"));
        assertTrue(problems.get("targetVersion").contains("not a higher major than Blue's 16.4"), problems.get("targetVersion"));
    }

    @Test
    void versionsAndListsAreChecked() {
        assertTrue(problems(plan().setTargetVersion("seventeen").build()).get("targetVersion").contains("not a version"));
        assertTrue(problems(plan().setTargetVersion("9.6").setSourceVersion(null).build()).get("targetVersion")
                .contains("10 or later"));
        assertTrue(problems(plan().setDatabases(List.of()).build()).get("databases").contains("empty"));
        assertEquals(Map.of(), problems(plan().setTargetVersion("17").setSourceVersion(null).build()), "a bare major is a version");
    }

    @Test
    void greenCannotBeBlue() {
        assertTrue(problems(plan().setGreenIdentifier("ORDERS").build()).get("greenIdentifier").contains("is Blue"));
        assertEquals(Map.of(), problems(plan().setGreenIdentifier("orders-next").build()));
    }

    @Test
    void aRegionMustBeOneAwsLists() {
        UpgradePlan.Builder nowhere = plan();
        blue(nowhere, b -> b.setRegion("eu-nowhere-9"));
        assertTrue(problems(nowhere.build()).get("blue.region").contains("'eu-nowhere-9' is not a region AWS lists"));
        UpgradePlan.Builder frankfurt = plan();
        blue(frankfurt, b -> b.setRegion("eu-central-1"));
        assertEquals(Map.of(), problems(frankfurt.build()));
    }

    @Test
    void theTargetMustBeAMajorUpgradeAwsListsForBluesVersion() {
        List<PlanCheck.UpgradeTarget> targets = List.of(new PlanCheck.UpgradeTarget("16.5", false),
                new PlanCheck.UpgradeTarget("17.2", true), new PlanCheck.UpgradeTarget("17.4", true));
        assertEquals(List.of(), PlanCheck.targetProblems(plan().setTargetVersion("17.4").build(), "16.4", targets));
        assertTrue(PlanCheck.targetProblems(plan().setTargetVersion("17.99").build(), "16.4", targets).get(0).problem()
                .contains("not an upgrade target of Blue's postgres 16.4 (DescribeDBEngineVersions): choose one of [17.2, 17.4]"));
        assertTrue(PlanCheck.targetProblems(plan().setTargetVersion("16.5").build(), "16.4", targets).get(0).problem()
                .contains("a minor upgrade"));
        assertTrue(PlanCheck.targetProblems(plan().setTargetVersion("17.2").build(), "16.99", List.of()).get(0).problem()
                .contains("AWS lists no major upgrade target for Blue's postgres 16.99"));
    }

    @Test
    void theRemovedLogicalCopyStrategyIsRefusedWithWhatToUse() {
        Map<String, String> problems = problems(plan().setStrategy(Strategy.LOGICAL_COPY).build());
        assertEquals(List.of("strategy"), List.copyOf(problems.keySet()), problems.toString());
        assertTrue(problems.get("strategy").contains("'logical_copy' is no longer offered")
                && problems.get("strategy").contains("use 'snapshot'"), problems.get("strategy"));
        assertEquals(Map.of(), problems(plan().setStrategy(Strategy.UNKNOWN).build()), "a plan that does not say is a snapshot plan");
    }

    @Test
    void aRenameNeedsBluesIdentifier() {
        UpgradePlan.Builder rename = plan().setRepointMethod(RepointMethod.RENAME);
        blue(rename, b -> b.setIdentifier(null));
        assertTrue(problems(rename.build()).get("repoint").contains("'rename' swaps RDS identifiers"));
    }

    @Test
    void oldBluesRetentionIsBoundedAndNeedsBluesIdentifier() {
        assertEquals(Map.of(), problems(plan().setOldBlueRetentionMs(0).build()), "0 keeps old Blue");
        assertEquals(Map.of(), problems(plan().setOldBlueRetentionMs(Duration.ofDays(90).toMillis()).build()));
        assertTrue(problems(plan().setOldBlueRetentionMs(-1).build()).get("oldBlueRetentionMs").contains("is outside 0 .. "));
        assertTrue(problems(plan().setOldBlueRetentionMs(Duration.ofDays(91).toMillis()).build()).get("oldBlueRetentionMs")
                .contains("(90 days)"));
        UpgradePlan.Builder hostOnly = plan().setOldBlueRetentionMs(60_000);
        blue(hostOnly, b -> b.setIdentifier(null).setEngine(Engine.UNKNOWN));
        assertTrue(String.valueOf(problems(hostOnly.build()).get("oldBlueRetentionMs")).contains("needs its RDS identifier"),
                problems(hostOnly.build()).toString());
    }
}
