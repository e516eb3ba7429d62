package io.bluegreen.runtime.micronaut;

import io.bluegreen.runtime.kafka.KafkaConnection;
import io.micronaut.context.annotation.Factory;
import io.micronaut.context.env.Environment;
import jakarta.inject.Singleton;

import java.util.HashMap;
import java.util.Map;

/**
 * The one {@link KafkaConnection} of a service, for every Kafka client it builds by hand (the agents' runtime, the
 * coordinator's loop and views, the monitor's readers, topic creation): read from {@code kafka.*} the way Micronaut
 * Kafka reads the settings of its own clients (values as the configuration gives them, converted to text), so both
 * kinds of client connect alike; {@link KafkaConnection} says which keys belong to the connection.
 */
@Factory
public class KafkaConnectionFactory {

    @Singleton
    KafkaConnection kafkaConnection(Environment environment) {
        Map<String, Object> properties = new HashMap<>();
        environment.getProperties(KafkaConnection.PREFIX).forEach((name, value) -> {
            if (value != null && KafkaConnection.isConnectionSetting(name)) {
                properties.put(name, environment.convert(value, String.class).map(Object.class::cast).orElse(value));
            }
        });
        return KafkaConnection.fromConfiguration(properties);
    }
}
