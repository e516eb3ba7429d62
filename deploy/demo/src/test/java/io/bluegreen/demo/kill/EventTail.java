package io.bluegreen.demo.kill;

import io.bluegreen.schemas.Topics;
import io.bluegreen.schemas.serde.MessageCodec;
import io.bluegreen.schemas.serde.UndecodableMessageException;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;

/**
 * Reads {@code bluegreen.upgrade.events} from the beginning as an auditor would (read_committed, no consumer group),
 * keeps every upgrade's events in order and hands each new one to the upgrade's listener on the tail's own thread.
 * Survives a broker restart: the consumer reconnects by itself.
 */
final class EventTail implements AutoCloseable {

    private final MessageCodec codec = MessageCodec.standard();
    private final Map<String, List<SpecificRecord>> events = new ConcurrentHashMap<>();
    private final Map<String, Consumer<SpecificRecord>> listeners = new ConcurrentHashMap<>();
    private final List<String> undecodable = new CopyOnWriteArrayList<>();
    private final KafkaConsumer<byte[], byte[]> consumer;
    private final Thread thread;
    private volatile boolean running = true;

    EventTail(String bootstrapServers) {
        consumer = new KafkaConsumer<>(Map.of("bootstrap.servers", bootstrapServers, "isolation.level", "read_committed",
                "enable.auto.commit", "false", "client.id", "kill-matrix-event-tail", "fetch.max.wait.ms", "50"),
                new ByteArrayDeserializer(), new ByteArrayDeserializer());
        List<TopicPartition> partitions = consumer.partitionsFor(Topics.UPGRADE_EVENTS, Duration.ofSeconds(60)).stream()
                .map(p -> new TopicPartition(p.topic(), p.partition())).toList();
        consumer.assign(partitions);
        consumer.seekToBeginning(partitions);
        thread = new Thread(this::run, "kill-matrix-event-tail");
        thread.setDaemon(true);
        thread.start();
    }

    /** Calls {@code listener} with each event of {@code upgradeId} from now on (and with those already read). */
    void listen(String upgradeId, Consumer<SpecificRecord> listener) {
        synchronized (this) {
            listeners.put(upgradeId, listener);
            events(upgradeId).forEach(listener);
        }
    }

    /** Stops calling the upgrade's listener. */
    void forget(String upgradeId) {
        synchronized (this) {
            listeners.remove(upgradeId);
        }
    }

    /** The upgrade's events read so far, in their order on the topic. */
    List<SpecificRecord> events(String upgradeId) {
        return List.copyOf(events.getOrDefault(upgradeId, List.of()));
    }

    List<String> undecodable() {
        return List.copyOf(undecodable);
    }

    private void run() {
        try {
            while (running) {
                for (ConsumerRecord<byte[], byte[]> record : consumer.poll(Duration.ofMillis(200))) {
                    SpecificRecord event;
                    try {
                        event = codec.decode(record);
                    } catch (UndecodableMessageException e) {
                        undecodable.add(record.partition() + "@" + record.offset() + ": " + e.getMessage());
                        continue;
                    }
                    String upgradeId = String.valueOf(((GenericRecord) event).get("upgradeId"));
                    synchronized (this) {
                        events.computeIfAbsent(upgradeId, id -> new CopyOnWriteArrayList<>()).add(event);
                        Consumer<SpecificRecord> listener = listeners.get(upgradeId);
                        if (listener != null) {
                            listener.accept(event);
                        }
                    }
                }
            }
        } catch (WakeupException stopping) {
            // closed
        } finally {
            consumer.close(Duration.ofSeconds(2));
        }
    }

    @Override
    public void close() throws InterruptedException {
        running = false;
        consumer.wakeup();
        thread.join(10_000);
    }
}
