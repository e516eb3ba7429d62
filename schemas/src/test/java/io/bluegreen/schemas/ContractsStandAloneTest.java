package io.bluegreen.schemas;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The contracts stand alone: a replay or audit tool depends on bluegreen-schemas without pulling a framework.
 * Framework beans and Kafka plumbing live in bluegreen-runtime.
 */
class ContractsStandAloneTest {

    private static final Path MODULE = Path.of(System.getProperty("basedir", "."));

    @Test
    void noMicronautClassIsOnTheClasspathOfTheContracts() {
        for (String type : List.of("io.micronaut.context.ApplicationContext", "io.micronaut.core.annotation.Introspected",
                "io.micronaut.configuration.kafka.serde.SerdeRegistry")) {
            assertThrows(ClassNotFoundException.class, () -> Class.forName(type),
                    type + " is reachable from bluegreen-schemas: move what needs it to bluegreen-runtime");
        }
    }

    @Test
    void noSourceOfTheContractsImportsMicronautOrJakartaInject() throws IOException {
        Path sources = MODULE.resolve("src/main/java");
        assertTrue(Files.isDirectory(sources), "run from the schemas module: " + sources.toAbsolutePath());
        List<String> offenders;
        try (Stream<Path> files = Files.walk(sources)) {
            offenders = files.filter(file -> file.toString().endsWith(".java")).filter(file -> {
                try {
                    String text = Files.readString(file);
                    return text.contains("import io.micronaut") || text.contains("import jakarta.inject");
                } catch (IOException e) {
                    throw new IllegalStateException(e);
                }
            }).map(file -> sources.relativize(file).toString()).toList();
        }
        assertEquals(List.of(), offenders);
    }

    @Test
    void thePomDeclaresNoMicronautDependency() throws IOException {
        String pom = Files.readString(MODULE.resolve("pom.xml"));
        String dependencies = pom.substring(pom.indexOf("<dependencies>"), pom.indexOf("</dependencies>"));
        assertFalse(dependencies.contains("io.micronaut"), "bluegreen-schemas must not depend on Micronaut");
    }
}
