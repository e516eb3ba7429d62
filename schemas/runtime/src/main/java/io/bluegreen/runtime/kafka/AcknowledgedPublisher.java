package io.bluegreen.runtime.kafka;

import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * How every service writes to Kafka when what it writes must be stored before it moves on (an agent's answer
 * before its command's offset is committed, the coordinator's events before their commands): encoded bytes in,
 * idempotent, acknowledged by all in-sync replicas, and blocking until acknowledged. A failure throws, naming
 * the topic, so the caller does not commit and the input is handled again.
 */
public final class AcknowledgedPublisher implements AutoCloseable {

    private static final long ACK_TIMEOUT_SECONDS = 30;

    private final KafkaProducer<byte[], byte[]> producer;

    public AcknowledgedPublisher(KafkaConnection connection, String clientId) {
        this(connection, clientId, KafkaClientMeters.none());
    }

    /** @param meters binds the producer's Kafka metrics to the service's registry */
    public AcknowledgedPublisher(KafkaConnection connection, String clientId, KafkaClientMeters meters) {
        this.producer = meters.producer(connection.with(Map.of(
                ProducerConfig.ACKS_CONFIG, "all",
                ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true,
                ProducerConfig.CLIENT_ID_CONFIG, clientId,
                ProducerConfig.LINGER_MS_CONFIG, 0)),
                new ByteArraySerializer(), new ByteArraySerializer());
    }

    public void send(ProducerRecord<byte[], byte[]> record) {
        sendAll(List.of(record));
    }

    /** Sends every record (in order) and returns once all are acknowledged. */
    public void sendAll(List<ProducerRecord<byte[], byte[]>> records) {
        List<Future<?>> sent = new ArrayList<>(records.size());
        for (ProducerRecord<byte[], byte[]> record : records) {
            sent.add(producer.send(record));
        }
        for (int i = 0; i < sent.size(); i++) {
            String topic = records.get(i).topic();
            try {
                sent.get(i).get(ACK_TIMEOUT_SECONDS, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("Interrupted while writing to " + topic, e);
            } catch (ExecutionException | TimeoutException e) {
                throw new IllegalStateException("Could not write to " + topic + " (" + KafkaConnection.WHAT_TO_CHECK
                        + "): " + (e.getCause() == null ? e : e.getCause()).getMessage(), e);
            }
        }
    }

    @Override
    public void close() {
        producer.close(Duration.ofSeconds(5));
    }
}
