package io.bluegreen.schemas.serde;

import io.bluegreen.schemas.Topics;
import io.bluegreen.schemas.compat.ReleasedSchemas;
import org.apache.avro.Schema;
import org.apache.avro.SchemaNormalization;
import org.apache.avro.specific.SpecificData;
import org.apache.avro.specific.SpecificRecord;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Every schema a reader may meet: the current schema of each message type, and every released schema of
 * the same name (a writer that has not been upgraded yet, or history replayed by an auditor). Keyed by the
 * 64-bit Avro fingerprint that single-object encoding puts in front of each message.
 */
public final class SchemaCatalogue {

    /** A writer schema and the current class that reads it. */
    public record Entry(Schema writer, Class<? extends SpecificRecord> type, Schema reader) {
    }

    private final Map<Long, Entry> byFingerprint;

    private SchemaCatalogue(Map<Long, Entry> byFingerprint) {
        this.byFingerprint = Map.copyOf(byFingerprint);
    }

    /** The catalogue of {@link Topics#messageTypes()} plus every released schema. */
    public static SchemaCatalogue standard() {
        return of(Topics.messageTypes(), ReleasedSchemas.load().all());
    }

    public static SchemaCatalogue of(List<Class<? extends SpecificRecord>> types, List<Schema> olderWriters) {
        Map<String, Class<? extends SpecificRecord>> byName = new HashMap<>();
        Map<Long, Entry> entries = new HashMap<>();
        for (Class<? extends SpecificRecord> type : types) {
            Schema schema = SpecificData.get().getSchema(type);
            byName.put(schema.getFullName(), type);
            entries.put(fingerprint(schema), new Entry(schema, type, schema));
        }
        for (Schema writer : olderWriters) {
            Class<? extends SpecificRecord> type = byName.get(writer.getFullName());
            if (type != null) {
                entries.putIfAbsent(fingerprint(writer), new Entry(writer, type, SpecificData.get().getSchema(type)));
            }
        }
        return new SchemaCatalogue(entries);
    }

    public Optional<Entry> find(long fingerprint) {
        return Optional.ofNullable(byFingerprint.get(fingerprint));
    }

    public int size() {
        return byFingerprint.size();
    }

    public static long fingerprint(Schema schema) {
        return SchemaNormalization.parsingFingerprint64(schema);
    }
}
