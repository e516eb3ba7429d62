package io.bluegreen.cli;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class PlanFileTest {

    static final String YAML = """
            # the orders database
            blue:
              identifier: orders
              region: eu-west-1
              engine: postgres
              host: 127.0.0.1
              port: 5432
              credentialsRef: orders-admin
            targetVersion: 17.10
            databases: [app, billing]
            lagThresholdBytes: 1048576
            switchoverMode: manual
            verifyBeforeRepoint: false
            """;

    static final String JSON = """
            {"blue": {"identifier": "orders", "region": "eu-west-1", "engine": "postgres", "host": "127.0.0.1",
                      "port": 5432, "credentialsRef": "orders-admin"},
             "targetVersion": "17.10", "databases": ["app", "billing"], "lagThresholdBytes": 1048576,
             "switchoverMode": "manual", "verifyBeforeRepoint": false}
            """;

    @TempDir
    Path dir;

    @Test
    void yamlAndJsonGiveTheSameJson() throws IOException {
        JsonNode fromYaml = PlanFile.read(write("plan.yaml", YAML));
        JsonNode fromJson = PlanFile.read(write("plan.json", JSON));
        assertEquals(fromJson, fromYaml);
        assertEquals(fromJson.toString(), fromYaml.toString());
    }

    @Test
    void aYamlVersionKeepsTheDigitsAsWritten() {
        JsonNode plan = PlanFile.parse("plan.yml", "targetVersion: 17.10\nport: 5432\n");
        assertTrue(plan.path("targetVersion").isTextual(), plan.toString());
        assertEquals("17.10", plan.path("targetVersion").asText());
        assertTrue(plan.path("port").isInt(), "whole numbers stay numbers: " + plan);
    }

    @Test
    void aJsonFileWithoutExtensionIsReadAsJson() throws IOException {
        assertEquals(PlanFile.read(write("plan.json", JSON)), PlanFile.read(write("plan", JSON)));
    }

    @Test
    void badYamlIsBadInputNamingTheFileAndLine() throws IOException {
        Path file = write("bad.yaml", "blue:\n  identifier: orders\n databases: [app\n");
        CliException e = assertThrows(CliException.class, () -> PlanFile.read(file));
        assertEquals(ExitCodes.BAD_INPUT, e.exitCode());
        assertTrue(e.getMessage().contains(file + ":3:"), e.getMessage());
        assertTrue(e.getMessage().contains("not valid YAML"), e.getMessage());
    }

    @Test
    void badJsonIsBadInputNamingTheFileAndLine() throws IOException {
        Path file = write("bad.json", "{\n  \"blue\": {\"identifier\": \"orders\"},\n  \"databases\": [\"app\",]\n}\n");
        CliException e = assertThrows(CliException.class, () -> PlanFile.read(file));
        assertEquals(ExitCodes.BAD_INPUT, e.exitCode());
        assertTrue(e.getMessage().contains(file + ":3:"), e.getMessage());
    }

    @Test
    void aKeyGivenTwiceIsRefused() throws IOException {
        Path file = write("twice.yaml", "targetVersion: 17.9\ndatabases: [app]\ntargetVersion: 17.11\n");
        CliException e = assertThrows(CliException.class, () -> PlanFile.read(file));
        assertEquals(ExitCodes.BAD_INPUT, e.exitCode());
        assertTrue(e.getMessage().contains("targetVersion"), e.getMessage());
    }

    @Test
    void aMissingFileIsBadInput() {
        Path missing = dir.resolve("missing.yaml");
        CliException e = assertThrows(CliException.class, () -> PlanFile.read(missing));
        assertEquals(ExitCodes.BAD_INPUT, e.exitCode());
        assertTrue(e.getMessage().startsWith("no plan file, " + missing), e.getMessage());
    }

    @Test
    void anEmptyFileOrAListIsNotAPlan() throws IOException {
        assertEquals(ExitCodes.BAD_INPUT, assertThrows(CliException.class,
                () -> PlanFile.read(write("empty.yaml", "\n"))).exitCode());
        CliException list = assertThrows(CliException.class, () -> PlanFile.read(write("list.yaml", "- app\n- billing\n")));
        assertTrue(list.getMessage().contains("not an object"), list.getMessage());
    }

    private Path write(String name, String text) throws IOException {
        return Files.writeString(dir.resolve(name), text);
    }
}
