package io.bluegreen.coordinator.messaging;

import io.bluegreen.coordinator.saga.Outbound;
import io.bluegreen.schemas.Topics;
import io.bluegreen.runtime.kafka.AcknowledgedPublisher;
import io.bluegreen.schemas.serde.MessageCodec;
import io.bluegreen.schemas.serde.UndecodableMessageException;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The coordinator's only storage: {@code bluegreen.upgrade.events}. Appends events (acknowledged by all
 * replicas before anything else happens), publishes commands, and reads the whole history back at start-up.
 * Events are written before the commands they dispatch; after a crash in between, the pending dispatches in
 * the replayed state are sent again with the same command ids, and the agents answer them once.
 */
public final class EventLog implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(EventLog.class);

    private final String bootstrapServers;
    private final AcknowledgedPublisher publisher;
    private final MessageCodec codec = MessageCodec.standard();

    public EventLog(String bootstrapServers) {
        this.bootstrapServers = bootstrapServers;
        this.publisher = new AcknowledgedPublisher(bootstrapServers, "bluegreen-coordinator-events");
    }

    public void append(String upgradeId, List<SpecificRecord> events) {
        publisher.sendAll(events.stream().map(event -> new ProducerRecord<>(Topics.UPGRADE_EVENTS, key(upgradeId),
                codec.encode(event))).toList());
    }

    public void publish(String upgradeId, List<Outbound> commands) {
        publisher.sendAll(commands.stream().map(command -> new ProducerRecord<>(command.topic(), key(upgradeId),
                codec.encode(command.command()))).toList());
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

    @Override
    public void close() {
        publisher.close();
    }
}
