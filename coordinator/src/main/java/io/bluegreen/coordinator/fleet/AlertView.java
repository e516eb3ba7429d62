package io.bluegreen.coordinator.fleet;

import io.bluegreen.schemas.Topics;
import io.bluegreen.schemas.monitor.AlertCleared;
import io.bluegreen.schemas.monitor.AlertRaised;
import io.bluegreen.schemas.serde.MessageCodec;
import io.bluegreen.schemas.serde.UndecodableMessageException;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.consumer.ConsumerRecord;

import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The alerts still open of every upgrade, as {@code bluegreen.alerts} says (the monitor's and the coordinator's):
 * an {@code AlertRaised} opens its id, the {@code AlertCleared} with the same id closes it. What
 * {@code GET /upgrades/{id}/alerts} answers on any instance. A thread tails the topic from the beginning; only the
 * open alerts are kept.
 */
public final class AlertView implements AutoCloseable {

    /** The fold: open alerts by upgrade, then by alert id. Pure. */
    static final class OpenAlerts {
        private final Map<String, Map<String, AlertRaised>> byUpgrade = new ConcurrentHashMap<>();

        void apply(SpecificRecord message) {
            if (message instanceof AlertRaised raised) {
                byUpgrade.computeIfAbsent(raised.getUpgradeId(), id -> new ConcurrentHashMap<>())
                        .put(raised.getAlertId(), raised);
            } else if (message instanceof AlertCleared cleared) {
                Map<String, AlertRaised> open = byUpgrade.get(cleared.getUpgradeId());
                if (open != null) {
                    open.remove(cleared.getAlertId());
                    if (open.isEmpty()) {
                        byUpgrade.remove(cleared.getUpgradeId(), open);
                    }
                }
            }
        }

        /** The open alerts of an upgrade, the oldest first. */
        List<AlertRaised> of(String upgradeId) {
            return Optional.ofNullable(byUpgrade.get(upgradeId)).map(Map::values).stream().flatMap(v -> v.stream())
                    .sorted(Comparator.comparing(AlertRaised::getOccurredAt).thenComparing(AlertRaised::getAlertId))
                    .toList();
        }
    }

    private final TopicTailer tail;
    private final MessageCodec codec = MessageCodec.standard();
    private final OpenAlerts open = new OpenAlerts();

    public AlertView(KafkaClients clients, String instanceId) {
        this.tail = new TopicTailer(clients.consumer("bluegreen-coordinator-alerts-" + instanceId, Map.of("fetch.max.wait.ms", 500)),
                Topics.ALERTS, "bluegreen-alert-view", Duration.ofMillis(500), this::take, consumer -> { });
    }

    public AlertView start() {
        tail.start(Optional.empty());
        return this;
    }

    /** The open alerts of an upgrade, the oldest first. */
    public List<AlertRaised> open(String upgradeId) {
        return open.of(upgradeId);
    }

    private void take(ConsumerRecord<byte[], byte[]> record) {
        try {
            open.apply(codec.decode(record));
        } catch (UndecodableMessageException e) {
            // the dead-letter topic says why; an alert this instance cannot read is not shown
        }
    }

    @Override
    public void close() {
        tail.close();
    }
}
