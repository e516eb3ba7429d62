package io.bluegreen.coordinator.messaging;

import io.bluegreen.coordinator.service.Upgrades;
import io.bluegreen.schemas.Topics;
import io.bluegreen.schemas.serde.MessageCodec;
import io.bluegreen.schemas.serde.UndecodableMessageException;
import io.micronaut.configuration.kafka.annotation.KafkaListener;
import io.micronaut.configuration.kafka.annotation.OffsetReset;
import io.micronaut.configuration.kafka.annotation.OffsetStrategy;
import io.micronaut.configuration.kafka.annotation.Topic;
import io.micronaut.context.annotation.Property;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Agents' answers into the saga. An undecodable record is logged and left to the dead-letter handling. */
@KafkaListener(groupId = "bluegreen-coordinator", offsetReset = OffsetReset.EARLIEST,
        offsetStrategy = OffsetStrategy.SYNC_PER_RECORD,
        // the switchover's proof ends the fenced window when it is read: no 500 ms fetch wait (decision 10)
        properties = @Property(name = "fetch.max.wait.ms", value = "10"))
public class ResultsListener {

    private static final Logger LOG = LoggerFactory.getLogger(ResultsListener.class);
    private final Upgrades upgrades;

    public ResultsListener(Upgrades upgrades) {
        this.upgrades = upgrades;
    }

    @Topic(Topics.RESULTS)
    void receive(ConsumerRecord<byte[], byte[]> record) {
        try {
            upgrades.onResult(MessageCodec.standard().decode(record));
        } catch (UndecodableMessageException e) {
            LOG.error("{}", e.getMessage());
        }
    }
}
