package io.bluegreen.schemas;

import org.apache.avro.LogicalTypes;
import org.apache.avro.Schema;
import org.apache.avro.specific.SpecificData;
import org.apache.avro.specific.SpecificRecord;

import java.time.Instant;
import java.util.List;
import java.util.Map;

/** A fully populated instance of any message type: every field set, every optional branch taken. */
final class MessageSamples {

    private MessageSamples() {
    }

    static SpecificRecord sample(Class<? extends SpecificRecord> type, String upgradeId) {
        Schema schema = SpecificData.get().getSchema(type);
        SpecificRecord record = (SpecificRecord) SpecificData.get().newRecord(null, schema);
        fill(record, schema, upgradeId);
        return record;
    }

    private static void fill(SpecificRecord record, Schema schema, String upgradeId) {
        for (Schema.Field field : schema.getFields()) {
            Object value = "upgradeId".equals(field.name()) ? upgradeId : valueFor(field.schema(), field.name());
            record.put(field.pos(), value);
        }
    }

    private static Object valueFor(Schema schema, String name) {
        if (schema.getLogicalType() instanceof LogicalTypes.TimestampMillis) {
            return Instant.ofEpochMilli(1_790_000_000_123L);
        }
        return switch (schema.getType()) {
            case STRING -> name + "-value";
            case INT -> 42;
            case LONG -> 4_200_000_000L;
            case DOUBLE -> 0.5;
            case BOOLEAN -> true;
            case ENUM -> SpecificData.get().createEnum(schema.getEnumSymbols().get(schema.getEnumSymbols().size() - 1), schema);
            case ARRAY -> List.of(valueFor(schema.getElementType(), name));
            case MAP -> Map.of("key", valueFor(schema.getValueType(), name));
            case UNION -> valueFor(schema.getTypes().stream().filter(s -> s.getType() != Schema.Type.NULL)
                    .findFirst().orElseThrow(), name);
            case RECORD -> {
                SpecificRecord nested = (SpecificRecord) SpecificData.get().newRecord(null, schema);
                fill(nested, schema, "nested");
                yield nested;
            }
            default -> throw new IllegalArgumentException("no sample for " + schema.getType() + " field " + name);
        };
    }
}
