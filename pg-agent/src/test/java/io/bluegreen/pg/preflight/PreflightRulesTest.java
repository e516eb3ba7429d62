package io.bluegreen.pg.preflight;

import io.bluegreen.schemas.common.PreflightFinding;
import io.bluegreen.schemas.common.Severity;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Optional;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class PreflightRulesTest {

    @Test
    void downgradeAndSameMajorAreErrors() {
        assertEquals(Severity.ERROR, PreflightRules.versions(17, 16, null).getSeverity());
        assertTrue(PreflightRules.versions(17, 16, null).getMessage().contains("a downgrade"));
        assertTrue(PreflightRules.versions(16, 16, null).getMessage().contains("the same major version"));
        assertEquals(Severity.INFO, PreflightRules.versions(16, 17, 16).getSeverity());
        assertEquals(Severity.ERROR, PreflightRules.versions(16, 17, 18).getSeverity());
    }

    @Test
    void walLevelMustBeLogicalUnlessRdsSaysSo() {
        assertEquals(Severity.ERROR, PreflightRules.walLevel("Blue", "replica", Optional.empty()).getSeverity());
        assertEquals(Severity.INFO, PreflightRules.walLevel("Blue", "logical", Optional.empty()).getSeverity());
        assertEquals(Severity.INFO, PreflightRules.walLevel("Blue", "replica", Optional.of("1")).getSeverity());
        assertEquals(Severity.WARNING, PreflightRules.walLevel("Blue", "replica", Optional.empty(), true).getSeverity(),
                "the upgrade turns it on itself: a warning");
    }

    @Test
    void headroomCountsWhatIsInUse() {
        assertEquals(Severity.INFO, PreflightRules.headroom("Blue", "max_replication_slots", 10, 8, 2).getSeverity());
        PreflightFinding short_ = PreflightRules.headroom("Blue", "max_replication_slots", 10, 9, 2);
        assertEquals(Severity.ERROR, short_.getSeverity());
        assertTrue(short_.getMessage().contains("at least 11"), short_.getMessage());
    }

    @Test
    void tablesWithoutIdentityAreNamedAsAnError() {
        PreflightFinding f = PreflightRules.replicaIdentity("app", List.of("public.no_pk"), List.of()).orElseThrow();
        assertEquals(Severity.ERROR, f.getSeverity());
        assertEquals(List.of("public.no_pk"), f.getSubjects());
        assertTrue(f.getMessage().contains("public.no_pk"));
        assertEquals(Optional.empty(), PreflightRules.replicaIdentity("app", List.of(), List.of()));
        assertEquals(Severity.WARNING, PreflightRules.replicaIdentity("app", List.of(), List.of("public.f")).orElseThrow().getSeverity());
    }

    @Test
    void missingExtensionsAndForeignObjectsAreErrors() {
        PreflightFinding f = PreflightRules.extensions("app", Set.of("postgis", "pg_trgm"), Set.of("pg_trgm")).orElseThrow();
        assertEquals(List.of("postgis"), f.getSubjects());
        assertEquals(Severity.INFO, PreflightRules.existingObject("app", "publication", "p", "bluegreen upgrade u1", "u1").getSeverity());
        assertEquals(Severity.ERROR, PreflightRules.existingObject("app", "publication", "p", "bluegreen upgrade u0", "u1").getSeverity());
        assertEquals(Severity.ERROR, PreflightRules.existingObject("app", "slot", "s", null, "u1").getSeverity());
    }

    @Test
    void privilegesNeedSuperuserOrRdsSuperuser() {
        assertEquals(Severity.INFO, PreflightRules.privileges("Blue", "postgres", true, false, false).getSeverity());
        assertEquals(Severity.INFO, PreflightRules.privileges("Blue", "admin", false, true, true).getSeverity());
        assertEquals(Severity.ERROR, PreflightRules.privileges("Blue", "app", false, false, true).getSeverity());
    }
}
