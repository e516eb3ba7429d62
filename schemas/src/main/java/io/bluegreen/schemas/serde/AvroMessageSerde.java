package io.bluegreen.schemas.serde;

import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serializer;

/** Serializer and deserializer of bluegreen messages, for Kafka clients that take a {@link Serde}. */
public final class AvroMessageSerde<T extends SpecificRecord> implements Serde<T> {

    private final AvroMessageSerializer<T> serializer;
    private final AvroMessageDeserializer<T> deserializer;

    public AvroMessageSerde(MessageCodec codec, Class<T> type) {
        this.serializer = new AvroMessageSerializer<>(codec);
        this.deserializer = new AvroMessageDeserializer<>(codec, type);
    }

    @Override
    public Serializer<T> serializer() {
        return serializer;
    }

    @Override
    public Deserializer<T> deserializer() {
        return deserializer;
    }
}
