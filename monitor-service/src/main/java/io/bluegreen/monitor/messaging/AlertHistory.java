package io.bluegreen.monitor.messaging;

import io.bluegreen.monitor.alert.AlertKey;
import io.bluegreen.monitor.alert.OpenAlerts;
import io.bluegreen.schemas.Topics;
import io.bluegreen.schemas.serde.MessageCodec;
import io.bluegreen.schemas.serde.UndecodableMessageException;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.utils.Utils;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Reads the alerts still open for some upgrades from {@code bluegreen.alerts} (only the partitions their keys
 * hash to, from the beginning to the current end), so a monitor that takes an upgrade over clears the alerts
 * an earlier instance raised, with their ids, and does not raise them again.
 */
public final class AlertHistory {

    private static final Logger LOG = LoggerFactory.getLogger(AlertHistory.class);

    private final Map<String, Object> consumerConfig;
    private final Duration timeout;

    public AlertHistory(String bootstrapServers, Duration timeout) {
        this.consumerConfig = Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
                ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName(),
                ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName(),
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false",
                ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed",
                ConsumerConfig.CLIENT_ID_CONFIG, "bluegreen-monitor-alert-history");
        this.timeout = timeout;
    }

    public OpenAlerts open(Set<String> upgradeIds) {
        OpenAlerts open = new OpenAlerts();
        if (upgradeIds.isEmpty()) {
            return open;
        }
        long deadline = System.nanoTime() + timeout.toNanos();
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(consumerConfig)) {
            List<PartitionInfo> infos = consumer.partitionsFor(Topics.ALERTS, timeout);
            if (infos == null || infos.isEmpty()) {
                return open;
            }
            int count = infos.size();
            Set<TopicPartition> partitions = upgradeIds.stream()
                    .map(id -> new TopicPartition(Topics.ALERTS,
                            Utils.toPositive(Utils.murmur2(id.getBytes(StandardCharsets.UTF_8))) % count))
                    .collect(Collectors.toSet());
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<TopicPartition, Long> ends = new HashMap<>(consumer.endOffsets(partitions, timeout));
            while (!ends.isEmpty() && System.nanoTime() < deadline) {
                for (ConsumerRecord<byte[], byte[]> record : consumer.poll(Duration.ofMillis(200))) {
                    String key = record.key() == null ? null : new String(record.key(), StandardCharsets.UTF_8);
                    if (key != null && upgradeIds.contains(key)) {
                        try {
                            open.apply(MessageCodec.standard().decode(record));
                        } catch (UndecodableMessageException e) {
                            LOG.warn("Skipping an alert record that cannot be decoded: {}", e.getMessage());
                        }
                    }
                }
                ends.entrySet().removeIf(end -> consumer.position(end.getKey()) >= end.getValue());
            }
            if (!ends.isEmpty()) {
                LOG.warn("Read the alert history of {} only partly within {} ms: open alerts of partitions {} may be "
                        + "raised again under new ids", upgradeIds, timeout.toMillis(), ends.keySet());
            }
        } catch (RuntimeException e) {
            LOG.warn("Could not read the alert history of {} ({}): alerts still open may be raised again under new ids",
                    upgradeIds, e.toString());
        }
        return open;
    }

    /** For tests and logs: the open alerts of one upgrade. */
    public Map<AlertKey, String> open(String upgradeId) {
        return open(Set.of(upgradeId)).of(upgradeId);
    }
}
