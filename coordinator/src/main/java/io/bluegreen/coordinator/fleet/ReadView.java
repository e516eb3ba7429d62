package io.bluegreen.coordinator.fleet;

import io.bluegreen.coordinator.saga.UpgradeState;
import io.bluegreen.schemas.Topics;
import io.bluegreen.schemas.common.UpgradePhase;
import io.bluegreen.schemas.event.PhaseEntered;
import io.bluegreen.schemas.event.UpgradeRequested;
import io.bluegreen.schemas.serde.MessageCodec;
import io.bluegreen.schemas.serde.UndecodableMessageException;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ListOffsetsOptions;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.IsolationLevel;
import org.apache.kafka.common.TopicPartition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Collectors;

/**
 * Every upgrade of every partition, as the committed event log says: what the REST API of any coordinator answers
 * from, and where a coordinator that is assigned a partition takes its upgrades from. A thread tails
 * {@code bluegreen.upgrade.events} (read committed) from the beginning. Each upgrade keeps its events encoded
 * (compact, decoded when its audit trail is asked for) and its state folded as they arrive, so a coordinator that
 * takes a partition over has its upgrades' states at once.
 */
public final class ReadView implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(ReadView.class);

    /** One upgrade's history. */
    public static final class Entry {
        private final String upgradeId;
        private final UpgradeKey key;
        private final int partition;
        private final List<byte[]> encoded = new ArrayList<>();
        private UpgradePhase phase = UpgradePhase.REQUESTED;
        private UpgradeState folded;

        Entry(String upgradeId, UpgradeKey key, int partition) {
            this.upgradeId = upgradeId;
            this.key = key;
            this.partition = partition;
        }

        public String upgradeId() {
            return upgradeId;
        }

        public UpgradeKey key() {
            return key;
        }

        public int partition() {
            return partition;
        }

        public synchronized UpgradePhase phase() {
            return phase;
        }

        public synchronized int size() {
            return encoded.size();
        }

        /** The upgrade's events, decoded. */
        public synchronized List<SpecificRecord> events() {
            MessageCodec codec = MessageCodec.standard();
            List<SpecificRecord> events = new ArrayList<>(encoded.size());
            for (byte[] bytes : encoded) {
                events.add(codec.decode(Topics.UPGRADE_EVENTS, bytes));
            }
            return events;
        }

        /** The fold of its events. */
        public synchronized UpgradeState state() {
            return folded;
        }

        synchronized void add(byte[] bytes, SpecificRecord event) {
            encoded.add(bytes);
            if (event instanceof PhaseEntered entered) {
                phase = entered.getPhase();
            }
            folded = UpgradeState.apply(folded, event);
        }
    }

    private final TopicTailer tail;
    private final Admin admin;
    private final Map<String, Entry> entries = new ConcurrentHashMap<>();
    private final Map<Integer, Long> positions = new ConcurrentHashMap<>();
    private final MessageCodec codec = MessageCodec.standard();
    private volatile List<TopicPartition> partitions = List.of();

    public ReadView(KafkaClients clients, String instanceId) {
        this.tail = new TopicTailer(clients.consumer("bluegreen-coordinator-view-" + instanceId, Map.of("max.poll.records", 2000)),
                Topics.UPGRADE_EVENTS, "bluegreen-read-view", Duration.ofMillis(200), this::take, this::polled);
        this.admin = clients.admin("bluegreen-coordinator-view-admin-" + instanceId);
    }

    /** Starts tailing and returns once the history as of now (everything committed) has been read. */
    public ReadView start(Duration timeout) {
        partitions = tail.start(Optional.empty());
        if (!awaitCommitted(partitions.stream().map(TopicPartition::partition).toList(), timeout)) {
            throw new IllegalStateException("The coordinator could not read " + Topics.UPGRADE_EVENTS + " to its end within "
                    + timeout + ": is Kafka reachable and the topic readable?");
        }
        LOG.info("Read the history of {} upgrades from {}", entries.size(), Topics.UPGRADE_EVENTS);
        return this;
    }

    private void polled(KafkaConsumer<byte[], byte[]> consumer) {
        for (TopicPartition tp : consumer.assignment()) {
            positions.put(tp.partition(), consumer.position(tp));
        }
        synchronized (this) {
            notifyAll();
        }
    }

    private void take(ConsumerRecord<byte[], byte[]> record) {
        SpecificRecord event;
        try {
            event = codec.decode(record);
        } catch (UndecodableMessageException e) {
            LOG.error("Skipping an event the coordinator cannot read: {}", e.getMessage());
            return;
        }
        String upgradeId = String.valueOf(((GenericRecord) event).get("upgradeId"));
        Entry entry = entries.get(upgradeId);
        if (entry == null) {
            if (!(event instanceof UpgradeRequested requested)) {
                LOG.error("Event {} at {}-{}@{} belongs to upgrade {} whose UpgradeRequested was never read; skipped",
                        event.getSchema().getName(), record.topic(), record.partition(), record.offset(), upgradeId);
                return;
            }
            entry = new Entry(upgradeId, UpgradeKey.of(requested.getPlan()), record.partition());
            entries.put(upgradeId, entry);
        }
        entry.add(record.value(), event);
    }

    /**
     * Waits until the view has read everything committed on the given partitions of the events topic as of now: a
     * read-your-writes barrier after a request, and what a new owner waits for before it takes a partition over.
     */
    public boolean awaitCommitted(Collection<Integer> partitionNumbers, Duration timeout) {
        Map<TopicPartition, OffsetSpec> query = partitionNumbers.stream().collect(Collectors.toMap(
                p -> new TopicPartition(Topics.UPGRADE_EVENTS, p), p -> OffsetSpec.latest()));
        Map<TopicPartition, Long> ends;
        try {
            ends = admin.listOffsets(query, new ListOffsetsOptions(IsolationLevel.READ_COMMITTED)).all()
                    .get(timeout.toMillis(), TimeUnit.MILLISECONDS).entrySet().stream()
                    .collect(Collectors.toMap(Map.Entry::getKey, e -> e.getValue().offset()));
        } catch (ExecutionException | TimeoutException e) {
            throw new IllegalStateException("Could not read the committed end of " + Topics.UPGRADE_EVENTS + ": "
                    + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
        return awaitPositions(ends, timeout);
    }

    /** Waits until the view holds at least {@code count} events of an upgrade (read-your-writes after a request). */
    public boolean awaitEvents(String upgradeId, int count, Duration timeout) {
        return await(() -> find(upgradeId).map(Entry::size).orElse(0) >= count, timeout);
    }

    /** Waits until the view has read every partition up to the given offsets (exclusive). */
    public boolean awaitPositions(Map<TopicPartition, Long> offsets, Duration timeout) {
        return await(() -> reached(offsets), timeout);
    }

    /** Waits, woken after each poll of the tail, until the condition holds, the timeout passes or the view stops. */
    private boolean await(java.util.function.BooleanSupplier condition, Duration timeout) {
        long until = System.nanoTime() + timeout.toNanos();
        synchronized (this) {
            while (!condition.getAsBoolean()) {
                long left = until - System.nanoTime();
                if (left <= 0 || !tail.running()) {
                    return false;
                }
                try {
                    wait(Math.max(1, left / 1_000_000));
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return false;
                }
            }
        }
        return true;
    }

    private boolean reached(Map<TopicPartition, Long> offsets) {
        return offsets.entrySet().stream().allMatch(e -> positions.getOrDefault(e.getKey().partition(), 0L) >= e.getValue());
    }

    /** The partitions of the events topic. */
    public List<TopicPartition> partitions() {
        return partitions;
    }

    public Optional<Entry> find(String upgradeId) {
        return Optional.ofNullable(entries.get(upgradeId));
    }

    public Collection<Entry> all() {
        return entries.values();
    }

    /** The upgrades whose events live on one partition. */
    public List<Entry> partition(int partition) {
        return entries.values().stream().filter(e -> e.partition() == partition).toList();
    }

    @Override
    public void close() {
        tail.close();
        admin.close(Duration.ofSeconds(5));
    }
}
