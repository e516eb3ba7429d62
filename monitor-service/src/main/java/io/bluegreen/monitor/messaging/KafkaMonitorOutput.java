package io.bluegreen.monitor.messaging;

import io.bluegreen.monitor.alert.AlertChange;
import io.bluegreen.monitor.lag.MonitorOutput;
import io.bluegreen.monitor.lag.ReplicationSample;
import io.bluegreen.schemas.Topics;
import io.bluegreen.schemas.monitor.AlertCleared;
import io.bluegreen.schemas.monitor.AlertRaised;
import io.bluegreen.schemas.monitor.ReplicationLagMeasured;
import io.bluegreen.schemas.serde.MessageCodec;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.charset.StandardCharsets;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Publishes samples to {@code bluegreen.lag} and alerts to {@code bluegreen.alerts}, keyed by the key of the
 * upgrade-events record the monitor learned the upgrade from (the upgrade's partition key: Blue's identifier or
 * host:port), so they land on the partition number of the coordinator that owns the upgrade, and one upgrade's
 * raise and clear stay in order. An upgrade learned otherwise (none today) falls back to its upgrade id.
 */
public final class KafkaMonitorOutput implements MonitorOutput {

    private static final Logger LOG = LoggerFactory.getLogger(KafkaMonitorOutput.class);
    private static final int REMEMBERED_KEYS = 100_000;

    private final Producer<byte[], byte[]> producer;
    private final MessageCodec codec = MessageCodec.standard();
    private final AtomicLong failedSends = new AtomicLong();
    private final Map<String, byte[]> partitionKeys = Collections.synchronizedMap(new LinkedHashMap<>(64, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, byte[]> eldest) {
            return size() > REMEMBERED_KEYS;
        }
    });

    public KafkaMonitorOutput(Producer<byte[], byte[]> producer) {
        this.producer = producer;
    }

    /** Samples and alerts of the upgrade go out with this key: the key of the events record it was learned from. */
    public void keyBy(String upgradeId, byte[] partitionKey) {
        if (partitionKey != null) {
            partitionKeys.put(upgradeId, partitionKey.clone());
        }
    }

    @Override
    public void sampled(ReplicationSample sample) {
        send(Topics.LAG, sample.upgradeId(), toMessage(sample));
    }

    @Override
    public void alert(AlertChange change) {
        send(Topics.ALERTS, change.upgradeId(), toMessage(change));
    }

    public void flush() {
        producer.flush();
    }

    static ReplicationLagMeasured toMessage(ReplicationSample sample) {
        var slot = sample.slotStatus();
        var subscription = sample.subscriptionStatus();
        return ReplicationLagMeasured.newBuilder()
                .setUpgradeId(sample.upgradeId())
                .setOccurredAt(sample.occurredAt())
                .setDatabase(sample.database())
                .setBlueReachable(sample.blueReachable())
                .setGreenReachable(sample.greenReachable())
                .setLagBytes(slot == null ? null : slot.lagBytes())
                .setRetainedWalBytes(slot == null ? null : slot.retainedWalBytes())
                .setWalStatus(slot == null ? null : slot.walStatus())
                .setSafeWalSizeBytes(slot == null ? null : slot.safeWalSizeBytes())
                .setSlotActive(slot != null && slot.active())
                .setWorkerAlive(subscription != null && subscription.workerAlive())
                .setReceivedLsn(subscription == null ? null : subscription.receivedLsn())
                .setLatestEndLsn(subscription == null ? null : subscription.latestEndLsn())
                .setLastMessageAgeMs(subscription == null ? null : subscription.lastMessageAgeMs())
                .setApplyErrors(subscription == null ? null : subscription.applyErrors())
                .setSyncErrors(subscription == null ? null : subscription.syncErrors())
                .setTableStates(sample.tablesNotReady())
                .setBlueSchemaFingerprint(sample.blueFingerprint())
                .setGreenSchemaFingerprint(sample.greenFingerprint())
                .build();
    }

    static SpecificRecord toMessage(AlertChange change) {
        if (change instanceof AlertChange.Raised raised) {
            return AlertRaised.newBuilder()
                    .setUpgradeId(raised.upgradeId())
                    .setOccurredAt(raised.occurredAt())
                    .setAlertId(raised.alertId())
                    .setKind(raised.key().kind())
                    .setSeverity(raised.severity())
                    .setDatabase(raised.key().database())
                    .setValue(raised.value())
                    .setThreshold(raised.threshold())
                    .setMessage(raised.message())
                    .build();
        }
        AlertChange.Cleared cleared = (AlertChange.Cleared) change;
        return AlertCleared.newBuilder()
                .setUpgradeId(cleared.upgradeId())
                .setOccurredAt(cleared.occurredAt())
                .setAlertId(cleared.alertId())
                .setKind(cleared.key().kind())
                .setDatabase(cleared.key().database())
                .setValue(cleared.value())
                .build();
    }

    private void send(String topic, String upgradeId, SpecificRecord message) {
        byte[] key = partitionKeys.getOrDefault(upgradeId, upgradeId.getBytes(StandardCharsets.UTF_8));
        producer.send(new ProducerRecord<>(topic, key, codec.encode(message)),
                (metadata, error) -> {
                    if (error != null && failedSends.getAndIncrement() % 100 == 0) {
                        LOG.error("Could not publish {} for upgrade {} to {} ({} failed so far): {}",
                                message.getSchema().getName(), upgradeId, topic, failedSends.get(), error.toString());
                    }
                });
    }
}
