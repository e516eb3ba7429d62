package io.bluegreen.coordinator.fleet;

import io.bluegreen.schemas.Topics;
import io.bluegreen.schemas.monitor.ReplicationLagMeasured;
import io.bluegreen.schemas.serde.MessageCodec;
import io.bluegreen.schemas.serde.UndecodableMessageException;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndTimestamp;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Collectors;

/**
 * The latest lag sample of every database of every upgrade, as the monitor publishes them on {@code bluegreen.lag}:
 * what {@code GET /upgrades/{id}/lag} answers on any instance. A thread tails the topic from a few minutes back.
 */
public final class LagView implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(LagView.class);
    /** How far back the tail starts: a sample older than this says nothing about now. */
    static final Duration LOOK_BACK = Duration.ofMinutes(5);
    /** How long a database's last sample is kept: an upgrade that stopped replicating is forgotten after this. */
    static final Duration KEPT = Duration.ofHours(1);

    private final KafkaConsumer<byte[], byte[]> consumer;
    private final MessageCodec codec = MessageCodec.standard();
    private final Map<String, Map<String, ReplicationLagMeasured>> latest = new ConcurrentHashMap<>();
    private final Thread thread;
    private volatile boolean running = true;

    public LagView(KafkaClients clients, String instanceId) {
        this.consumer = clients.consumer("bluegreen-coordinator-lag-" + instanceId, Map.of("fetch.max.wait.ms", 500));
        this.thread = new Thread(this::run, "bluegreen-lag-view");
        this.thread.setDaemon(true);
    }

    public LagView start() {
        List<TopicPartition> partitions = consumer.partitionsFor(Topics.LAG, Duration.ofSeconds(30)).stream()
                .map(p -> new TopicPartition(p.topic(), p.partition())).toList();
        consumer.assign(partitions);
        long since = Instant.now().minus(LOOK_BACK).toEpochMilli();
        Map<TopicPartition, OffsetAndTimestamp> starts = consumer.offsetsForTimes(
                partitions.stream().collect(Collectors.toMap(p -> p, p -> since)), Duration.ofSeconds(30));
        for (TopicPartition partition : partitions) {
            OffsetAndTimestamp start = starts.get(partition);
            if (start == null) {
                consumer.seekToEnd(List.of(partition));
            } else {
                consumer.seek(partition, start.offset());
            }
        }
        thread.start();
        return this;
    }

    /** The latest sample per database of an upgrade, by database name. */
    public Map<String, ReplicationLagMeasured> latest(String upgradeId) {
        return new TreeMap<>(Optional.ofNullable(latest.get(upgradeId)).orElse(Map.of()));
    }

    /** Forgets the upgrades whose every sample is older than {@code before}: they stopped replicating. */
    void prune(Instant before) {
        latest.values().forEach(samples -> samples.values().removeIf(s -> s.getOccurredAt().isBefore(before)));
        latest.values().removeIf(Map::isEmpty);
    }

    private void run() {
        long nextPrune = System.nanoTime();
        try {
            while (running) {
                for (ConsumerRecord<byte[], byte[]> record : consumer.poll(Duration.ofMillis(500))) {
                    take(record);
                }
                if (System.nanoTime() > nextPrune) {
                    prune(Instant.now().minus(KEPT));
                    nextPrune = System.nanoTime() + Duration.ofMinutes(1).toNanos();
                }
            }
        } catch (WakeupException e) {
            if (running) {
                throw e;
            }
        } catch (RuntimeException e) {
            LOG.error("The lag view stopped: {}", e.toString(), e);
        } finally {
            consumer.close();
        }
    }

    private void take(ConsumerRecord<byte[], byte[]> record) {
        SpecificRecord message;
        try {
            message = codec.decode(record);
        } catch (UndecodableMessageException e) {
            return; // the monitor's dead letters say why
        }
        if (message instanceof ReplicationLagMeasured sample) {
            latest.computeIfAbsent(sample.getUpgradeId(), id -> new ConcurrentHashMap<>())
                    .merge(sample.getDatabase(), sample, (old, now) -> now.getOccurredAt().isBefore(old.getOccurredAt()) ? old : now);
        }
    }

    @Override
    public void close() {
        running = false;
        consumer.wakeup();
        try {
            thread.join(5000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
