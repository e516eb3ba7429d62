package io.bluegreen.coordinator.messaging;

import io.bluegreen.coordinator.saga.Outbound;
import io.bluegreen.schemas.Topics;
import io.bluegreen.schemas.serde.MessageCodec;
import io.bluegreen.schemas.serde.UndecodableMessageException;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

/**
 * The coordinator's only storage: {@code bluegreen.upgrade.events}. Appends events (acknowledged by all
 * replicas before anything else happens), publishes commands, and reads the whole history back at start-up.
 * Events are written before the commands they dispatch; after a crash in between, the pending dispatches in
 * the replayed state are sent again with the same command ids, and the agents answer them once.
 */
public final class EventLog implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(EventLog.class);

    private final String bootstrapServers;
    private final KafkaProducer<byte[], byte[]> producer;
    private final MessageCodec codec = MessageCodec.standard();

    public EventLog(String bootstrapServers) {
        this.bootstrapServers = bootstrapServers;
        this.producer = new KafkaProducer<>(Map.of("bootstrap.servers", bootstrapServers, "acks", "all",
                "enable.idempotence", "true", "client.id", "bluegreen-coordinator-events"),
                new ByteArraySerializer(), new ByteArraySerializer());
    }

    public void append(String upgradeId, List<SpecificRecord> events) {
        List<Future<?>> sent = new ArrayList<>();
        for (SpecificRecord event : events) {
            sent.add(producer.send(new ProducerRecord<>(Topics.UPGRADE_EVENTS, key(upgradeId), codec.encode(event))));
        }
        await(sent, Topics.UPGRADE_EVENTS);
    }

    public void publish(String upgradeId, List<Outbound> commands) {
        List<Future<?>> sent = new ArrayList<>();
        for (Outbound command : commands) {
            sent.add(producer.send(new ProducerRecord<>(command.topic(), key(upgradeId), codec.encode(command.command()))));
        }
        await(sent, "the command topics");
    }

    /** Every upgrade's events, in order, from the beginning of the topic. */
    public Map<String, List<SpecificRecord>> readHistory() {
        Map<String, List<SpecificRecord>> history = new LinkedHashMap<>();
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(Map.of("bootstrap.servers", bootstrapServers,
                "enable.auto.commit", "false", "client.id", "bluegreen-coordinator-replay"),
                new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            List<TopicPartition> partitions = consumer.partitionsFor(Topics.UPGRADE_EVENTS, Duration.ofSeconds(30)).stream()
                    .map(p -> new TopicPartition(p.topic(), p.partition())).toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<TopicPartition, Long> end = consumer.endOffsets(partitions);
            int read = 0;
            while (partitions.stream().anyMatch(p -> consumer.position(p) < end.get(p))) {
                for (ConsumerRecord<byte[], byte[]> record : consumer.poll(Duration.ofMillis(500))) {
                    try {
                        SpecificRecord event = codec.decode(record);
                        String upgradeId = String.valueOf(((GenericRecord) event).get("upgradeId"));
                        history.computeIfAbsent(upgradeId, k -> new ArrayList<>()).add(event);
                        read++;
                    } catch (UndecodableMessageException e) {
                        LOG.error("Skipping an event the coordinator cannot read while replaying: {}", e.getMessage());
                    }
                }
            }
            LOG.info("Replayed {} events of {} upgrades from {}", read, history.size(), Topics.UPGRADE_EVENTS);
        }
        return history;
    }

    private static byte[] key(String upgradeId) {
        return upgradeId.getBytes(StandardCharsets.UTF_8);
    }

    private static void await(List<Future<?>> sent, String where) {
        try {
            for (Future<?> future : sent) {
                future.get(30, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted while writing to " + where, e);
        } catch (Exception e) {
            throw new IllegalStateException("Could not write to " + where + ": " + e.getMessage(), e);
        }
    }

    @Override
    public void close() {
        producer.close(Duration.ofSeconds(5));
    }
}
