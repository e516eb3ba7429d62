package io.bluegreen.coordinator.fleet;

import io.bluegreen.coordinator.saga.Decision;
import io.bluegreen.coordinator.saga.Dispatch;
import io.bluegreen.coordinator.saga.InvalidPlanException;
import io.bluegreen.coordinator.saga.LagGate;
import io.bluegreen.coordinator.saga.Outbound;
import io.bluegreen.coordinator.saga.Saga;
import io.bluegreen.coordinator.saga.SagaRefusal;
import io.bluegreen.coordinator.saga.UpgradeState;
import io.bluegreen.schemas.Topics;
import io.bluegreen.schemas.common.RequestOutcome;
import io.bluegreen.schemas.common.UpgradePhase;
import io.bluegreen.schemas.common.UpgradePlan;
import io.bluegreen.schemas.monitor.ReplicationLagMeasured;
import io.bluegreen.schemas.request.DecideUpgrade;
import io.bluegreen.schemas.request.RequestAnswered;
import io.bluegreen.schemas.request.StartUpgrade;
import io.bluegreen.runtime.kafka.DeadLetterReason;
import io.bluegreen.runtime.kafka.DeadLetters;
import io.bluegreen.runtime.logging.LogContext;
import io.bluegreen.schemas.serde.MessageCodec;
import io.bluegreen.schemas.serde.UndecodableMessageException;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.consumer.ConsumerGroupMetadata;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.PriorityQueue;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * One partition this coordinator owns, with every upgrade on it: the only place their saga advances. Each batch of
 * inputs (agents' results, lag samples, users' requests) and each round of deadlines is one Kafka transaction on
 * the partition's own transactional producer: the events, the commands, the replies and the input offsets commit
 * together or not at all. The transactional id is the partition's, so the next owner fences this one (and aborts
 * its open transaction) the moment it takes the partition over.
 *
 * <p>The partition has a thread of its own: the consumer's loop hands it what it polled ({@link #submit}) and polls
 * again at once, so a partition never waits for another's commit; whatever arrives while a transaction commits is
 * handled together in the next one. Everything below runs on that thread; other threads read only
 * {@link #nextDeadline()}, {@link #liveUpgrades()}, {@link #queued()} and {@link #failure()}.
 *
 * <p>Only upgrades that are not finished are held here; the {@link ReadView} keeps everyone's history.
 */
final class OwnedPartition implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(OwnedPartition.class);
    /** The most inputs one transaction decides. */
    static final int MAX_PER_TRANSACTION = 250;
    /** A deadline that passed and decided nothing is looked at again this much later. */
    private static final Duration RECHECK = Duration.ofMillis(200);

    /** An upgrade in progress: its state and its lag gate while it replicates. */
    private static final class Live {
        private final UpgradeKey key;
        private UpgradeState state;
        private LagGate gate;
        private int events;

        Live(UpgradeKey key, UpgradeState state, int events) {
            this.key = key;
            this.state = state;
            this.events = events;
        }
    }

    private record Due(Instant at, String upgradeId) {
    }

    private final int partition;
    private final KafkaProducer<byte[], byte[]> producer;
    private final Saga saga;
    private final Clock clock;
    private final FleetSettings settings;
    private final SagaMeters meters;
    /** What the open transaction decided, for the meters once it commits. */
    private final List<SagaMeters.Observation> observed = new java.util.ArrayList<>();
    private final MessageCodec codec = MessageCodec.standard();
    private final Map<String, Live> live = new HashMap<>();
    private final Set<String> known = new HashSet<>();
    private final Map<UpgradeKey, String> claims = new HashMap<>();
    private final PriorityQueue<Due> deadlines = new PriorityQueue<>((a, b) -> a.at().compareTo(b.at()));
    private final ExecutorService thread;
    private final ConcurrentLinkedQueue<Batch> inbox = new ConcurrentLinkedQueue<>();
    private final AtomicInteger queued = new AtomicInteger();
    private final AtomicBoolean tickAsked = new AtomicBoolean();
    private volatile Instant nextDeadline;
    private volatile int liveCount;
    private volatile RuntimeException failure;

    /** Records of this partition from one poll, with the group's metadata of that poll. */
    private record Batch(List<ConsumerRecord<byte[], byte[]>> records, ConsumerGroupMetadata group) {
    }

    OwnedPartition(int partition, KafkaProducer<byte[], byte[]> producer, Saga saga, Clock clock, FleetSettings settings,
                   SagaMeters meters) {
        this.partition = partition;
        this.meters = meters;
        this.producer = producer;
        this.saga = saga;
        this.clock = clock;
        this.settings = settings;
        this.thread = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "bluegreen-partition-" + partition);
            t.setDaemon(true);
            return t;
        });
    }

    int partition() {
        return partition;
    }

    int liveUpgrades() {
        return liveCount;
    }

    /** Records handed over and not committed yet. */
    int queued() {
        return queued.get();
    }

    /** Why this partition stopped, if it did: its transaction failed, so the session must start over. */
    RuntimeException failure() {
        return failure;
    }

    /** Hands records over; they are handled, with whatever else is waiting then, in one transaction. */
    void submit(List<ConsumerRecord<byte[], byte[]>> records, ConsumerGroupMetadata group) {
        inbox.add(new Batch(records, group));
        queued.addAndGet(records.size());
        thread.execute(() -> run(this::handleWaiting));
    }

    /** Asks for the deadlines that passed to be decided (once, however often it is asked before that happens). */
    void tickSoon() {
        if (tickAsked.compareAndSet(false, true)) {
            thread.execute(() -> run(() -> {
                tickAsked.set(false);
                tick();
            }));
        }
    }

    /**
     * Before the partition is revoked: drops what was handed over and not started (its offsets are not committed, so
     * the consumer fetches it again from the committed offset when the partition is assigned, here or elsewhere), and
     * waits for the transaction under way to end.
     */
    void quiesce(Duration timeout) {
        for (Batch batch = inbox.poll(); batch != null; batch = inbox.poll()) {
            queued.addAndGet(-batch.records().size());
        }
        try {
            thread.submit(() -> { }).get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (ExecutionException | TimeoutException | RejectedExecutionException e) {
            throw new IllegalStateException("Partition " + partition + " did not finish its work in " + timeout.toSeconds()
                    + " s: " + e, e);
        }
    }

    private void run(Runnable work) {
        if (failure != null) {
            return;
        }
        try {
            work.run();
        } catch (RuntimeException e) {
            failure = e;
            LOG.error("Partition {} stopped: {}", partition, e.toString(), e);
        } finally {
            liveCount = live.size();
            nextDeadline = deadlines.isEmpty() ? null : deadlines.peek().at();
        }
    }

    /**
     * Handles what is waiting, at most {@link #MAX_PER_TRANSACTION} inputs per transaction: a backlog (a partition just
     * taken over) gets its first decisions out after one bounded transaction, not after all of it.
     */
    private void handleWaiting() {
        List<ConsumerRecord<byte[], byte[]>> records = new java.util.ArrayList<>();
        ConsumerGroupMetadata group = null;
        for (Batch batch = inbox.poll(); batch != null; batch = inbox.poll()) {
            records.addAll(batch.records());
            group = batch.group();
        }
        for (int from = 0; from < records.size(); from += MAX_PER_TRANSACTION) {
            List<ConsumerRecord<byte[], byte[]>> chunk = records.subList(from, Math.min(records.size(), from + MAX_PER_TRANSACTION));
            handle(chunk, group);
            queued.addAndGet(-chunk.size());
        }
    }

    /** Takes over the upgrades of this partition as the committed log has them. */
    void adopt(List<ReadView.Entry> entries) {
        for (ReadView.Entry entry : entries) {
            known.add(entry.upgradeId());
            if (!terminal(entry.phase())) {
                UpgradeState state = entry.state();
                live.put(entry.upgradeId(), new Live(entry.key(), state, entry.size()));
                claims.put(entry.key(), entry.upgradeId());
                schedule(state);
            }
        }
        liveCount = live.size();
        nextDeadline = deadlines.isEmpty() ? null : deadlines.peek().at();
        LOG.info("Partition {}: took over {} upgrade(s), {} in progress", partition, known.size(), live.size());
    }

    /** Handles a batch of inputs of this partition as one transaction, with their offsets. */
    private void handle(List<ConsumerRecord<byte[], byte[]>> records, ConsumerGroupMetadata group) {
        observed.clear();
        producer.beginTransaction();
        Map<TopicPartition, OffsetAndMetadata> offsets = new HashMap<>();
        for (ConsumerRecord<byte[], byte[]> record : records) {
            handle(record);
            offsets.put(new TopicPartition(record.topic(), record.partition()), new OffsetAndMetadata(record.offset() + 1));
        }
        decideDeadlines();
        producer.sendOffsetsToTransaction(offsets, group);
        producer.commitTransaction();
        meters.record(observed);
    }

    /** Lets the deadlines that passed decide, in a transaction of their own, when any did. */
    private void tick() {
        if (deadlines.isEmpty() || deadlines.peek().at().isAfter(clock.instant())) {
            return;
        }
        observed.clear();
        producer.beginTransaction();
        decideDeadlines();
        producer.commitTransaction();
        meters.record(observed);
    }

    /** When the earliest deadline of this partition falls, if any. */
    Optional<Instant> nextDeadline() {
        return Optional.ofNullable(nextDeadline);
    }

    private void decideDeadlines() {
        Instant now = clock.instant();
        while (!deadlines.isEmpty() && !deadlines.peek().at().isAfter(now)) {
            Due due = deadlines.poll();
            Live upgrade = live.get(due.upgradeId());
            if (upgrade == null) {
                continue;
            }
            Optional<Instant> next = upgrade.state.nextDeadline();
            if (next.isEmpty() || next.get().isAfter(now)) {
                continue; // superseded: a newer entry is queued
            }
            LogContext.run(upgrade.state.upgradeId(), () -> {
                Decision decision = saga.onTick(upgrade.state, now);
                if (decision.isEmpty()) {
                    deadlines.add(new Due(now.plus(RECHECK), due.upgradeId()));
                } else {
                    commit(upgrade, decision);
                }
            });
        }
    }

    private void handle(ConsumerRecord<byte[], byte[]> record) {
        SpecificRecord input;
        try {
            input = codec.decode(record);
        } catch (UndecodableMessageException e) {
            LOG.error("{}; sent to {}", e.getMessage(), Topics.DEAD_LETTER);
            producer.send(DeadLetters.of(record, e, "bluegreen-coordinator"));
            return;
        }
        String upgradeId = String.valueOf(((GenericRecord) input).get("upgradeId"));
        Object answering = input.getSchema().getField("causationId") == null ? null : ((GenericRecord) input).get("causationId");
        String commandId = answering == null ? null : answering.toString();
        LogContext.run(upgradeId, commandId, stepOf(upgradeId, commandId), () -> {
            try {
                if (input instanceof StartUpgrade start) {
                    start(record, start);
                } else if (input instanceof DecideUpgrade decide) {
                    decide(record, decide);
                } else if (input instanceof ReplicationLagMeasured sample) {
                    lag(sample);
                } else {
                    result(record, upgradeId, input);
                }
            } catch (OversizedEventException e) {
                LOG.error("{}; the input is sent to {}", e.getMessage(), Topics.DEAD_LETTER);
                producer.send(DeadLetters.of(record, DeadLetterReason.TOO_LARGE, e, "bluegreen-coordinator"));
            }
        });
    }

    private void start(ConsumerRecord<byte[], byte[]> record, StartUpgrade start) {
        String id = start.getUpgradeId();
        UpgradeKey key = UpgradeKey.of(start.getPlan());
        if (known.contains(id)) {
            reply(record, start.getRequestId(), id, RequestOutcome.UNCHANGED, "Upgrade " + id + " exists already", null);
            return;
        }
        String active = claims.get(key);
        if (active != null) {
            reply(record, start.getRequestId(), id, RequestOutcome.CONFLICT, "Blue " + key + " already has an active upgrade, "
                    + active + " (" + live.get(active).state.phase() + "): finish or roll it back before planning another",
                    active);
            return;
        }
        Decision decision;
        try {
            decision = saga.start(id, start.getPlan(), start.getRequestedBy(), clock.instant());
        } catch (InvalidPlanException e) {
            reply(record, start.getRequestId(), id, RequestOutcome.INVALID, e.getMessage(), null);
            return;
        }
        Live upgrade = new Live(key, null, 0);
        try {
            commit(upgrade, decision); // refuses an oversized plan before anything is sent
        } catch (OversizedEventException e) {
            reply(record, start.getRequestId(), id, RequestOutcome.INVALID, e.getMessage(), null);
            return;
        }
        known.add(id);
        live.put(id, upgrade);
        claims.put(key, id);
        reply(record, start.getRequestId(), id, RequestOutcome.ACCEPTED, null, null, upgrade.events);
    }

    private void decide(ConsumerRecord<byte[], byte[]> record, DecideUpgrade decide) {
        String id = decide.getUpgradeId();
        Live upgrade = live.get(id);
        if (upgrade == null) {
            boolean finished = known.contains(id);
            reply(record, decide.getRequestId(), id, finished ? RequestOutcome.CONFLICT : RequestOutcome.NOT_FOUND,
                    finished ? "Upgrade " + id + " has finished (completed or rolled back): nothing to "
                            + (decide.getDecision() == io.bluegreen.schemas.common.UserDecision.ROLLBACK ? "roll back"
                            : decide.getDecision().name().toLowerCase())
                            : "No upgrade " + id + " on this partition", null);
            return;
        }
        Instant now = clock.instant();
        Decision decision;
        try {
            decision = switch (decide.getDecision()) {
                case APPROVE -> saga.approve(upgrade.state, decide.getBy(),
                        upgrade.gate == null ? Map.of() : upgrade.gate.errorsSeen(), now);
                case RETRY -> saga.retry(upgrade.state, decide.getBy(), now);
                case ROLLBACK -> saga.rollback(upgrade.state, decide.getReason() == null ? "requested" : decide.getReason(),
                        decide.getBy(), now);
                case WAIVE_VERIFICATION -> saga.waiveVerification(upgrade.state, decide.getBy(), decide.getReason(), now);
                default -> throw new SagaRefusal("Unknown decision " + decide.getDecision());
            };
        } catch (SagaRefusal e) {
            reply(record, decide.getRequestId(), id, RequestOutcome.CONFLICT, e.getMessage(), null);
            return;
        }
        commit(upgrade, decision);
        reply(record, decide.getRequestId(), id, RequestOutcome.ACCEPTED, null, null, upgrade.events);
    }

    private void lag(ReplicationLagMeasured sample) {
        Live upgrade = live.get(sample.getUpgradeId());
        if (upgrade == null) {
            return; // a late sample of a finished upgrade
        }
        UpgradePhase phase = upgrade.state.phase();
        if (phase != UpgradePhase.REPLICATING && phase != UpgradePhase.READY_FOR_SWITCHOVER) {
            upgrade.gate = null;
            return;
        }
        if (upgrade.gate == null) {
            UpgradePlan plan = upgrade.state.plan();
            upgrade.gate = new LagGate(plan.getDatabases(), plan.getLagThresholdBytes(),
                    Duration.ofMillis(plan.getHoldDurationMs()), settings.maxSampleAge());
        }
        Instant now = clock.instant();
        if (upgrade.gate.observe(sample, now) && phase == UpgradePhase.REPLICATING) {
            commit(upgrade, saga.onLagHeld(upgrade.state, upgrade.gate.errorsSeen(), now));
        }
    }

    private void result(ConsumerRecord<byte[], byte[]> record, String upgradeId, SpecificRecord result) {
        Live upgrade = live.get(upgradeId);
        if (upgrade == null) {
            if (!known.contains(upgradeId) && !PreflightProbe.isProbe(upgradeId)) {
                LOG.error("{} for unknown upgrade {} at {}-{}@{}; sent to {}", result.getSchema().getName(), upgradeId,
                        record.topic(), record.partition(), record.offset(), Topics.DEAD_LETTER);
                producer.send(DeadLetters.of(record, DeadLetterReason.UNKNOWN_UPGRADE, null, "bluegreen-coordinator"));
            }
            return; // an answer for a finished upgrade: nothing waits for it
        }
        commit(upgrade, saga.onResult(upgrade.state, result, clock.instant()));
    }

    /** Writes a decision into the open transaction and moves the upgrade's state on. */
    private void commit(Live upgrade, Decision decision) {
        if (decision.isEmpty()) {
            return;
        }
        List<byte[]> encoded = encodeWithinLimit(decision);
        UpgradeState state = upgrade.state;
        for (int i = 0; i < encoded.size(); i++) {
            producer.send(new ProducerRecord<>(Topics.UPGRADE_EVENTS, partition, upgrade.key.bytes(), encoded.get(i)));
            observed.addAll(SagaMeters.observe(state, decision.events().get(i)));
            state = UpgradeState.apply(state, decision.events().get(i));
        }
        upgrade.events += encoded.size();
        for (Outbound command : decision.commands()) {
            producer.send(new ProducerRecord<>(command.topic(), partition, upgrade.key.bytes(), codec.encode(command.command())));
            // an Outbound is a command, or a notice such as the writer's endpoint (no command id)
            Object commandId = command.command().getSchema().getField("commandId") == null ? null
                    : ((GenericRecord) command.command()).get("commandId");
            Dispatch dispatch = commandId == null ? null : state.pending().get(commandId.toString());
            LogContext.run(state.upgradeId(), commandId == null ? null : commandId.toString(),
                    dispatch == null ? null : dispatch.step().commandName(),
                    () -> LOG.info("Dispatched {} to {}", command.command().getSchema().getName(), command.topic()));
        }
        upgrade.state = state;
        if (state.isTerminal()) {
            live.remove(state.upgradeId());
            claims.remove(upgrade.key, state.upgradeId());
        } else {
            schedule(state);
        }
    }

    private void schedule(UpgradeState state) {
        state.nextDeadline().ifPresent(at -> deadlines.add(new Due(at, state.upgradeId())));
    }

    private List<byte[]> encodeWithinLimit(Decision decision) {
        List<byte[]> encoded = new java.util.ArrayList<>(decision.events().size());
        for (SpecificRecord event : decision.events()) {
            byte[] bytes = codec.encode(event);
            encoded.add(bytes);
            int size = bytes.length;
            if (size > settings.maxEventBytes()) {
                throw new OversizedEventException(event.getSchema().getName() + " of upgrade "
                        + ((GenericRecord) event).get("upgradeId") + " would be " + size + " bytes encoded, over the limit of "
                        + settings.maxEventBytes() + " (bluegreen.coordinator.max-event-bytes); nothing was written");
            }
        }
        return encoded;
    }

    private void reply(ConsumerRecord<byte[], byte[]> request, String requestId, String upgradeId, RequestOutcome outcome,
                       String message, String active) {
        reply(request, requestId, upgradeId, outcome, message, active, 0);
    }

    private void reply(ConsumerRecord<byte[], byte[]> request, String requestId, String upgradeId, RequestOutcome outcome,
                       String message, String active, int eventsAfter) {
        RequestAnswered answered = new RequestAnswered(upgradeId, requestId, clock.instant(), outcome, message, active,
                eventsAfter);
        producer.send(new ProducerRecord<>(Topics.REPLIES, request.key(), codec.encode(answered)));
    }

    private static boolean terminal(UpgradePhase phase) {
        return phase == UpgradePhase.COMPLETED || phase == UpgradePhase.ROLLED_BACK;
    }

    /**
     * The step a command of a live upgrade was sent for, while it is pending, by the command's name as the agents log
     * it (UnfenceWrites for the saga's ReleaseFence); null otherwise.
     */
    private String stepOf(String upgradeId, String commandId) {
        Live upgrade = commandId == null ? null : live.get(upgradeId);
        Dispatch dispatch = upgrade == null ? null : upgrade.state.pending().get(commandId);
        return dispatch == null ? null : dispatch.step().commandName();
    }

    /** Stops the partition's thread, aborts an open transaction (after a failure) and closes the producer. */
    @Override
    public void close() {
        thread.shutdownNow();
        try {
            if (!thread.awaitTermination(10, TimeUnit.SECONDS)) {
                LOG.warn("Partition {}: its thread did not stop in 10 s", partition);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        producer.close(Duration.ofSeconds(5));
    }

    /** An event over the size limit: refused before anything is written. */
    static final class OversizedEventException extends RuntimeException {
        OversizedEventException(String message) {
            super(message);
        }
    }
}
