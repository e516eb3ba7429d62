package io.bluegreen.monitor.messaging;

import io.bluegreen.monitor.alert.AlertKey;
import io.bluegreen.monitor.alert.OpenAlerts;
import io.bluegreen.runtime.kafka.KafkaClientMeters;
import io.bluegreen.runtime.kafka.KafkaConnection;
import io.bluegreen.schemas.Topics;
import io.bluegreen.schemas.serde.MessageCodec;
import io.bluegreen.schemas.serde.UndecodableMessageException;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.utils.Utils;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Reads the alerts still open for some upgrades from {@code bluegreen.alerts} (only the partitions their partition
 * keys hash to, from the beginning to the current end; alerts are keyed like the upgrade's events), so a monitor that takes an upgrade over clears the alerts
 * an earlier instance raised, with their ids, and does not raise them again.
 */
public final class AlertHistory {

    private static final Logger LOG = LoggerFactory.getLogger(AlertHistory.class);

    private final Map<String, Object> consumerConfig;
    private final Duration timeout;
    private final KafkaClientMeters meters;

    /** @param meters binds each reader's Kafka metrics to the service's registry while it reads */
    public AlertHistory(KafkaConnection kafka, Duration timeout, KafkaClientMeters meters) {
        this.meters = meters;
        this.consumerConfig = kafka.with(Map.of(
                ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName(),
                ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName(),
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false",
                ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed",
                ConsumerConfig.CLIENT_ID_CONFIG, "bluegreen-monitor-alert-history"));
        this.timeout = timeout;
    }

    /** @param partitionKeys upgrade id -> the key its events (and so its alerts) are written with */
    public OpenAlerts open(Map<String, byte[]> partitionKeys) {
        OpenAlerts open = new OpenAlerts();
        Set<String> upgradeIds = partitionKeys.keySet();
        if (upgradeIds.isEmpty()) {
            return open;
        }
        long deadline = System.nanoTime() + timeout.toNanos();
        try (KafkaConsumer<byte[], byte[]> consumer = meters.consumer(consumerConfig, new ByteArrayDeserializer(),
                new ByteArrayDeserializer())) {
            List<PartitionInfo> infos = consumer.partitionsFor(Topics.ALERTS, timeout);
            if (infos == null || infos.isEmpty()) {
                return open;
            }
            int count = infos.size();
            Set<TopicPartition> partitions = partitionKeys.values().stream()
                    .map(key -> new TopicPartition(Topics.ALERTS, Utils.toPositive(Utils.murmur2(key)) % count))
                    .collect(Collectors.toSet());
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<TopicPartition, Long> ends = new HashMap<>(consumer.endOffsets(partitions, timeout));
            while (!ends.isEmpty() && System.nanoTime() < deadline) {
                for (ConsumerRecord<byte[], byte[]> record : consumer.poll(Duration.ofMillis(200))) {
                    try {
                        SpecificRecord alert = MessageCodec.standard().decode(record);
                        if (upgradeIds.contains(String.valueOf(((GenericRecord) alert).get("upgradeId")))) {
                            open.apply(alert);
                        }
                    } catch (UndecodableMessageException e) {
                        LOG.warn("Skipping an alert record that cannot be decoded: {}", e.getMessage());
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
    public Map<AlertKey, String> open(String upgradeId, byte[] partitionKey) {
        return open(Map.of(upgradeId, partitionKey)).of(upgradeId);
    }
}
