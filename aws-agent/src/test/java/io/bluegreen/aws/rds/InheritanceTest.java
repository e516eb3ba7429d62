package io.bluegreen.aws.rds;

import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.rds.model.Tag;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The decisions behind Green inheriting Blue: which parameters carry over, which settings differ, which tags. */
class InheritanceTest {

    @Test
    void parametersTheTargetFamilyHasAreKeptTheOthersNamedAndLogicalReplicationIsOn() {
        Map<String, String> blue = new LinkedHashMap<>();
        blue.put("work_mem", "65536");
        blue.put("old_snapshot_threshold", "60");
        blue.put("rds.logical_replication", "0");
        blue.put("shared_preload_libraries", "pg_stat_statements");
        CarriedParameters carried = CarriedParameters.carry(blue,
                Set.of("work_mem", "shared_preload_libraries", "rds.logical_replication"));
        assertEquals(Map.of("work_mem", "65536", "shared_preload_libraries", "pg_stat_statements",
                "rds.logical_replication", "1"), carried.kept());
        assertEquals(List.of("old_snapshot_threshold"), carried.dropped());
        assertEquals(Map.of("work_mem", "65536"), CarriedParameters.carry(Map.of("work_mem", "65536"), Set.of("work_mem"))
                .kept(), "an Aurora instance group has no rds.logical_replication: it is not added there");
    }

    private static InstanceSettings instance(int monitoring, boolean insights, Integer retention) {
        return new InstanceSettings("i", true, "db.r6g.large", "g", monitoring,
                monitoring > 0 ? "arn:aws:iam::1:role/mon" : null, insights, null, insights ? 7 : null, retention, 1);
    }

    @Test
    void onlyWhatDiffersIsChangedAndBackupRetentionOnlyWhereTheInstanceOwnsIt() {
        InstanceSettings blue = instance(60, true, 14);
        assertEquals(List.of(), blue.differencesFrom(instance(60, true, 14), true));
        assertEquals(List.of("enhanced monitoring every 60 s", "Performance Insights on", "backup retention 14 days"),
                blue.differencesFrom(instance(0, false, 1), true));
        assertEquals(List.of("enhanced monitoring every 60 s", "Performance Insights on"),
                blue.differencesFrom(instance(0, false, 1), false), "an Aurora instance's backups are the cluster's");
        assertEquals(List.of("Performance Insights off"), instance(60, false, 14).differencesFrom(instance(60, true, 14), true));
    }

    @Test
    void madeResourcesCarryBluesTagsButNotAwsOwnOrAnotherUpgradesAndSayWhoMadeThem() {
        List<Tag> tags = Ownership.tagsFor("upg-2", Map.of("team", "crm", "aws:cloudformation:stack-name", "x",
                Ownership.TAG, "upg-1"));
        Map<String, String> map = new LinkedHashMap<>();
        tags.forEach(t -> map.put(t.key(), t.value()));
        assertEquals(Map.of("team", "crm", Ownership.TAG, "upg-2"), map);
        assertTrue(Ownership.madeBy(map, "upg-2"));
        assertFalse(Ownership.madeBy(map, "upg-1"));
        assertFalse(Ownership.madeBy(Map.of("team", "crm"), "upg-2"), "no tag: not bluegreen's");
    }
}
