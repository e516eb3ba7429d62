package io.bluegreen.pg.messaging;

import io.bluegreen.pg.StepDispatcher;
import io.bluegreen.schemas.Topics;
import io.bluegreen.schemas.serde.DeadLetters;
import io.bluegreen.schemas.serde.MessageCodec;
import io.bluegreen.schemas.serde.UndecodableMessageException;
import io.micronaut.configuration.kafka.annotation.ErrorStrategy;
import io.micronaut.configuration.kafka.annotation.ErrorStrategyValue;
import io.micronaut.configuration.kafka.annotation.KafkaListener;
import io.micronaut.configuration.kafka.annotation.OffsetReset;
import io.micronaut.configuration.kafka.annotation.OffsetStrategy;
import io.micronaut.configuration.kafka.annotation.Topic;
import io.micronaut.context.annotation.Property;
import io.micronaut.context.annotation.Requires;
import org.apache.avro.specific.SpecificRecord;
import org.apache.avro.specific.SpecificRecordBase;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.charset.StandardCharsets;

/**
 * Thin listener on {@value Topics#PG_COMMANDS}: decodes, hands the command to {@link StepDispatcher}, and
 * answers on {@value Topics#RESULTS} keyed by the upgrade id before the offset is committed (one record per poll,
 * committed after each), so a crash re-runs the command at worst, and the step is idempotent. A record that
 * does not decode, or is not a pg command, goes to {@value Topics#DEAD_LETTER} with its headers.
 */
@Requires(property = "bluegreen.pg.listener.enabled", notEquals = "false")
@KafkaListener(groupId = "${bluegreen.pg.consumer-group:bluegreen-pg-agent}", offsetReset = OffsetReset.EARLIEST,
        offsetStrategy = OffsetStrategy.SYNC_PER_RECORD,
        // a result that cannot be sent (broker away) is retried with the same record, not skipped
        errorStrategy = @ErrorStrategy(value = ErrorStrategyValue.RETRY_EXPONENTIALLY_ON_ERROR, retryCount = 20,
                retryDelay = "500ms"),
        threadsValue = "${bluegreen.pg.consumer-threads:2}",
        properties = {
                @Property(name = ConsumerConfig.MAX_POLL_RECORDS_CONFIG, value = "1"),
                // longer than bluegreen.pg.max-step-wait, the longest a step may hold the consumer
                @Property(name = ConsumerConfig.MAX_POLL_INTERVAL_MS_CONFIG, value = "600000"),
                // a command waits for the fetch in flight: a switchover's dispatch must not wait 500 ms (decision 10)
                @Property(name = ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG, value = "10")
        })
public class PgCommandListener {

    private static final Logger LOG = LoggerFactory.getLogger(PgCommandListener.class);
    private static final String HANDLER = "bluegreen-pg-agent";

    private final StepDispatcher dispatcher;
    private final AgentProducer producer;
    private final MessageCodec codec = MessageCodec.standard();

    public PgCommandListener(StepDispatcher dispatcher, AgentProducer producer) {
        this.dispatcher = dispatcher;
        this.producer = producer;
    }

    @Topic(Topics.PG_COMMANDS)
    public void receive(ConsumerRecord<byte[], byte[]> record) {
        SpecificRecord command;
        try {
            command = codec.decode(record);
        } catch (UndecodableMessageException e) {
            LOG.warn("{}", e.getMessage());
            producer.send(DeadLetters.of(record, e, HANDLER));
            return;
        }
        if (!StepDispatcher.accepts(command)) {
            UndecodableMessageException wrong = new UndecodableMessageException(record.topic(), record.partition(),
                    record.offset(), UndecodableMessageException.Reason.UNEXPECTED_TYPE, null,
                    "a " + command.getSchema().getName() + " where only pg commands are accepted", null);
            LOG.warn("{}", wrong.getMessage());
            producer.send(DeadLetters.of(record, wrong, HANDLER));
            return;
        }
        SpecificRecord result = dispatcher.handle(command, this::answer);
        answer(result);
    }

    private void answer(SpecificRecord result) {
        String upgradeId = String.valueOf(((SpecificRecordBase) result).get("upgradeId"));
        producer.send(new ProducerRecord<>(Topics.RESULTS, upgradeId.getBytes(StandardCharsets.UTF_8),
                codec.encode(result)));
    }
}
