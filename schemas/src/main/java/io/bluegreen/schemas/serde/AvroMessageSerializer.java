package io.bluegreen.schemas.serde;

import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.serialization.Serializer;

/** Kafka serializer for any bluegreen message (Avro single-object encoding). */
public final class AvroMessageSerializer<T extends SpecificRecord> implements Serializer<T> {

    private final MessageCodec codec;

    public AvroMessageSerializer() {
        this(MessageCodec.standard());
    }

    public AvroMessageSerializer(MessageCodec codec) {
        this.codec = codec;
    }

    @Override
    public byte[] serialize(String topic, T message) {
        return message == null ? null : codec.encode(message);
    }
}
