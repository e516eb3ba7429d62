package io.bluegreen.demo.fleet;

import io.bluegreen.schemas.Topics;
import io.bluegreen.schemas.common.ReplicatedDatabase;
import io.bluegreen.schemas.event.ReplicationEstablished;
import io.bluegreen.schemas.monitor.ReplicationLagMeasured;
import io.bluegreen.schemas.serde.MessageCodec;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The monitor of every upgrade in the fleet: while an upgrade whose {@code ReplicationEstablished} was read is in
 * REPLICATING (again after an aborted switchover), publishes for each of its databases a {@code ReplicationLagMeasured}
 * with lag 0, both sides reachable, the apply worker alive and no errors, at once and then every second, keyed by the
 * key of the event record it learned the upgrade from.
 */
final class SimulatedMonitor implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(SimulatedMonitor.class);
    static final Duration SAMPLE_INTERVAL = Duration.ofSeconds(1);

    private record Watched(byte[] key, List<String> databases) {
    }

    private final FleetFigures figures;
    private final KafkaProducer<byte[], byte[]> producer;
    private final Map<String, Watched> established = new ConcurrentHashMap<>();
    private final Map<String, Watched> replicating = new ConcurrentHashMap<>();
    private final ScheduledExecutorService clock = Executors.newSingleThreadScheduledExecutor(runnable -> {
        Thread thread = new Thread(runnable, "fleet-monitor");
        thread.setDaemon(true);
        return thread;
    });
    private final AtomicLong sendFailures = new AtomicLong();

    SimulatedMonitor(String bootstrapServers, FleetFigures figures) {
        this.figures = figures;
        this.producer = SimulatedAgents.producer(bootstrapServers, "fleet-monitor");
    }

    SimulatedMonitor start() {
        long every = SAMPLE_INTERVAL.toMillis();
        clock.scheduleAtFixedRate(this::sampleAll, every, every, TimeUnit.MILLISECONDS);
        return this;
    }

    /** Replication of the upgrade was established (its phase is REPLICATING): sample it until it leaves. */
    void established(ReplicationEstablished event, byte[] key) {
        Watched watched = new Watched(key, event.getDatabases().stream().map(ReplicatedDatabase::getDatabase).toList());
        established.put(event.getUpgradeId(), watched);
        replicating.put(event.getUpgradeId(), watched);
        sample(event.getUpgradeId(), watched);
    }

    /** The upgrade entered REPLICATING again (an aborted switchover): sample it again. */
    void reentered(String upgradeId) {
        Watched watched = established.get(upgradeId);
        if (watched != null && replicating.put(upgradeId, watched) == null) {
            sample(upgradeId, watched);
        }
    }

    /** The upgrade entered another phase than REPLICATING: no more samples; none ever again once it is finished. */
    void left(String upgradeId, boolean finished) {
        replicating.remove(upgradeId);
        if (finished) {
            established.remove(upgradeId);
        }
    }

    int watched() {
        return replicating.size();
    }

    long sendFailures() {
        return sendFailures.get();
    }

    private void sampleAll() {
        try {
            replicating.forEach(this::sample);
        } catch (RuntimeException e) {
            LOG.error("Lag samples could not be sent: {}", e.toString(), e);
        }
    }

    private void sample(String upgradeId, Watched watched) {
        for (String database : watched.databases()) {
            ReplicationLagMeasured sample = ReplicationLagMeasured.newBuilder().setUpgradeId(upgradeId)
                    .setOccurredAt(Instant.now()).setDatabase(database).setBlueReachable(true).setGreenReachable(true)
                    .setLagBytes(0L).setRetainedWalBytes(0L).setWalStatus("reserved").setSlotActive(true)
                    .setWorkerAlive(true).setApplyErrors(0L).setSyncErrors(0L).setLastMessageAgeMs(0L).build();
            producer.send(new ProducerRecord<>(Topics.LAG, watched.key(), MessageCodec.standard().encode(sample)),
                    (metadata, error) -> {
                        if (error == null) {
                            figures.lagSampleSent();
                            figures.inputAcknowledged(upgradeId, System.nanoTime(), System.currentTimeMillis());
                        } else {
                            sendFailures.incrementAndGet();
                            LOG.error("Could not send a lag sample of upgrade {}: {}", upgradeId, error.toString());
                        }
                    });
        }
    }

    @Override
    public void close() {
        clock.shutdownNow();
        producer.close(Duration.ofSeconds(5));
    }
}
