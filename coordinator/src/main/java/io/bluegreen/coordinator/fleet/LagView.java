package io.bluegreen.coordinator.fleet;

import io.bluegreen.schemas.Topics;
import io.bluegreen.schemas.monitor.ReplicationLagMeasured;
import io.bluegreen.schemas.serde.MessageCodec;
import io.bluegreen.schemas.serde.UndecodableMessageException;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The lag samples of every database of every upgrade, as the monitor publishes them on {@code bluegreen.lag}: the
 * latest one ({@code GET /upgrades/{id}/lag} on any instance) and a short history of each database's lag
 * ({@code GET /upgrades/{id}/lag/history}, the web view's chart): at most {@link #HISTORY_POINTS} points, none older
 * than {@link #HISTORY} behind the newest. A thread tails the topic from {@link #LOOK_BACK} back, so an instance that
 * starts has the last few minutes at once.
 */
public final class LagView implements AutoCloseable {

    /** How far back the tail starts: a sample older than this says nothing about now. */
    static final Duration LOOK_BACK = Duration.ofMinutes(5);
    /** How long a database's last sample is kept: an upgrade that stopped replicating is forgotten after this. */
    static final Duration KEPT = Duration.ofHours(1);
    /** How much of a database's lag the history spans at most. */
    public static final Duration HISTORY = Duration.ofMinutes(15);
    /** How many points of a database's lag the history keeps at most (15 minutes at the monitor's default 5 s). */
    public static final int HISTORY_POINTS = 180;

    /** One point of a database's lag history; {@code lagBytes} is null when it could not be measured. */
    public record Point(Instant at, Long lagBytes) {
    }

    private final TopicTailer tail;
    private final MessageCodec codec = MessageCodec.standard();
    private final LagSamples samples = new LagSamples(HISTORY_POINTS, HISTORY);
    private long nextPrune = System.nanoTime();

    public LagView(KafkaClients clients, String instanceId) {
        this.tail = new TopicTailer(clients.consumer("bluegreen-coordinator-lag-" + instanceId, Map.of("fetch.max.wait.ms", 500)),
                Topics.LAG, "bluegreen-lag-view", Duration.ofMillis(500), this::take, this::polled);
    }

    public LagView start() {
        tail.start(Optional.of(Instant.now().minus(LOOK_BACK)));
        return this;
    }

    /** The latest sample per database of an upgrade, by database name. */
    public Map<String, ReplicationLagMeasured> latest(String upgradeId) {
        return samples.latest(upgradeId);
    }

    /** The lag history per database of an upgrade, by database name, oldest point first. */
    public Map<String, List<Point>> history(String upgradeId) {
        return samples.history(upgradeId);
    }

    private void polled(KafkaConsumer<byte[], byte[]> consumer) {
        if (System.nanoTime() > nextPrune) {
            samples.prune(Instant.now().minus(KEPT));
            nextPrune = System.nanoTime() + Duration.ofMinutes(1).toNanos();
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
            samples.add(sample);
        }
    }

    @Override
    public void close() {
        tail.close();
    }
}
