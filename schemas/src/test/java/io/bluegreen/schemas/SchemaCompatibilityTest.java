package io.bluegreen.schemas;

import io.bluegreen.schemas.compat.CompatibilityCheck;
import io.bluegreen.schemas.compat.ReleasedSchemas;
import io.bluegreen.schemas.result.StepFailed;
import org.apache.avro.Schema;
import org.apache.avro.specific.SpecificData;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Released schemas are a promise: every current schema must read them and be read by them. */
class SchemaCompatibilityTest {

    private static List<Schema> current() {
        return Topics.messageTypes().stream().map(type -> SpecificData.get().getSchema(type)).toList();
    }

    @Test
    void currentSchemasAreBackwardAndForwardCompatibleWithEveryRelease() {
        ReleasedSchemas released = ReleasedSchemas.load();
        assertFalse(released.byRelease().isEmpty(), "at least one release is kept");
        released.byRelease().forEach((release, schemas) -> assertEquals(List.of(),
                CompatibilityCheck.problems(current(), schemas), "against release " + release));
    }

    @Test
    void everyMessageTypeOfTheCatalogueIsReleased() {
        Set<String> released = ReleasedSchemas.load().all().stream().map(Schema::getFullName).collect(Collectors.toSet());
        List<String> unreleased = current().stream().map(Schema::getFullName).filter(n -> !released.contains(n)).toList();
        assertEquals(List.of(), unreleased, "freeze new types with SchemaRelease before shipping them");
    }

    @Test
    void aNewFieldWithoutDefaultIsRejectedAsNotBackwardCompatible() {
        Schema released = SpecificData.get().getSchema(StepFailed.class);
        Schema changed = edit(released, "\"fields\":[", "\"fields\":[{\"name\":\"region\",\"type\":\"string\"},");
        List<String> problems = CompatibilityCheck.problems(changed, released);
        assertEquals(1, problems.size(), problems.toString());
        assertTrue(problems.get(0).contains("not backward compatible") && problems.get(0).contains("region"),
                problems.get(0));
    }

    @Test
    void aChangedFieldTypeIsRejectedBothWays() {
        Schema released = SpecificData.get().getSchema(StepFailed.class);
        Schema changed = edit(released, "{\"name\":\"retryable\",\"type\":\"boolean\"",
                "{\"name\":\"retryable\",\"type\":\"string\"");
        List<String> problems = CompatibilityCheck.problems(changed, released);
        assertEquals(2, problems.size(), problems.toString());
    }

    @Test
    void aRemovedFieldWithoutDefaultIsRejectedAsNotForwardCompatible() {
        Schema released = SpecificData.get().getSchema(StepFailed.class);
        List<Schema.Field> kept = released.getFields().stream().filter(f -> !f.name().equals("message"))
                .map(f -> new Schema.Field(f, f.schema())).toList();
        assertEquals(released.getFields().size() - 1, kept.size(), "fixture matches the schema");
        Schema changed = Schema.createRecord(released.getName(), released.getDoc(), released.getNamespace(), false, kept);
        List<String> problems = CompatibilityCheck.problems(List.of(changed), List.of(released));
        assertEquals(1, problems.size(), problems.toString());
        assertTrue(problems.get(0).contains("not forward compatible"), problems.get(0));
    }

    @Test
    void aNewFieldWithADefaultIsAccepted() {
        Schema released = SpecificData.get().getSchema(StepFailed.class);
        Schema changed = edit(released, "\"fields\":[",
                "\"fields\":[{\"name\":\"region\",\"type\":[\"null\",\"string\"],\"default\":null},");
        assertEquals(List.of(), CompatibilityCheck.problems(changed, released));
    }

    @Test
    void aReleasedTypeThatDisappearsIsRejected() {
        Schema released = SpecificData.get().getSchema(StepFailed.class);
        List<String> problems = CompatibilityCheck.problems(List.of(), List.of(released));
        assertTrue(problems.get(0).contains("is gone"), problems.toString());
    }

    @Test
    void everyMessageSchemaFileIsInTheTopicCatalogue() throws IOException {
        Path avro = Paths.get("src/main/avro");
        Set<String> catalogued = current().stream().map(Schema::getName).collect(Collectors.toSet());
        for (String folder : List.of("command", "result", "event", "monitor")) {
            try (Stream<Path> files = Files.walk(avro.resolve(folder))) {
                List<String> missing = files.filter(p -> p.toString().endsWith(".avsc"))
                        .map(p -> p.getFileName().toString().replace(".avsc", ""))
                        .filter(name -> !catalogued.contains(name)).toList();
                assertEquals(List.of(), missing, "message schemas in " + folder + " not carried by any topic");
            }
        }
    }

    private static Schema edit(Schema schema, String from, String to) {
        String json = schema.toString();
        assertTrue(json.contains(from), "fixture matches the schema");
        return new Schema.Parser().parse(json.replaceFirst(java.util.regex.Pattern.quote(from),
                java.util.regex.Matcher.quoteReplacement(to)));
    }
}
