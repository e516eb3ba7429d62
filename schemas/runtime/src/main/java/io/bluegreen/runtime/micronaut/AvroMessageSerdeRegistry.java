package io.bluegreen.runtime.micronaut;

import io.bluegreen.schemas.serde.AvroMessageSerde;
import io.bluegreen.schemas.serde.MessageCodec;
import io.micronaut.configuration.kafka.serde.SerdeRegistry;
import io.micronaut.core.order.Ordered;
import jakarta.inject.Singleton;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.serialization.Serde;

/**
 * Makes Micronaut Kafka use the bluegreen Avro serde for every listener argument and client body whose type
 * is an Avro record ({@code SpecificRecord} itself accepts every bluegreen message).
 */
@Singleton
public class AvroMessageSerdeRegistry implements SerdeRegistry {

    @Override
    @SuppressWarnings({"unchecked", "rawtypes"})
    public <T> Serde<T> getSerde(Class<T> type) {
        if (SpecificRecord.class.isAssignableFrom(type)) {
            return (Serde<T>) new AvroMessageSerde(MessageCodec.standard(), type);
        }
        return null;
    }

    @Override
    public int getOrder() {
        return Ordered.HIGHEST_PRECEDENCE;
    }
}
