package io.bluegreen.coordinator.fleet;

import io.bluegreen.coordinator.saga.Saga;
import io.bluegreen.schemas.Topics;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerGroupMetadata;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.RangeAssignor;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.stream.Collectors;

/**
 * A coordinator instance's share of the fleet. Instances join one consumer group on the saga's inputs
 * ({@code bluegreen.results}, {@code bluegreen.lag}, {@code bluegreen.upgrade.requests}); the range assignor gives
 * one instance the same partition number of every input topic, and with it every upgrade keyed to that partition.
 * On assignment the instance fences the previous owner (its transactional id is the partition's), waits until its
 * {@link ReadView} has read everything committed on the partition, and takes the upgrades in progress from it. The
 * loop hands each poll's records to the partitions' own threads and polls again at once; each partition handles what
 * it was given in its own transactions ({@link OwnedPartition}). A partition with too much waiting is paused on the
 * consumer until it catches up. Before partitions are revoked, each partition finishes the transaction under way and
 * drops what it has not started: the range assignor's eager protocol forgets the consumer's positions, so those
 * records are fetched again from the committed offsets by whoever is assigned the partition next.
 *
 * <p>Any failure of the group or of a transaction ends the session: every partition is dropped, uncommitted state
 * with it, and the instance joins again and rebuilds from the committed log.
 */
public final class CoordinatorLoop implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(CoordinatorLoop.class);
    private static final Duration MAX_POLL_WAIT = Duration.ofMillis(100);
    private static final int MAX_POLL_RECORDS = 1000;
    /** Records waiting in a partition beyond which its inputs are paused until it catches up. */
    private static final int PAUSE_ABOVE = 2 * MAX_POLL_RECORDS;
    private static final Duration QUIESCE_TIMEOUT = Duration.ofSeconds(60);
    private static final List<String> INPUTS = List.of(Topics.RESULTS, Topics.LAG, Topics.REQUESTS);

    private final KafkaClients clients;
    private final FleetSettings settings;
    private final ReadView view;
    private final Saga saga;
    private final Clock clock;
    private final SagaMeters meters;
    private final ExecutorService workers;
    private final Map<Integer, OwnedPartition> owned = new ConcurrentHashMap<>();
    private final Thread thread;
    private volatile KafkaConsumer<byte[], byte[]> consumer;
    private volatile boolean running = true;

    public CoordinatorLoop(KafkaClients clients, FleetSettings settings, ReadView view, Saga saga, Clock clock,
                           int workerThreads, SagaMeters meters) {
        this.meters = meters;
        this.clients = clients;
        this.settings = settings;
        this.view = view;
        this.saga = saga;
        this.clock = clock;
        this.workers = Executors.newFixedThreadPool(workerThreads, r -> {
            Thread t = new Thread(r, "bluegreen-partition-worker");
            t.setDaemon(true);
            return t;
        });
        this.thread = new Thread(this::run, "bluegreen-coordinator-loop");
    }

    public CoordinatorLoop start() {
        thread.start();
        return this;
    }

    /** The partitions this instance owns now. */
    public Set<Integer> ownedPartitions() {
        return Set.copyOf(owned.keySet());
    }

    /** Upgrades in progress on the partitions this instance owns. */
    public int liveUpgrades() {
        return owned.values().stream().mapToInt(OwnedPartition::liveUpgrades).sum();
    }

    private void run() {
        while (running) {
            try {
                session();
            } catch (WakeupException e) {
                if (running) {
                    LOG.warn("Coordinator loop woken up unexpectedly; joining again");
                }
            } catch (RuntimeException e) {
                LOG.error("Coordinator session ended ({}); dropping every partition and joining again", e.toString(), e);
            } finally {
                dropAll();
            }
            if (running) {
                pause();
            }
        }
    }

    private void session() {
        try (KafkaConsumer<byte[], byte[]> c = clients.consumer("bluegreen-coordinator-" + settings.instanceId(), Map.of(
                ConsumerConfig.GROUP_ID_CONFIG, settings.groupId(),
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest",
                ConsumerConfig.PARTITION_ASSIGNMENT_STRATEGY_CONFIG, RangeAssignor.class.getName(),
                ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG, (int) settings.sessionTimeout().toMillis(),
                // a member learns of a rebalance at its next heartbeat: often, so a dead peer's partitions move soon after its session ends
                ConsumerConfig.HEARTBEAT_INTERVAL_MS_CONFIG, (int) Math.max(100, Math.min(500, settings.sessionTimeout().toMillis() / 3)),
                ConsumerConfig.MAX_POLL_RECORDS_CONFIG, MAX_POLL_RECORDS))) {
            consumer = c;
            c.subscribe(INPUTS, new Rebalance());
            while (running) {
                ConsumerRecords<byte[], byte[]> records = c.poll(pollWait());
                handle(records, c.groupMetadata());
                pace(c);
            }
        } finally {
            consumer = null;
        }
    }

    private Duration pollWait() {
        Instant now = clock.instant();
        Instant next = owned.values().stream().map(OwnedPartition::nextDeadline).flatMap(java.util.Optional::stream)
                .min(Instant::compareTo).orElse(now.plus(MAX_POLL_WAIT));
        Duration wait = Duration.between(now, next);
        return wait.isNegative() ? Duration.ZERO : wait.compareTo(MAX_POLL_WAIT) > 0 ? MAX_POLL_WAIT : wait;
    }

    /** Hands each partition its records, and lets those whose deadlines passed decide; a failed partition ends the session. */
    private void handle(ConsumerRecords<byte[], byte[]> records, ConsumerGroupMetadata group) {
        Map<Integer, List<ConsumerRecord<byte[], byte[]>>> byPartition = new TreeMap<>();
        for (ConsumerRecord<byte[], byte[]> record : records) {
            byPartition.computeIfAbsent(record.partition(), p -> new ArrayList<>()).add(record);
        }
        Instant now = clock.instant();
        for (OwnedPartition partition : owned.values()) {
            if (partition.failure() != null) {
                throw new IllegalStateException("Partition " + partition.partition() + " failed", partition.failure());
            }
            List<ConsumerRecord<byte[], byte[]>> batch = byPartition.get(partition.partition());
            if (batch != null) {
                partition.submit(batch, group);
            } else if (partition.nextDeadline().filter(at -> !at.isAfter(now)).isPresent()) {
                partition.tickSoon();
            }
        }
    }

    /** Pauses the inputs of a partition with too much waiting, and resumes them once it has caught up. */
    private void pace(KafkaConsumer<byte[], byte[]> c) {
        Set<TopicPartition> paused = c.paused();
        for (OwnedPartition partition : owned.values()) {
            List<TopicPartition> inputs = INPUTS.stream().map(topic -> new TopicPartition(topic, partition.partition())).toList();
            boolean isPaused = paused.containsAll(inputs);
            if (!isPaused && partition.queued() > PAUSE_ABOVE) {
                c.pause(inputs);
            } else if (isPaused && partition.queued() <= MAX_POLL_RECORDS) {
                c.resume(inputs);
            }
        }
    }

    /**
     * Range assignment with the eager protocol revokes everything before each new assignment. A partition that comes
     * back to this instance keeps its state and producer: no other instance can have owned it in between, and if one
     * had, its fencing would make this instance's next transaction fail and the session start over.
     */
    private final class Rebalance implements ConsumerRebalanceListener {

        private final Set<Integer> revoked = new java.util.HashSet<>();

        @Override
        public void onPartitionsRevoked(Collection<TopicPartition> partitions) {
            // the transactions under way end with this generation; what was not started is fetched again after it
            owned.values().forEach(partition -> partition.quiesce(QUIESCE_TIMEOUT));
            partitions.forEach(tp -> revoked.add(tp.partition()));
        }

        @Override
        public void onPartitionsLost(Collection<TopicPartition> partitions) {
            drop(partitions.stream().map(TopicPartition::partition).collect(Collectors.toSet()));
        }

        @Override
        public void onPartitionsAssigned(Collection<TopicPartition> partitions) {
            Set<Integer> numbers = partitions.stream().map(TopicPartition::partition).collect(Collectors.toSet());
            Set<Integer> gone = new java.util.HashSet<>(revoked);
            gone.removeAll(numbers);
            revoked.clear();
            drop(gone);
            List<CompletableFuture<Void>> taking = numbers.stream().filter(n -> !owned.containsKey(n))
                    .map(n -> CompletableFuture.runAsync(() -> take(n), workers)).toList();
            CompletableFuture.allOf(taking.toArray(CompletableFuture[]::new)).join();
            LOG.info("Instance {} owns partitions {} ({} upgrades in progress)", settings.instanceId(),
                    new java.util.TreeSet<>(owned.keySet()), liveUpgrades());
        }
    }

    private void take(int number) {
        KafkaProducer<byte[], byte[]> producer = clients.producer("bluegreen-coordinator-" + settings.instanceId() + "-p" + number,
                Map.of(ProducerConfig.TRANSACTIONAL_ID_CONFIG, settings.transactionalIdPrefix() + "-" + number,
                        ProducerConfig.TRANSACTION_TIMEOUT_CONFIG, 30_000));
        // fences the previous owner: its open transaction is aborted, and the partition's committed end is final
        producer.initTransactions();
        if (!view.awaitCommitted(List.of(number), Duration.ofSeconds(60))) {
            producer.close(Duration.ZERO);
            throw new IllegalStateException("The read view did not reach the committed end of " + Topics.UPGRADE_EVENTS + "-"
                    + number + " within 60 s; cannot take the partition over");
        }
        OwnedPartition partition = new OwnedPartition(number, producer, saga, clock, settings, meters);
        partition.adopt(view.partition(number));
        owned.put(number, partition);
    }

    private void drop(Set<Integer> partitions) {
        partitions.forEach(number -> {
            OwnedPartition partition = owned.remove(number);
            if (partition != null) {
                partition.close();
            }
        });
    }

    private void dropAll() {
        owned.values().forEach(OwnedPartition::close);
        owned.clear();
    }

    private void pause() {
        try {
            Thread.sleep(1000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            running = false;
        }
    }

    @Override
    public void close() {
        running = false;
        KafkaConsumer<byte[], byte[]> c = consumer;
        if (c != null) {
            c.wakeup();
        }
        try {
            thread.join(10_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        workers.shutdownNow();
    }
}
