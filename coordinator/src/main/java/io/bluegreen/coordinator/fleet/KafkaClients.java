package io.bluegreen.coordinator.fleet;

import io.bluegreen.runtime.kafka.KafkaClientMeters;
import io.bluegreen.runtime.kafka.KafkaConnection;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;

import java.util.Map;

/**
 * Builds the coordinator's Kafka clients on the service's one {@link KafkaConnection} (bootstrap servers, TLS, SASL).
 * Every consumer reads committed records only: a decision is visible when its transaction commits, never half of it.
 * The consumers' and producers' Kafka metrics go to the service's registry through {@code meters}.
 */
public record KafkaClients(KafkaConnection connection, KafkaClientMeters meters) {

    public KafkaClients(KafkaConnection connection) {
        this(connection, KafkaClientMeters.none());
    }

    public KafkaConsumer<byte[], byte[]> consumer(String clientId, Map<String, Object> extra) {
        Map<String, Object> props = connection.with(Map.of(
                ConsumerConfig.CLIENT_ID_CONFIG, clientId,
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false,
                ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed",
                ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG, 10));
        props.putAll(extra);
        return meters.consumer(props, new ByteArrayDeserializer(), new ByteArrayDeserializer());
    }

    public KafkaProducer<byte[], byte[]> producer(String clientId, Map<String, Object> extra) {
        Map<String, Object> props = connection.with(Map.of(
                ProducerConfig.CLIENT_ID_CONFIG, clientId,
                ProducerConfig.ACKS_CONFIG, "all",
                ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true,
                ProducerConfig.LINGER_MS_CONFIG, 0));
        props.putAll(extra);
        return meters.producer(props, new ByteArraySerializer(), new ByteArraySerializer());
    }

    public Admin admin(String clientId) {
        return Admin.create(connection.with(Map.of(AdminClientConfig.CLIENT_ID_CONFIG, clientId)));
    }
}
