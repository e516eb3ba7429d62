package io.bluegreen.local.rds;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ParameterCatalogTest {

    @Test
    void valuesAreCheckedAgainstTheDataTypeAndTheAllowedValues() {
        ParameterCatalog.Definition logical = ParameterCatalog.find("postgres16", false, "rds.logical_replication").orElseThrow();
        assertDoesNotThrow(() -> logical.check("1"));
        assertEquals("Invalid parameter value: 2 for: rds.logical_replication allowed values are: 0,1",
                assertThrows(RdsFault.class, () -> logical.check("2")).getMessage());
        ParameterCatalog.Definition duration = ParameterCatalog.find("postgres16", false, "log_min_duration_statement").orElseThrow();
        for (String ok : List.of("-1", "0", "2147483647")) {
            assertDoesNotThrow(() -> duration.check(ok), ok);
        }
        for (String bad : List.of("-2", "2147483648", "1.5", "soon")) {
            assertThrows(RdsFault.class, () -> duration.check(bad), bad);
        }
        ParameterCatalog.Definition libraries = ParameterCatalog.find("postgres17", false, "shared_preload_libraries").orElseThrow();
        assertDoesNotThrow(() -> libraries.check("pg_stat_statements, pglogical"));
        assertThrows(RdsFault.class, () -> libraries.check("pg_stat_statements,evil"));
        ParameterCatalog.Definition buffers = ParameterCatalog.find("postgres17", false, "shared_buffers").orElseThrow();
        assertDoesNotThrow(() -> buffers.check("{DBInstanceClassMemory/16384}"), "an RDS formula");
        assertDoesNotThrow(() -> ParameterCatalog.find("postgres16", false, "random_page_cost").orElseThrow().check("1.1"));
    }

    @Test
    void auroraSplitsParametersBetweenClusterAndInstanceGroupsAndRdsDoesNot() {
        assertTrue(ParameterCatalog.find("aurora-postgresql17", true, "rds.logical_replication").isPresent());
        assertFalse(ParameterCatalog.find("aurora-postgresql17", false, "rds.logical_replication").isPresent());
        assertTrue(ParameterCatalog.find("aurora-postgresql17", false, "max_connections").isPresent());
        assertFalse(ParameterCatalog.find("aurora-postgresql17", true, "max_connections").isPresent());
        assertTrue(ParameterCatalog.find("postgres17", false, "rds.logical_replication").isPresent());
        assertTrue(ParameterCatalog.find("postgres17", false, "max_connections").isPresent());
        assertFalse(ParameterCatalog.find("aurora-postgresql17", true, "old_snapshot_threshold").isPresent());
        assertTrue(ParameterCatalog.find("aurora-postgresql16", true, "old_snapshot_threshold").isPresent());
    }
}
