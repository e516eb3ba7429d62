package io.bluegreen.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

import java.net.URISyntaxException;
import java.nio.file.Path;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code bluegreen demo} with a schema of several table kinds and a workload of inserts, updates and upserts on them:
 * the upgrade is rehearsed on its own local stack, and stdout holds the report alone, as one JSON object.
 */
class CliDemoIT {

    @Test
    void aRehearsalWithAGivenSchemaAndWorkloadIsProvenAndReportedAsJson() throws Exception {
        CliRun run = CliRun.run(Map.of(), "demo", "--schema", resource("demo/schema.sql").toString(),
                "--workload", resource("demo/workload.sql").toString(), "--databases", "app", "--clients", "2",
                "--rate", "50", "--output", "json");
        assertEquals(0, run.exit(), run.toString());
        JsonNode report = new ObjectMapper().readTree(run.out());
        assertTrue(report.isObject(), run.out());
        assertTrue(report.path("completed").asBoolean(), run.out());
        assertTrue(report.path("tablesCompared").asInt() > 0, run.out());
        assertTrue(report.path("proven").asBoolean(), run.out());
        assertTrue(run.err().contains("Blue"), "progress goes to stderr: " + run.err());
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
