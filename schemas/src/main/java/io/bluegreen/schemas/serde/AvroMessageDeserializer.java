package io.bluegreen.schemas.serde;

import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.serialization.Deserializer;

/**
 * Kafka deserializer for any bluegreen message: the fingerprint picks the type. A record that cannot be
 * decoded raises {@link UndecodableMessageException}; the consumer wraps it in Kafka's
 * {@code RecordDeserializationException}, which adds the partition and offset.
 */
public final class AvroMessageDeserializer<T extends SpecificRecord> implements Deserializer<T> {

    private final MessageCodec codec;
    private final Class<T> expected;

    /** Accepts every bluegreen message type. */
    @SuppressWarnings("unchecked")
    public AvroMessageDeserializer() {
        this(MessageCodec.standard(), (Class<T>) SpecificRecord.class);
    }

    public AvroMessageDeserializer(MessageCodec codec, Class<T> expected) {
        this.codec = codec;
        this.expected = expected;
    }

    @Override
    public T deserialize(String topic, byte[] data) {
        if (data == null) {
            return null;
        }
        SpecificRecord message = codec.decode(topic, data);
        if (!expected.isInstance(message)) {
            throw new UndecodableMessageException(topic, -1, -1, UndecodableMessageException.Reason.UNEXPECTED_TYPE,
                    null, "a " + message.getSchema().getName() + " where only " + expected.getSimpleName()
                    + " is accepted", null);
        }
        return expected.cast(message);
    }
}
