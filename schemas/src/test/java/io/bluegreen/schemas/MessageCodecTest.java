package io.bluegreen.schemas;

import io.bluegreen.schemas.common.FailureReason;
import io.bluegreen.schemas.result.StepFailed;
import io.bluegreen.schemas.serde.AvroMessageDeserializer;
import io.bluegreen.schemas.serde.MessageCodec;
import io.bluegreen.schemas.serde.SchemaCatalogue;
import io.bluegreen.schemas.serde.UndecodableMessageException;
import io.bluegreen.schemas.serde.UndecodableMessageException.Reason;
import io.bluegreen.schemas.monitor.AlertRaised;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.message.BinaryMessageEncoder;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class MessageCodecTest {

    private final MessageCodec codec = MessageCodec.standard();

    static List<Class<? extends SpecificRecord>> messageTypes() {
        return Topics.messageTypes();
    }

    @ParameterizedTest
    @MethodSource("messageTypes")
    void everyMessageTypeRoundTripsAsItsOwnType(Class<? extends SpecificRecord> type) {
        SpecificRecord message = MessageSamples.sample(type, "upg-1");
        SpecificRecord decoded = codec.decode("t", codec.encode(message));
        assertSame(type, decoded.getClass());
        assertEquals(message, decoded);
    }

    @Test
    void bytesThatAreNotSingleObjectEncodedAreRejectedWithTheirTopic() {
        UndecodableMessageException e = assertThrows(UndecodableMessageException.class,
                () -> codec.decode(Topics.RESULTS, "{\"json\":true}".getBytes()));
        assertEquals(Reason.NOT_SINGLE_OBJECT_ENCODED, e.reason());
        assertEquals(Topics.RESULTS, e.topic());
        assertTrue(e.getMessage().contains(Topics.DEAD_LETTER), e.getMessage());
    }

    @Test
    void anUnknownFingerprintIsRejectedNamingTheFingerprint() {
        byte[] bytes = codec.encode(MessageSamples.sample(StepFailed.class, "u"));
        bytes[2] ^= 0x55;
        UndecodableMessageException e = assertThrows(UndecodableMessageException.class, () -> codec.decode("t", bytes));
        assertEquals(Reason.UNKNOWN_SCHEMA, e.reason());
        assertEquals(16, e.fingerprint().length());
    }

    @Test
    void aTruncatedBodyIsCorrupt() {
        byte[] bytes = codec.encode(MessageSamples.sample(AlertRaised.class, "u"));
        byte[] truncated = Arrays.copyOf(bytes, bytes.length - 7);
        assertEquals(Reason.CORRUPT_BODY,
                assertThrows(UndecodableMessageException.class, () -> codec.decode("t", truncated)).reason());
    }

    @Test
    void trailingGarbageIsCorrupt() {
        byte[] bytes = codec.encode(MessageSamples.sample(AlertRaised.class, "u"));
        byte[] longer = Arrays.copyOf(bytes, bytes.length + 3);
        assertEquals(Reason.CORRUPT_BODY,
                assertThrows(UndecodableMessageException.class, () -> codec.decode("t", longer)).reason());
    }

    @Test
    void decodingAConsumerRecordNamesItsPartitionAndOffset() {
        ConsumerRecord<String, byte[]> record = new ConsumerRecord<>(Topics.PG_COMMANDS, 7, 1234L, "upg", new byte[]{1, 2, 3});
        UndecodableMessageException e = assertThrows(UndecodableMessageException.class, () -> codec.decode(record));
        assertEquals(Topics.PG_COMMANDS, e.topic());
        assertEquals(7, e.partition());
        assertEquals(1234L, e.offset());
        assertTrue(e.getMessage().contains(Topics.PG_COMMANDS + "-7@1234"), e.getMessage());
    }

    @Test
    void aRecordWrittenWithAnOlderKnownSchemaIsReadIntoTheCurrentClass() {
        // an older StepFailed, before errorCode existed
        Schema older = new Schema.Parser().parse("""
                {"type":"record","name":"StepFailed","namespace":"io.bluegreen.schemas.result","fields":[
                 {"name":"upgradeId","type":"string"},{"name":"causationId","type":"string"},
                 {"name":"step","type":"string"},{"name":"attempt","type":"int"},
                 {"name":"occurredAt","type":{"type":"long","logicalType":"timestamp-millis"}},
                 {"name":"reason","type":{"type":"enum","name":"FailureReason","namespace":"io.bluegreen.schemas.common",
                   "symbols":["UNKNOWN","TIMEOUT"],"default":"UNKNOWN"}},
                 {"name":"retryable","type":"boolean"},{"name":"message","type":"string"}]}""");
        GenericRecord old = new GenericData.Record(older);
        old.put("upgradeId", "upg-7");
        old.put("causationId", "cmd-1");
        old.put("step", "CreateSlot");
        old.put("attempt", 2);
        old.put("occurredAt", 1_790_000_000_000L);
        old.put("reason", new GenericData.EnumSymbol(older.getField("reason").schema(), "TIMEOUT"));
        old.put("retryable", true);
        old.put("message", "slot busy");
        ByteBuffer encoded = encode(older, old);

        MessageCodec knowsOlder = new MessageCodec(SchemaCatalogue.of(Topics.messageTypes(), List.of(older)));
        StepFailed read = (StepFailed) knowsOlder.decode("t", toBytes(encoded));
        assertEquals("upg-7", read.getUpgradeId());
        assertEquals(FailureReason.TIMEOUT, read.getReason());
        assertEquals(Instant.ofEpochMilli(1_790_000_000_000L), read.getOccurredAt());
        assertNull(read.getErrorCode(), "a field the writer did not have takes its default");

        UndecodableMessageException unknown = assertThrows(UndecodableMessageException.class,
                () -> codec.decode("t", toBytes(encode(older, old))));
        assertEquals(Reason.UNKNOWN_SCHEMA, unknown.reason(), "a codec that does not know the writer refuses it");
    }

    @Test
    void aConsumerThatAcceptsOneTypeRefusesAnother() {
        AvroMessageDeserializer<StepFailed> onlyFailures = new AvroMessageDeserializer<>(codec, StepFailed.class);
        byte[] alert = codec.encode(MessageSamples.sample(AlertRaised.class, "u"));
        assertEquals(Reason.UNEXPECTED_TYPE,
                assertThrows(UndecodableMessageException.class, () -> onlyFailures.deserialize("t", alert)).reason());
    }

    private static ByteBuffer encode(Schema schema, GenericRecord record) {
        try {
            return new BinaryMessageEncoder<GenericRecord>(GenericData.get(), schema).encode(record);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private static byte[] toBytes(ByteBuffer buffer) {
        byte[] bytes = new byte[buffer.remaining()];
        buffer.get(bytes);
        return bytes;
    }
}
