package io.bluegreen.aws.messaging;

import io.bluegreen.aws.rds.RdsClients;
import io.bluegreen.aws.rds.RdsOperations;
import io.bluegreen.aws.step.AgentSettings;
import io.bluegreen.aws.step.AwsStep;
import io.bluegreen.aws.step.StepContext;
import io.bluegreen.aws.step.StepRunner;
import io.bluegreen.aws.step.Steps;
import io.bluegreen.schemas.Topics;
import io.bluegreen.schemas.common.FailureReason;
import io.bluegreen.schemas.credentials.CredentialsResolver;
import io.bluegreen.schemas.serde.AcknowledgedPublisher;
import io.bluegreen.schemas.serde.DeadLetters;
import io.bluegreen.schemas.serde.MessageCodec;
import io.bluegreen.schemas.serde.UndecodableMessageException;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.internals.RecordHeader;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Handles one record of {@code bluegreen.aws.commands}: decode (undecodable -> dead-letter topic), answer a
 * command seen before with the same result, otherwise work one slice of its step and publish the result, or a
 * StepInProgress plus a continuation of the command. Every send is acknowledged ({@link AcknowledgedPublisher})
 * before the record's offset is committed, so a crash loses nothing (and at worst repeats an idempotent pass).
 */
public final class AwsCommandHandler {

    private static final Logger LOG = LoggerFactory.getLogger(AwsCommandHandler.class);
    private static final int REMEMBERED = 10_000;

    private final AcknowledgedPublisher publisher;
    private final RdsClients clients;
    private final CredentialsResolver credentials;
    private final AgentSettings settings;
    private final StepRunner runner;
    private final Clock clock;
    private final MessageCodec codec = MessageCodec.standard();
    private final Map<String, byte[]> answered = Collections.synchronizedMap(new LinkedHashMap<>(256, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, byte[]> eldest) {
            return size() > REMEMBERED;
        }
    });

    public AwsCommandHandler(AcknowledgedPublisher publisher, RdsClients clients, CredentialsResolver credentials,
                             AgentSettings settings, StepRunner runner, Clock clock) {
        this.publisher = publisher;
        this.clients = clients;
        this.credentials = credentials;
        this.settings = settings;
        this.runner = runner;
        this.clock = clock;
    }

    public void handle(ConsumerRecord<byte[], byte[]> record) {
        SpecificRecord command;
        try {
            command = codec.decode(record);
        } catch (UndecodableMessageException e) {
            LOG.warn("{}; sent to the dead-letter topic", e.getMessage());
            send(DeadLetters.of(record, e, "aws-agent"));
            return;
        }
        if (!Topics.AWS_COMMANDS_TOPIC.messageTypes().contains(command.getClass())) {
            send(DeadLetters.of(record, "NOT_AN_AWS_COMMAND",
                    new IllegalArgumentException(command.getSchema().getName() + " is not an aws-agent command"), "aws-agent"));
            return;
        }
        boolean continuation = Continuations.startedAt(record.headers()).isPresent();
        StepContext context = StepContext.of(command, continuation, clock);
        byte[] earlier = answered.get(context.commandId());
        if (earlier != null) {
            LOG.info("{} {} was answered before; answering the same", context.step(), context.commandId());
            send(new ProducerRecord<>(Topics.RESULTS, key(context), earlier));
            return;
        }
        waitUntilDue(record);
        Instant startedAt = Continuations.startedAt(record.headers()).orElse(clock.instant());
        StepRunner.Outcome outcome;
        try {
            AwsStep step = Steps.of(command, new RdsOperations(clients.forRegion(Steps.clusterOf(command).getRegion())),
                    context, settings, credentials);
            outcome = runner.run(step, context, startedAt);
        } catch (RuntimeException e) {
            outcome = new StepRunner.Outcome.Finished(context.failed(FailureReason.INVALID_REQUEST, false, null,
                    context.step() + " " + context.commandId() + " cannot run: " + e.getMessage()));
        }
        if (outcome instanceof StepRunner.Outcome.Finished finished) {
            byte[] result = codec.encode(finished.result());
            send(new ProducerRecord<>(Topics.RESULTS, key(context), result));
            answered.put(context.commandId(), result);
            LOG.info("{} {} of upgrade {} finished: {}", context.step(), context.commandId(), context.upgradeId(),
                    finished.result().getSchema().getName());
        } else {
            StepRunner.Outcome.Continue next = (StepRunner.Outcome.Continue) outcome;
            send(new ProducerRecord<>(Topics.RESULTS, key(context), codec.encode(next.progress())));
            RecordHeaders headers = new RecordHeaders();
            headers.add(new RecordHeader(Continuations.STARTED_AT, Continuations.value(startedAt)));
            headers.add(new RecordHeader(Continuations.NOT_BEFORE,
                    Continuations.value(clock.instant().plus(settings.pollInterval()))));
            send(new ProducerRecord<>(Topics.AWS_COMMANDS, null, record.key(), record.value(), headers));
            LOG.info("{} {} of upgrade {} continues: {}", context.step(), context.commandId(), context.upgradeId(),
                    next.progress().getDetail());
        }
    }

    /** A continuation is looked at again no sooner than it asked, and never later than one slice from now. */
    private void waitUntilDue(ConsumerRecord<byte[], byte[]> record) {
        Continuations.notBefore(record.headers()).ifPresent(due -> {
            Duration wait = Duration.between(clock.instant(), due);
            if (!wait.isNegative()) {
                try {
                    Thread.sleep(Math.min(wait.toMillis(), settings.waitSlice().toMillis()));
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
        });
    }

    private static byte[] key(StepContext context) {
        return context.upgradeId().getBytes(StandardCharsets.UTF_8);
    }

    private void send(ProducerRecord<byte[], byte[]> record) {
        publisher.send(record); // throws when not stored: the record's offset is not committed, it is handled again
    }
}
