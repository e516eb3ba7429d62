package io.bluegreen.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

import java.net.URISyntaxException;
import java.nio.file.Path;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code bluegreen demo} with a schema of several table kinds and a workload of inserts, updates and upserts on them:
 * the upgrade is rehearsed on its own local stack, and stdout holds the report alone, as one JSON object.
 */
class CliDemoIT {

    /** The tables demo/schema.sql creates: accounts, transfers, limits, devices, events. */
    private static final int SCHEMA_TABLES = 5;

    @Test
    void aRehearsalWithAGivenSchemaAndWorkloadIsProvenAndReportedAsJson() throws Exception {
        CliRun run = CliRun.run(Map.of(), "demo", "--schema", resource("demo/schema.sql").toString(),
                "--workload", resource("demo/workload.sql").toString(), "--databases", "app", "--clients", "2",
                "--rate", "50", "--output", "json");
        assertEquals(0, run.exit(), run.toString());
        JsonNode report = new ObjectMapper().readTree(run.out());
        assertTrue(report.isObject(), run.out());
        assertTrue(report.path("completed").asBoolean(), run.out());
        assertTrue(report.path("upgradeId").asText().startsWith("upg-"), run.out());
        JsonNode first = report.path("phases").path(0);
        assertTrue(first.hasNonNull("name") && first.hasNonNull("start") && first.hasNonNull("end"), run.out());
        assertTrue(report.hasNonNull("snapshotLsn") && report.hasNonNull("snapshotLsnMethod"), run.out());
        assertEquals(SCHEMA_TABLES + 1, report.path("tablesCompared").asInt(), "the schema's tables and the ledger: " + run.out());
        assertEquals(0, report.path("tablesMismatched").size(), run.out());
        assertEquals(0, report.path("sequencesBehind").size(), run.out());
        assertTrue(report.path("writesCommitted").asLong() > 0, run.out());
        assertEquals(0, report.path("lostWrites").asLong(), run.out());
        assertEquals(0, report.path("duplicatedWrites").asLong(), run.out());
        assertTrue(report.path("writeUnavailableMs").isNumber(), run.out());
        assertTrue(report.path("proven").asBoolean(), run.out());
        assertTrue(run.err().contains("Blue"), "progress goes to stderr: " + run.err());
        assertFalse(run.out().contains("password") || run.err().toLowerCase(java.util.Locale.ROOT).contains("password="),
                "no password printed");
    }

    @Test
    void aMissingSchemaFileIsBadInput() {
        CliRun run = CliRun.run(Map.of(), "demo", "--schema", "target/no-such-schema.sql");
        assertEquals(2, run.exit(), run.toString());
        assertTrue(run.err().startsWith("bluegreen: no such file, --schema target/no-such-schema.sql, "), run.err());
    }

    private static Path resource(String name) throws URISyntaxException {
        return Path.of(CliDemoIT.class.getClassLoader().getResource(name).toURI());
    }
}
