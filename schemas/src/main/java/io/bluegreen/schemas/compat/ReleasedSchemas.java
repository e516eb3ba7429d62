package io.bluegreen.schemas.compat;

import org.apache.avro.Schema;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Schemas of released versions, kept forever in {@code io/bluegreen/schemas/released/}: {@code index.txt}
 * names each release, and each release is a file of schemas, one JSON document per line. Readers use them to
 * decode records written by older producers (and auditors replaying old history); the compatibility test
 * holds every current schema to them.
 */
public final class ReleasedSchemas {

    static final String FOLDER = "/io/bluegreen/schemas/released/";

    private final Map<String, List<Schema>> byRelease;

    private ReleasedSchemas(Map<String, List<Schema>> byRelease) {
        this.byRelease = byRelease;
    }

    public static ReleasedSchemas load() {
        Map<String, List<Schema>> releases = new LinkedHashMap<>();
        for (String release : lines(FOLDER + "index.txt")) {
            List<Schema> schemas = new ArrayList<>();
            for (String json : lines(FOLDER + release + ".avsc-lines")) {
                schemas.add(new Schema.Parser().parse(json));
            }
            releases.put(release, List.copyOf(schemas));
        }
        return new ReleasedSchemas(releases);
    }

    private static List<String> lines(String resource) {
        try (InputStream in = ReleasedSchemas.class.getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalStateException("Released schema resource " + resource + " is missing from the jar");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8).lines()
                    .map(String::strip).filter(line -> !line.isEmpty() && !line.startsWith("#")).toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public Map<String, List<Schema>> byRelease() {
        return byRelease;
    }

    public List<Schema> all() {
        return byRelease.values().stream().flatMap(List::stream).toList();
    }
}
