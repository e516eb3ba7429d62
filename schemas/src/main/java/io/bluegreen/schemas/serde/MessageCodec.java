package io.bluegreen.schemas.serde;

import io.bluegreen.schemas.AvroTrust;
import org.apache.avro.Schema;
import org.apache.avro.io.BinaryDecoder;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.DecoderFactory;
import org.apache.avro.io.EncoderFactory;
import org.apache.avro.specific.SpecificData;
import org.apache.avro.specific.SpecificDatumReader;
import org.apache.avro.specific.SpecificDatumWriter;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.consumer.ConsumerRecord;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Avro single-object encoding for every bluegreen message: {@code C3 01}, the writer schema's 64-bit
 * fingerprint (little-endian), then the binary body. The fingerprint says which type a record is, so one
 * topic carries several types; a reader resolves any writer schema its {@link SchemaCatalogue} knows into the
 * current class. Anything else raises {@link UndecodableMessageException}, never a silent skip.
 */
public final class MessageCodec {

    private static final byte MARKER_0 = (byte) 0xC3;
    private static final byte MARKER_1 = (byte) 0x01;
    private static final int HEADER = 10;

    static {
        AvroTrust.install();
    }

    private static final MessageCodec STANDARD = new MessageCodec(SchemaCatalogue.standard());

    private final SchemaCatalogue catalogue;
    private final Map<Long, SpecificDatumReader<SpecificRecord>> readers = new ConcurrentHashMap<>();
    private final Map<Class<?>, Writer> writers = new ConcurrentHashMap<>();

    /** A type's writer and the header of its messages (marker and fingerprint), computed once per type. */
    private record Writer(SpecificDatumWriter<SpecificRecord> datum, byte[] header) {

        static Writer of(Schema schema) {
            byte[] header = ByteBuffer.allocate(10).order(ByteOrder.LITTLE_ENDIAN).put(MARKER_0).put(MARKER_1)
                    .putLong(SchemaCatalogue.fingerprint(schema)).array();
            return new Writer(new SpecificDatumWriter<>(schema, SpecificData.get()), header);
        }
    }

    public MessageCodec(SchemaCatalogue catalogue) {
        this.catalogue = catalogue;
    }

    /** The codec over every current and released bluegreen schema. */
    public static MessageCodec standard() {
        return STANDARD;
    }

    public byte[] encode(SpecificRecord message) {
        Schema schema = message.getSchema();
        Writer writer = writers.computeIfAbsent(message.getClass(), type -> Writer.of(schema));
        ByteArrayOutputStream out = new ByteArrayOutputStream(256);
        out.writeBytes(writer.header());
        try {
            BinaryEncoder encoder = EncoderFactory.get().directBinaryEncoder(out, null);
            writer.datum().write(message, encoder);
            encoder.flush();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (RuntimeException e) {
            throw new IllegalArgumentException("Cannot encode " + schema.getName() + " (a required field is null?): "
                    + e.getMessage(), e);
        }
        return out.toByteArray();
    }

    /** Decodes a record's value; failures name the topic, partition and offset. */
    public SpecificRecord decode(ConsumerRecord<?, byte[]> record) {
        try {
            return decode(record.topic(), record.value());
        } catch (UndecodableMessageException e) {
            throw e.at(record.partition(), record.offset());
        }
    }

    /** Decodes bytes read from a topic; failures name the topic (partition and offset unknown here). */
    public SpecificRecord decode(String topic, byte[] bytes) {
        if (bytes == null || bytes.length < HEADER || bytes[0] != MARKER_0 || bytes[1] != MARKER_1) {
            throw new UndecodableMessageException(topic, -1, -1,
                    UndecodableMessageException.Reason.NOT_SINGLE_OBJECT_ENCODED, null,
                    bytes == null ? "null value" : bytes.length + " bytes", null);
        }
        long fingerprint = ByteBuffer.wrap(bytes, 2, 8).order(ByteOrder.LITTLE_ENDIAN).getLong();
        String hex = String.format("%016x", fingerprint);
        SchemaCatalogue.Entry entry = catalogue.find(fingerprint).orElseThrow(() -> new UndecodableMessageException(
                topic, -1, -1, UndecodableMessageException.Reason.UNKNOWN_SCHEMA, hex, null, null));
        SpecificDatumReader<SpecificRecord> reader = readers.computeIfAbsent(fingerprint,
                key -> new SpecificDatumReader<>(entry.writer(), entry.reader(), SpecificData.get()));
        try {
            BinaryDecoder decoder = DecoderFactory.get().binaryDecoder(bytes, HEADER, bytes.length - HEADER, null);
            SpecificRecord message = reader.read(null, decoder);
            if (!decoder.isEnd()) {
                throw new IOException("trailing bytes after the " + entry.writer().getName() + " body");
            }
            return message;
        } catch (IOException | RuntimeException e) {
            throw new UndecodableMessageException(topic, -1, -1, UndecodableMessageException.Reason.CORRUPT_BODY, hex,
                    e.getClass().getSimpleName() + (e.getMessage() == null ? "" : " " + e.getMessage()), e);
        }
    }
}
