package io.bluegreen.monitor.messaging;

import io.bluegreen.monitor.alert.OpenAlerts;
import io.bluegreen.monitor.lag.ReplicationMonitor;
import io.bluegreen.monitor.lag.WatchFold;
import io.bluegreen.monitor.lag.WatchedUpgrade;
import io.bluegreen.schemas.Topics;
import io.bluegreen.runtime.kafka.DeadLetterReason;
import io.bluegreen.runtime.kafka.DeadLetters;
import io.bluegreen.runtime.kafka.KafkaClientMeters;
import io.bluegreen.runtime.kafka.KafkaConnection;
import io.bluegreen.schemas.serde.MessageCodec;
import io.bluegreen.schemas.serde.UndecodableMessageException;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Learns which upgrades to watch from {@code bluegreen.upgrade.events}, the source of truth.
 *
 * <p>Instances share a consumer group, so each watches the upgrades of the partitions it holds. When a partition
 * is assigned it is folded from the beginning ({@link WatchFold}); only once the fold has reached the end the
 * partition had at assignment are its upgrades watched (so an upgrade that has since completed is never
 * sampled), with the alerts still open for them ({@link AlertHistory}). Later events apply at once. A revoked
 * or lost partition's upgrades are unwatched. No offsets are committed: the fold always starts from the
 * beginning. Events are read committed only (the coordinator writes them in transactions). Samples and alerts of an
 * upgrade are keyed by the key of the events record that started its watch. A record that cannot be decoded or
 * understood goes to the dead-letter topic.
 */
public final class UpgradeEventsConsumer implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(UpgradeEventsConsumer.class);
    static final String HANDLER = "monitor-service/upgrade-events";

    /** The fold of one partition, and the end offset it must reach before its upgrades are watched. */
    private static final class PartitionFold {
        final Map<String, WatchedUpgrade> active = new LinkedHashMap<>();
        /** The key of the events record each active upgrade was learned from. */
        final Map<String, byte[]> partitionKeys = new HashMap<>();
        long loadUntil;
        boolean live;
    }

    private final Map<String, Object> config;
    private final ReplicationMonitor monitor;
    private final AlertHistory alertHistory;
    private final Producer<byte[], byte[]> deadLetters;
    private final KafkaMonitorOutput output;
    private final KafkaClientMeters meters;
    private final Map<TopicPartition, PartitionFold> folds = new HashMap<>();
    private final Thread thread;
    private volatile Consumer<byte[], byte[]> consumer;
    private volatile boolean running = true;

    public UpgradeEventsConsumer(KafkaConnection kafka, String groupId, ReplicationMonitor monitor,
                                 AlertHistory alertHistory, Producer<byte[], byte[]> deadLetters,
                                 KafkaMonitorOutput output, KafkaClientMeters meters) {
        this.meters = meters;
        this.config = kafka.with(Map.of(
                ConsumerConfig.GROUP_ID_CONFIG, groupId,
                ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName(),
                ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName(),
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false",
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest",
                ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed",
                ConsumerConfig.CLIENT_ID_CONFIG, groupId + "-events"));
        this.monitor = monitor;
        this.alertHistory = alertHistory;
        this.deadLetters = deadLetters;
        this.output = output;
        this.thread = new Thread(this::run, "bluegreen-monitor-events");
        this.thread.setDaemon(true);
    }

    public void start() {
        thread.start();
    }

    private void run() {
        try (KafkaConsumer<byte[], byte[]> kafka = meters.consumer(config, new ByteArrayDeserializer(),
                new ByteArrayDeserializer())) {
            consumer = kafka;
            kafka.subscribe(List.of(Topics.UPGRADE_EVENTS), new Rebalance());
            while (running) {
                for (ConsumerRecord<byte[], byte[]> record : kafka.poll(Duration.ofMillis(250))) {
                    handle(record);
                }
                goLiveWhereLoaded();
            }
        } catch (WakeupException e) {
            if (running) {
                LOG.error("Upgrade events consumer woken up unexpectedly", e);
            }
        } catch (RuntimeException e) {
            LOG.error("Upgrade events consumer stopped: no upgrade is picked up or released until restart", e);
        } finally {
            folds.values().forEach(fold -> fold.active.keySet().forEach(id -> monitor.unwatch(id, "monitor stopping")));
            folds.clear();
        }
    }

    private void handle(ConsumerRecord<byte[], byte[]> record) {
        TopicPartition partition = new TopicPartition(record.topic(), record.partition());
        PartitionFold fold = folds.get(partition);
        if (fold == null) {
            return; // revoked in the meantime
        }
        WatchFold.Change change;
        try {
            SpecificRecord event = MessageCodec.standard().decode(record);
            change = WatchFold.apply(event);
        } catch (UndecodableMessageException e) {
            LOG.error("Upgrade event at {}-{}@{} cannot be decoded ({}): sent to {}", record.topic(), record.partition(),
                    record.offset(), e.getMessage(), Topics.DEAD_LETTER);
            deadLetters.send(DeadLetters.of(record, e, HANDLER));
            return;
        } catch (RuntimeException e) {
            LOG.error("Upgrade event at {}-{}@{} cannot be watched ({}): sent to {}", record.topic(), record.partition(),
                    record.offset(), e.getMessage(), Topics.DEAD_LETTER);
            deadLetters.send(DeadLetters.of(record, DeadLetterReason.HANDLER_FAILED, e, HANDLER));
            return;
        }
        if (change instanceof WatchFold.Change.Watch watch) {
            String upgradeId = watch.upgrade().upgradeId();
            byte[] key = record.key() == null ? upgradeId.getBytes(StandardCharsets.UTF_8) : record.key();
            output.keyBy(upgradeId, key);
            fold.partitionKeys.put(upgradeId, key);
            fold.active.put(upgradeId, watch.upgrade());
            if (fold.live) {
                monitor.watch(watch.upgrade(), Map.of());
            }
        } else if (change instanceof WatchFold.Change.Unwatch unwatch) {
            fold.active.remove(unwatch.upgradeId());
            fold.partitionKeys.remove(unwatch.upgradeId());
            if (fold.live) {
                monitor.unwatch(unwatch.upgradeId(), unwatch.why());
            }
        }
    }

    private void goLiveWhereLoaded() {
        for (Map.Entry<TopicPartition, PartitionFold> entry : folds.entrySet()) {
            PartitionFold fold = entry.getValue();
            if (!fold.live && consumer.position(entry.getKey()) >= fold.loadUntil) {
                fold.live = true;
                OpenAlerts open = alertHistory.open(fold.partitionKeys);
                fold.active.values().forEach(upgrade -> monitor.watch(upgrade, open.of(upgrade.upgradeId())));
                LOG.info("Partition {} folded up to offset {}: watching {} upgrade(s)", entry.getKey(), fold.loadUntil,
                        fold.active.size());
            }
        }
    }

    private final class Rebalance implements ConsumerRebalanceListener {

        @Override
        public void onPartitionsRevoked(Collection<TopicPartition> partitions) {
            release(partitions, "partition revoked");
        }

        @Override
        public void onPartitionsLost(Collection<TopicPartition> partitions) {
            release(partitions, "partition lost");
        }

        @Override
        public void onPartitionsAssigned(Collection<TopicPartition> partitions) {
            if (partitions.isEmpty()) {
                return;
            }
            consumer.seekToBeginning(partitions);
            Map<TopicPartition, Long> ends = consumer.endOffsets(partitions);
            for (TopicPartition partition : partitions) {
                PartitionFold fold = new PartitionFold();
                fold.loadUntil = ends.getOrDefault(partition, 0L);
                folds.put(partition, fold);
            }
            LOG.info("Assigned {}: folding from the beginning", partitions);
        }

        private void release(Collection<TopicPartition> partitions, String why) {
            for (TopicPartition partition : partitions) {
                PartitionFold fold = folds.remove(partition);
                if (fold != null) {
                    fold.active.keySet().forEach(id -> monitor.unwatch(id, why));
                }
            }
            // alerts raised so far must be on the topic before another instance reads them
            output.flush();
        }
    }

    @Override
    public void close() {
        running = false;
        Consumer<byte[], byte[]> current = consumer;
        if (current != null) {
            current.wakeup();
        }
        try {
            thread.join(10_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
