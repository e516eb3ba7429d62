package io.bluegreen.schemas.compat;

import io.bluegreen.schemas.Topics;
import org.apache.avro.specific.SpecificData;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.StandardOpenOption;
import java.util.List;

/**
 * Freezes the current schemas as a release: writes {@code <release>.avsc-lines} next to the earlier ones and
 * adds it to {@code index.txt}. Run when cutting a release:
 * {@code mvn -pl schemas compile exec:java -Dexec.mainClass=io.bluegreen.schemas.compat.SchemaRelease -Dexec.args=v2}
 */
public final class SchemaRelease {

    private SchemaRelease() {
    }

    public static void main(String[] args) throws IOException {
        if (args.length != 1 || !args[0].matches("v\\d+")) {
            throw new IllegalArgumentException("usage: SchemaRelease v<N>");
        }
        Path folder = Paths.get("src/main/resources" + ReleasedSchemas.FOLDER);
        Files.createDirectories(folder);
        Path file = folder.resolve(args[0] + ".avsc-lines");
        if (Files.exists(file)) {
            throw new IllegalStateException(file + " exists: a release is never rewritten");
        }
        List<String> lines = Topics.messageTypes().stream()
                .map(type -> SpecificData.get().getSchema(type).toString(false)).toList();
        Files.write(file, lines, StandardCharsets.UTF_8);
        Files.writeString(folder.resolve("index.txt"), args[0] + "\n", StandardCharsets.UTF_8,
                StandardOpenOption.CREATE, StandardOpenOption.APPEND);
        System.out.println("Released " + lines.size() + " schemas as " + file);
    }
}
