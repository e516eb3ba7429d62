package io.bluegreen.runtime.agent;

import io.bluegreen.local.kafka.EmbeddedKafka;
import io.bluegreen.local.testbed.WithTestBed;
import io.bluegreen.runtime.kafka.DeadLetters;
import io.bluegreen.runtime.kafka.KafkaConnection;
import io.bluegreen.runtime.kafka.TopicInstaller;
import io.bluegreen.runtime.logging.LogContext;
import io.bluegreen.schemas.Topics;
import io.bluegreen.schemas.command.pg.FenceWrites;
import io.bluegreen.schemas.command.pg.UnfenceWrites;
import io.bluegreen.schemas.command.pg.VerifyData;
import io.bluegreen.schemas.common.ClusterRef;
import io.bluegreen.schemas.common.DatabaseTarget;
import io.bluegreen.schemas.common.Engine;
import io.bluegreen.schemas.common.FailureReason;
import io.bluegreen.schemas.common.Role;
import io.bluegreen.schemas.common.VerifyMode;
import io.bluegreen.schemas.result.StepFailed;
import io.bluegreen.schemas.result.StepInProgress;
import io.bluegreen.schemas.result.StepSucceeded;
import io.bluegreen.schemas.serde.MessageCodec;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.slf4j.MDC;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The agent runtime on the real embedded broker, with test steps on the pg commands topic: answers keyed by the
 * command record's key, a repeated command answered once with the same result, undecodable records dead-lettered
 * with their reason, heartbeats while a long step runs, the MDC of a step, the error strategy.
 */
@WithTestBed
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class AgentRuntimeIT {

    private static final String AGENT = "bluegreen-test-agent";
    private static final String SECRET = "s3cret-" + UUID.randomUUID();

    /** A received record of the results or dead-letter topic. */
    private record Received(String key, SpecificRecord value, ConsumerRecord<byte[], byte[]> raw) {
    }

    private final Map<String, AtomicInteger> runs = new ConcurrentHashMap<>();
    private final Map<String, Map<String, String>> mdcSeen = new ConcurrentHashMap<>();
    private final Map<String, AtomicInteger> flaky = new ConcurrentHashMap<>();
    private final CountDownLatch releaseLongStep = new CountDownLatch(1);
    private final List<Received> results = new CopyOnWriteArrayList<>();
    private final List<Received> deadLetters = new CopyOnWriteArrayList<>();

    private final SimpleMeterRegistry meters = new SimpleMeterRegistry();
    private AgentRuntime runtime;
    private KafkaProducer<byte[], byte[]> producer;
    private KafkaConsumer<byte[], byte[]> consumer;

    @BeforeAll
    void start(EmbeddedKafka kafka) {
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers()))) {
            TopicInstaller.ensureTopics(admin, 3, Optional.empty());
            assertEquals(List.of(), TopicInstaller.ensureTopics(admin, 3, Optional.empty()), "a second run creates nothing");
        }
        producer = new KafkaProducer<>(Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers(),
                ProducerConfig.ACKS_CONFIG, "all"), new ByteArraySerializer(), new ByteArraySerializer());
        consumer = new KafkaConsumer<>(Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers()),
                new ByteArrayDeserializer(), new ByteArrayDeserializer());
        List<TopicPartition> partitions = new ArrayList<>();
        for (String topic : List.of(Topics.RESULTS, Topics.DEAD_LETTER)) {
            consumer.partitionsFor(topic, Duration.ofSeconds(30)).forEach(p -> partitions.add(new TopicPartition(topic, p.partition())));
        }
        consumer.assign(partitions);
        consumer.seekToEnd(partitions);
        partitions.forEach(consumer::position);

        AgentSteps steps = AgentSteps.builder()
                .on(FenceWrites.class, (command, ctx) -> {
                    int run = runs.computeIfAbsent(ctx.commandId(), id -> new AtomicInteger()).incrementAndGet();
                    return ctx.succeeded("run " + run + " at " + Instant.now().toEpochMilli() + " of "
                            + command.getTarget().getDatabase(), false, Map.of());
                })
                .on(VerifyData.class, (command, ctx) -> {
                    runs.computeIfAbsent(ctx.commandId(), id -> new AtomicInteger()).incrementAndGet();
                    mdcSeen.put(ctx.commandId(), Map.copyOf(MDC.getCopyOfContextMap()));
                    ctx.progress("compared 1 of 2 table(s)", 50);
                    if (!releaseLongStep.await(60, TimeUnit.SECONDS)) {
                        throw new StepFailure(FailureReason.TIMEOUT, true, "the test never released the step");
                    }
                    return ctx.succeeded("compared 2 of 2 table(s)", false, Map.of());
                })
                .on(UnfenceWrites.class, (command, ctx) -> {
                    String database = command.getTarget().getDatabase();
                    if (database.equals("refused")) {
                        throw new StepFailure(FailureReason.PRECONDITION_FAILED, false, "password " + SECRET + " refused");
                    }
                    int attempt = flaky.computeIfAbsent(ctx.commandId(), id -> new AtomicInteger()).incrementAndGet();
                    if (attempt < 3) {
                        throw new IllegalStateException("connection lost to " + database + " (attempt " + attempt + ")");
                    }
                    return ctx.succeeded("unfenced after " + attempt + " attempts", false, Map.of());
                })
                .build();
        ErrorClassifier classifier = (error, command, ctx) -> new ErrorClassifier.Classified(FailureReason.UNREACHABLE,
                error instanceof IllegalStateException, null, ctx.step() + " failed: " + error.getMessage());
        runtime = new AgentRuntime(new AgentRuntime.Settings(AGENT, Topics.PG_COMMANDS, "agent-runtime-it-" + UUID.randomUUID(),
                KafkaConnection.of(kafka.clientSettings()), 2, Duration.ofMillis(200),
                new CommandRunner.Retry(4, Duration.ofMillis(10), Duration.ofMillis(50)), 1000),
                steps, classifier, text -> text.replace(SECRET, "****"), Clock.systemUTC(), meters).start();
    }

    @AfterAll
    void stop() {
        releaseLongStep.countDown();
        if (runtime != null) {
            runtime.close();
        }
        if (producer != null) {
            producer.close();
        }
        if (consumer != null) {
            consumer.close();
        }
    }

    // ---------- helpers ----------

    private static DatabaseTarget target(String database) {
        return new DatabaseTarget(new ClusterRef(null, null, Engine.POSTGRES, "127.0.0.1", 5432, "blue"), database, Role.BLUE);
    }

    private static FenceWrites fence(String upgradeId) {
        return FenceWrites.newBuilder().setUpgradeId(upgradeId).setCommandId("cmd-" + UUID.randomUUID()).setAttempt(1)
                .setOccurredAt(Instant.now()).setTarget(target("app")).build();
    }

    private static UnfenceWrites unfence(String upgradeId, String database) {
        return UnfenceWrites.newBuilder().setUpgradeId(upgradeId).setCommandId("cmd-" + UUID.randomUUID()).setAttempt(1)
                .setOccurredAt(Instant.now()).setTarget(target(database)).setKeepGuards(false).build();
    }

    private void send(String key, byte[] value) {
        try {
            producer.send(new ProducerRecord<>(Topics.PG_COMMANDS, key.getBytes(StandardCharsets.UTF_8), value)).get();
        } catch (Exception e) {
            throw new IllegalStateException("could not send to " + Topics.PG_COMMANDS, e);
        }
    }

    private void send(String key, SpecificRecord command) {
        send(key, MessageCodec.standard().encode(command));
    }

    private void poll() {
        for (ConsumerRecord<byte[], byte[]> record : consumer.poll(Duration.ofMillis(100))) {
            String key = record.key() == null ? null : new String(record.key(), StandardCharsets.UTF_8);
            if (record.topic().equals(Topics.DEAD_LETTER)) {
                deadLetters.add(new Received(key, null, record));
            } else {
                results.add(new Received(key, MessageCodec.standard().decode(record), record));
            }
        }
    }

    private List<Received> answersTo(String commandId) {
        return results.stream().filter(r -> commandId.equals(String.valueOf(((GenericRecord) r.value()).get("causationId"))))
                .toList();
    }

    private List<Received> finalAnswersTo(String commandId) {
        return answersTo(commandId).stream().filter(r -> !(r.value() instanceof StepInProgress)).toList();
    }

    private List<Received> awaitFinalAnswers(String commandId, int count) {
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ZERO).until(() -> {
            poll();
            return finalAnswersTo(commandId).size() >= count;
        });
        return finalAnswersTo(commandId);
    }

    private static String header(ConsumerRecord<byte[], byte[]> record, String name) {
        var header = record.headers().lastHeader(name);
        return header == null ? null : new String(header.value(), StandardCharsets.UTF_8);
    }

    // ---------- tests ----------

    @Test
    void theAnswerIsKeyedByTheKeyOfTheCommandRecordNotTheUpgradeId() {
        String upgradeId = "upg-" + UUID.randomUUID();
        FenceWrites command = fence(upgradeId);
        send("orders-blue-cluster", command);
        Received answer = awaitFinalAnswers(command.getCommandId(), 1).get(0);
        assertEquals("orders-blue-cluster", answer.key());
        StepSucceeded succeeded = assertInstanceOf(StepSucceeded.class, answer.value());
        assertEquals(upgradeId, succeeded.getUpgradeId());
        assertEquals("FenceWrites", succeeded.getStep());
    }

    @Test
    void aDuplicateCommandIsAnsweredOnceRunWithTheSameResult() {
        String upgradeId = "upg-" + UUID.randomUUID();
        FenceWrites command = fence(upgradeId);
        send(upgradeId, command);
        Received first = awaitFinalAnswers(command.getCommandId(), 1).get(0);
        send(upgradeId, command);
        List<Received> both = awaitFinalAnswers(command.getCommandId(), 2);
        assertEquals(2, both.size());
        assertEquals(first.value(), both.get(1).value(), "the very same result, occurredAt and summary included");
        assertArrayEquals(first.raw().value(), both.get(1).raw().value());
        assertEquals(1, runs.get(command.getCommandId()).get(), "the step ran once");
    }

    @Test
    void aLongStepSendsHeartbeatsWithItsReportAndTheMdcNamesTheCommandInFlightOnlyOnce() throws Exception {
        String upgradeId = "upg-" + UUID.randomUUID();
        VerifyData command = VerifyData.newBuilder().setUpgradeId(upgradeId).setCommandId("cmd-" + UUID.randomUUID())
                .setAttempt(2).setOccurredAt(Instant.now()).setTarget(target("app")).setSource(target("app"))
                .setMode(VerifyMode.ROW_COUNT).setAtSwitchoverSnapshot(false).build();
        send("blue-key", command);
        await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ZERO).until(() -> {
            poll();
            return answersTo(command.getCommandId()).stream().filter(r -> r.value() instanceof StepInProgress).count() >= 3;
        });
        // the coordinator re-sends a command it has heard nothing final about: it must not start a second run
        send("blue-key", command);
        List<Received> beats = answersTo(command.getCommandId());
        for (Received beat : beats) {
            StepInProgress progress = assertInstanceOf(StepInProgress.class, beat.value());
            assertEquals("compared 1 of 2 table(s)", progress.getDetail());
            assertEquals(50, progress.getPercent());
            assertEquals(2, progress.getAttempt());
            assertEquals("blue-key", beat.key());
        }
        assertTrue(finalAnswersTo(command.getCommandId()).isEmpty(), "no answer while the step runs");
        releaseLongStep.countDown();
        List<Received> answers = awaitFinalAnswers(command.getCommandId(), 2);
        assertEquals(answers.get(0).value(), answers.get(1).value());
        assertInstanceOf(StepSucceeded.class, answers.get(0).value());
        assertEquals(1, runs.get(command.getCommandId()).get(), "a command id in flight is not started twice");
        Map<String, String> mdc = mdcSeen.get(command.getCommandId());
        assertEquals(upgradeId, mdc.get(LogContext.UPGRADE_ID));
        assertEquals(command.getCommandId(), mdc.get(LogContext.COMMAND_ID));
        assertEquals("VerifyData", mdc.get(LogContext.STEP));
    }

    @Test
    void undecodableAndForeignRecordsAreDeadLetteredWithTheirReasonAndTheAgentGoesOn() {
        String key = "dlt-" + UUID.randomUUID();
        byte[] garbage = ("not a command " + UUID.randomUUID()).getBytes(StandardCharsets.UTF_8);
        send(key, garbage);
        byte[] unknownSchema = new byte[]{(byte) 0xC3, 0x01, 1, 2, 3, 4, 5, 6, 7, 8, 0};
        send(key, unknownSchema);
        StepSucceeded foreign = new StepSucceeded("upg", "c", "X", 1, Instant.now(), "not a command", false, Map.of());
        byte[] foreignBytes = MessageCodec.standard().encode(foreign);
        send(key, foreignBytes);
        FenceWrites after = fence("upg-" + UUID.randomUUID());
        send(key, after);
        awaitFinalAnswers(after.getCommandId(), 1);
        await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ZERO).until(() -> {
            poll();
            return deadLetters.stream().filter(d -> key.equals(d.key())).count() >= 3;
        });
        List<ConsumerRecord<byte[], byte[]>> mine = deadLetters.stream().filter(d -> key.equals(d.key()))
                .map(Received::raw).toList();
        assertEquals("NOT_AVRO", header(mine.get(0), DeadLetters.REASON));
        assertArrayEquals(garbage, mine.get(0).value(), "the original bytes, untouched");
        assertEquals("UNKNOWN_SCHEMA", header(mine.get(1), DeadLetters.REASON));
        assertEquals("NOT_FOR_THIS_SERVICE", header(mine.get(2), DeadLetters.REASON));
        for (ConsumerRecord<byte[], byte[]> letter : mine) {
            assertEquals(Topics.PG_COMMANDS, header(letter, DeadLetters.SOURCE_TOPIC));
            assertEquals(AGENT, header(letter, DeadLetters.HANDLER));
        }
    }

    @Test
    void retryableErrorsAreRetriedAndRefusalsAnsweredWithoutTheSecret() {
        String upgradeId = "upg-" + UUID.randomUUID();
        UnfenceWrites flakyCommand = unfence(upgradeId, "app");
        UnfenceWrites refusedCommand = unfence(upgradeId, "refused");
        send(upgradeId, flakyCommand);
        send(upgradeId, refusedCommand);
        StepSucceeded recovered = assertInstanceOf(StepSucceeded.class,
                awaitFinalAnswers(flakyCommand.getCommandId(), 1).get(0).value());
        assertEquals("unfenced after 3 attempts", recovered.getSummary());
        StepFailed refused = assertInstanceOf(StepFailed.class, awaitFinalAnswers(refusedCommand.getCommandId(), 1).get(0).value());
        assertEquals(FailureReason.PRECONDITION_FAILED, refused.getReason());
        assertFalse(refused.getRetryable());
        assertFalse(refused.getMessage().contains(SECRET), refused.getMessage());
        assertEquals("password **** refused", refused.getMessage());
    }

    @Test
    void eachRunIsTimedByStepAndOutcomeItsFailuresAndRetriesCountedAndTheKafkaClientsMetered() {
        String upgradeId = "upg-" + UUID.randomUUID();
        double refusalsBefore = meters.find(StepMeters.FAILURES).tags("step", "UnfenceWrites", "reason", "PRECONDITION_FAILED")
                .counters().stream().mapToDouble(c -> c.count()).sum();
        UnfenceWrites flakyCommand = unfence(upgradeId, "app");
        UnfenceWrites refusedCommand = unfence(upgradeId, "refused");
        send(upgradeId, flakyCommand);
        send(upgradeId, refusedCommand);
        awaitFinalAnswers(flakyCommand.getCommandId(), 1);
        awaitFinalAnswers(refusedCommand.getCommandId(), 1);
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
            assertTrue(meters.get(StepMeters.DURATION).tags("agent", AGENT, "step", "UnfenceWrites", "outcome", "succeeded")
                    .timer().count() >= 1, "the recovered run is timed as succeeded");
            assertTrue(meters.get(StepMeters.DURATION).tags("step", "UnfenceWrites", "outcome", "failed").timer().count() >= 1,
                    "the refused run is timed as failed");
        });
        assertEquals(refusalsBefore + 1, meters.get(StepMeters.FAILURES)
                .tags("step", "UnfenceWrites", "reason", "PRECONDITION_FAILED").counter().count());
        assertTrue(meters.get(StepMeters.RETRIES).tags("step", "UnfenceWrites", "reason", "UNREACHABLE").counter().count() >= 2,
                "the two lost connections were retried");
        assertEquals(0, meters.get(StepMeters.RUNNING).gauge().value(), "nothing runs once both are answered");
        assertFalse(meters.find("kafka.consumer.fetch.manager.fetch.total").tags("client.id", AGENT + "-commands")
                .meters().isEmpty(), "the commands consumer's Kafka metrics are bound");
        assertFalse(meters.find("kafka.producer.record.send.total").tags("client.id", AGENT + "-results")
                .meters().isEmpty(), "the results producer's Kafka metrics are bound");
    }
}
