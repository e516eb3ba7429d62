package io.bluegreen.runtime.agent;

import io.bluegreen.runtime.kafka.AcknowledgedPublisher;
import io.bluegreen.runtime.kafka.DeadLetterReason;
import io.bluegreen.runtime.kafka.DeadLetters;
import io.bluegreen.runtime.kafka.KafkaClientMeters;
import io.bluegreen.runtime.kafka.KafkaConnection;
import io.bluegreen.runtime.logging.LogContext;
import io.bluegreen.schemas.Topics;
import io.bluegreen.schemas.serde.MessageCodec;
import io.bluegreen.schemas.serde.UndecodableMessageException;
import io.micrometer.core.instrument.MeterRegistry;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

import java.time.Clock;
import java.time.Duration;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Queue;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.UnaryOperator;

/**
 * The runtime both agents run their steps on: one consumer of the agent's commands topic and a pool of workers.
 *
 * <p>For each record: decode it (a record that does not decode, or is not a command of this agent, goes to
 * {@value Topics#DEAD_LETTER} with its {@link DeadLetterReason}); answer a command id answered before with the same
 * result and never start a command id that is in flight twice ({@link AnsweredCommands}); otherwise run its step
 * through the {@link CommandRunner} (the error strategy). The answer goes to {@value Topics#RESULTS} keyed by
 * <b>the key of the command record</b>, and the command's offset is committed only once the answer is acknowledged;
 * a failed send is retried, never skipped.
 *
 * <p>Long steps: a partition whose record is being worked on is paused while the consumer keeps polling, so a step
 * may take any time without holding the consumer past its poll interval, and the partition's next command waits
 * for it (one upgrade's commands stay in order). While a step runs the runtime sends {@code StepInProgress} for it
 * every {@code heartbeat} with the step's latest report ({@link StepContext#progress}); the coordinator extends the
 * command's deadline on each. Every log line of a command carries its upgrade id, command id and step through the
 * MDC keys {@link LogContext} ({@code upgradeId}, {@code commandId}, {@code step}). Each step's run is measured
 * ({@link StepMeters}), and the consumer's and the producer's Kafka metrics are bound to the same registry.
 *
 * <p>Commands are read committed only, and fetched with {@code fetch.max.wait.ms=10}: a switchover's commands must
 * not wait for a fetch in flight. A stopping agent interrupts its steps and answers none of them: they run again
 * on the instance that takes the partition over (steps are idempotent).
 */
public final class AgentRuntime implements AutoCloseable {


    private static final Logger LOG = LoggerFactory.getLogger(AgentRuntime.class);
    private static final Duration MAX_SEND_BACKOFF = Duration.ofSeconds(5);

    /**
     * How an agent runs.
     *
     * @param name               the agent's name: dead letters' handler, client ids, thread names
     * @param commandsTopic      the topic its commands arrive on
     * @param groupId            its consumer group (instances of one agent share the partitions)
     * @param kafka              how its consumer and its producer connect to Kafka
     * @param workers            steps run at the same time at most (each on its own partition)
     * @param heartbeat          interval of {@code StepInProgress} while a step runs
     * @param retry              retries of retryable errors
     * @param rememberedCommands answers kept to answer a repeated command id again
     */
    public record Settings(String name, String commandsTopic, String groupId, KafkaConnection kafka, int workers,
                           Duration heartbeat, CommandRunner.Retry retry, int rememberedCommands) {

        public Settings {
            if (workers < 1) {
                throw new IllegalArgumentException(name + ": workers must be at least 1, was " + workers);
            }
            if (heartbeat.isNegative() || heartbeat.isZero()) {
                throw new IllegalArgumentException(name + ": bluegreen.agent.heartbeat must be positive, was " + heartbeat);
            }
        }
    }

    /** What the poll thread learns from the workers. */
    private record Completion(TopicPartition partition, long nextOffset, boolean done) {
    }

    /** A step being worked on, for the heartbeat. */
    private final class Running {
        final StepContext context;
        final byte[] key;
        boolean finished;
        ScheduledFuture<?> beat;

        Running(StepContext context, byte[] key) {
            this.context = context;
            this.key = key;
        }

        synchronized void beat() {
            if (finished) {
                return;
            }
            withMdc(context, () -> {
                try {
                    publisher.send(new ProducerRecord<>(Topics.RESULTS, key, codec.encode(context.inProgress())));
                } catch (RuntimeException e) {
                    LOG.warn("{} is running, but its StepInProgress could not be sent (the next one follows in {}): {}",
                            context, settings.heartbeat(), e.getMessage());
                }
            });
        }

        /** No heartbeat goes out after this returns, so none follows the answer. */
        synchronized void finish() {
            finished = true;
            beat.cancel(false);
        }
    }

    private final Settings settings;
    private final AgentSteps steps;
    private final UnaryOperator<String> redactor;
    private final Clock clock;
    private final CommandRunner runner;
    private final AnsweredCommands answered;
    private final MessageCodec codec = MessageCodec.standard();
    private final AcknowledgedPublisher publisher;
    private final KafkaClientMeters kafkaMeters;
    private final ExecutorService workers;
    private final ScheduledExecutorService heartbeats;
    private final Queue<Completion> completions = new ConcurrentLinkedQueue<>();
    private final Thread pollThread;
    private volatile KafkaConsumer<byte[], byte[]> consumer;
    private volatile boolean stopping;

    // owned by the poll thread
    private final Set<TopicPartition> busy = new HashSet<>();
    private final Map<TopicPartition, OffsetAndMetadata> toCommit = new HashMap<>();

    /**
     * @param meters the service's registry: the steps' {@link StepMeters} and the Kafka clients' metrics go there
     */
    public AgentRuntime(Settings settings, AgentSteps steps, ErrorClassifier classifier, UnaryOperator<String> redactor,
                        Clock clock, MeterRegistry meters) {
        this.settings = settings;
        this.steps = steps;
        this.redactor = redactor;
        this.clock = clock;
        this.kafkaMeters = KafkaClientMeters.on(meters);
        this.runner = new CommandRunner(settings.name(), steps, classifier, redactor, settings.retry(), () -> stopping,
                new StepMeters(meters, settings.name(), clock));
        this.answered = new AnsweredCommands(settings.rememberedCommands());
        this.publisher = new AcknowledgedPublisher(settings.kafka(), settings.name() + "-results", kafkaMeters);
        this.workers = Executors.newFixedThreadPool(settings.workers(), threads(settings.name() + "-step"));
        this.heartbeats = Executors.newSingleThreadScheduledExecutor(threads(settings.name() + "-heartbeat"));
        this.pollThread = threads(settings.name() + "-commands").newThread(this::poll);
    }

    public AgentRuntime start() {
        pollThread.start();
        LOG.info("{} consumes {} as {} with {} worker(s), StepInProgress every {}", settings.name(),
                settings.commandsTopic(), settings.groupId(), settings.workers(), settings.heartbeat());
        return this;
    }

    // ---------- the poll thread ----------

    private void poll() {
        Map<String, Object> config = settings.kafka().with(Map.of());
        config.put(ConsumerConfig.GROUP_ID_CONFIG, settings.groupId());
        config.put(ConsumerConfig.CLIENT_ID_CONFIG, settings.name() + "-commands");
        config.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        config.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        config.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        // a command waits for the fetch in flight: a switchover's dispatch must not wait 500 ms (decision 10)
        config.put(ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG, 10);
        try (KafkaConsumer<byte[], byte[]> kafka = kafkaMeters.consumer(config, new ByteArrayDeserializer(),
                new ByteArrayDeserializer())) {
            consumer = kafka;
            kafka.subscribe(List.of(settings.commandsTopic()), new Rebalance());
            while (!stopping) {
                try {
                    ConsumerRecords<byte[], byte[]> records = kafka.poll(Duration.ofMillis(200));
                    for (TopicPartition partition : records.partitions()) {
                        List<ConsumerRecord<byte[], byte[]>> batch = records.records(partition);
                        kafka.pause(List.of(partition));
                        busy.add(partition);
                        workers.execute(() -> work(partition, batch));
                    }
                } catch (WakeupException e) {
                    // a worker finished, or the agent stops
                }
                settle(kafka);
            }
            workers.shutdownNow();
            awaitWorkers();
            settle(kafka);
        } catch (RuntimeException e) {
            LOG.error("{} stopped consuming {}: no command is run until it restarts", settings.name(),
                    settings.commandsTopic(), e);
        } finally {
            workers.shutdownNow();
        }
    }

    /** Commits what the workers answered and resumes the partitions they are done with. */
    private void settle(KafkaConsumer<byte[], byte[]> kafka) {
        Set<TopicPartition> assigned = kafka.assignment();
        for (Completion completion; (completion = completions.poll()) != null; ) {
            TopicPartition partition = completion.partition();
            if (completion.nextOffset() >= 0) {
                toCommit.put(partition, new OffsetAndMetadata(completion.nextOffset()));
            }
            if (completion.done()) {
                busy.remove(partition);
                if (assigned.contains(partition) && !stopping) {
                    kafka.seek(partition, completion.nextOffset());
                    kafka.resume(List.of(partition));
                }
            }
        }
        commit(kafka, assigned);
    }

    private void commit(KafkaConsumer<byte[], byte[]> kafka, Collection<TopicPartition> owned) {
        Map<TopicPartition, OffsetAndMetadata> offsets = new HashMap<>();
        toCommit.forEach((partition, offset) -> {
            if (owned.contains(partition)) {
                offsets.put(partition, offset);
            }
        });
        toCommit.clear();
        if (offsets.isEmpty()) {
            return;
        }
        try {
            kafka.commitSync(offsets);
        } catch (WakeupException e) {
            kafka.commitSync(offsets);
        } catch (RuntimeException e) {
            // the commands run again where the partition goes; their answers are remembered or the steps idempotent
            LOG.warn("{} could not commit {}: {}", settings.name(), offsets, e.getMessage());
        }
    }

    private final class Rebalance implements ConsumerRebalanceListener {

        @Override
        public void onPartitionsRevoked(Collection<TopicPartition> partitions) {
            settle(consumer); // what is answered so far is committed while the partitions are still ours
        }

        @Override
        public void onPartitionsAssigned(Collection<TopicPartition> partitions) {
            List<TopicPartition> stillWorking = partitions.stream().filter(busy::contains).toList();
            if (!stillWorking.isEmpty()) {
                consumer.pause(stillWorking);
            }
        }
    }

    private void awaitWorkers() {
        try {
            if (!workers.awaitTermination(10, TimeUnit.SECONDS)) {
                LOG.warn("{}: a step did not stop within 10 s of being interrupted; its command runs again elsewhere",
                        settings.name());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    // ---------- the workers ----------

    private void work(TopicPartition partition, List<ConsumerRecord<byte[], byte[]>> batch) {
        long next = batch.get(0).offset();
        try {
            for (ConsumerRecord<byte[], byte[]> record : batch) {
                if (stopping || !handle(record)) {
                    break;
                }
                next = record.offset() + 1;
                completions.add(new Completion(partition, next, false));
            }
        } catch (RuntimeException e) {
            LOG.error("{} could not handle {}-{}@{}: it is handled again", settings.name(), partition.topic(),
                    partition.partition(), next, e);
        } finally {
            MDC.clear();
            completions.add(new Completion(partition, next, true));
            KafkaConsumer<byte[], byte[]> current = consumer;
            if (current != null) {
                current.wakeup();
            }
        }
    }

    /**
     * Handles one record; false when it got no answer (the agent is stopping) and must be handled again. A record
     * the runtime itself cannot handle (an answer that does not encode) goes to the dead-letter topic rather than
     * round a crash loop.
     */
    private boolean handle(ConsumerRecord<byte[], byte[]> record) {
        try {
            return answer(record);
        } catch (RuntimeException e) {
            if (stopping) {
                return false; // handled again where the partition goes
            }
            RuntimeException error = new IllegalStateException(redactor.apply(e.toString()));
            LOG.error("{} could not handle {}-{}@{}: sent to {}: {}", settings.name(), record.topic(), record.partition(),
                    record.offset(), Topics.DEAD_LETTER, error.getMessage());
            return send(DeadLetters.of(record, DeadLetterReason.HANDLER_FAILED, error, settings.name()));
        }
    }

    private boolean answer(ConsumerRecord<byte[], byte[]> record) {
        MDC.clear();
        SpecificRecord command;
        try {
            command = codec.decode(record);
        } catch (UndecodableMessageException e) {
            LOG.warn("{}", e.getMessage());
            return send(DeadLetters.of(record, e, settings.name()));
        }
        if (!steps.accepts(command)) {
            UndecodableMessageException wrong = new UndecodableMessageException(record.topic(), record.partition(),
                    record.offset(), UndecodableMessageException.Reason.UNEXPECTED_TYPE, null,
                    "a " + command.getSchema().getName() + " where only " + settings.name() + " commands are accepted", null);
            LOG.warn("{}", wrong.getMessage());
            return send(DeadLetters.of(record, DeadLetterReason.NOT_FOR_THIS_SERVICE, wrong, settings.name()));
        }
        StepContext context = StepContext.of(command, clock);
        MDC.put(LogContext.UPGRADE_ID, context.upgradeId());
        MDC.put(LogContext.COMMAND_ID, context.commandId());
        MDC.put(LogContext.STEP, context.step());
        Optional<SpecificRecord> answer;
        AnsweredCommands.Claim claim = answered.claim(context.commandId());
        if (claim instanceof AnsweredCommands.Claim.Answered earlier) {
            LOG.info("{} was answered before: answering the same", context);
            answer = Optional.of(earlier.answer());
        } else if (claim instanceof AnsweredCommands.Claim.Running running) {
            LOG.info("{} is running already: answering with its answer", context);
            answer = awaitRunning(running);
        } else {
            answer = runStep(command, context, record.key());
        }
        return answer.isPresent() && send(new ProducerRecord<>(Topics.RESULTS, record.key(), codec.encode(answer.get())));
    }

    private Optional<SpecificRecord> runStep(SpecificRecord command, StepContext context, byte[] key) {
        Running running = new Running(context, key);
        long every = settings.heartbeat().toMillis();
        Optional<SpecificRecord> answer = Optional.empty();
        synchronized (running) {
            running.beat = heartbeats.scheduleAtFixedRate(running::beat, every, every, TimeUnit.MILLISECONDS);
        }
        try {
            answer = runner.run(command, context);
        } finally {
            running.finish();
            answered.finish(context.commandId(), answer);
        }
        return answer;
    }

    private Optional<SpecificRecord> awaitRunning(AnsweredCommands.Claim.Running running) {
        try {
            return running.answer().get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Optional.empty();
        } catch (ExecutionException e) {
            return Optional.empty();
        }
    }

    /** Sends until acknowledged: a failed send is retried, never skipped; false only when the agent stops first. */
    private boolean send(ProducerRecord<byte[], byte[]> record) {
        Duration backoff = Duration.ofMillis(200);
        while (true) {
            try {
                publisher.send(record);
                return true;
            } catch (RuntimeException e) {
                if (stopping) {
                    LOG.warn("{} stops before {} was acknowledged: it is answered again after the restart",
                            settings.name(), record.topic());
                    return false;
                }
                LOG.warn("{}; retrying in {} ms", e.getMessage(), backoff.toMillis());
                try {
                    Thread.sleep(backoff.toMillis());
                } catch (InterruptedException interrupted) {
                    Thread.currentThread().interrupt();
                    return false;
                }
                Duration doubled = backoff.multipliedBy(2);
                backoff = doubled.compareTo(MAX_SEND_BACKOFF) > 0 ? MAX_SEND_BACKOFF : doubled;
            }
        }
    }

    private static void withMdc(StepContext context, Runnable action) {
        LogContext.run(context.upgradeId(), context.commandId(), context.step(), action);
    }

    private static ThreadFactory threads(String prefix) {
        AtomicInteger count = new AtomicInteger();
        return task -> {
            Thread thread = new Thread(task, prefix + "-" + count.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        };
    }

    @Override
    public void close() {
        stopping = true;
        KafkaConsumer<byte[], byte[]> current = consumer;
        if (current != null) {
            current.wakeup();
        }
        try {
            pollThread.join(20_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        heartbeats.shutdownNow();
        publisher.close();
    }
}
