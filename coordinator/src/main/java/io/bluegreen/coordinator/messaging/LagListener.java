package io.bluegreen.coordinator.messaging;

import io.bluegreen.coordinator.service.Upgrades;
import io.bluegreen.schemas.Topics;
import io.bluegreen.schemas.monitor.ReplicationLagMeasured;
import io.bluegreen.schemas.serde.MessageCodec;
import io.bluegreen.schemas.serde.UndecodableMessageException;
import io.micronaut.configuration.kafka.annotation.KafkaListener;
import io.micronaut.configuration.kafka.annotation.OffsetReset;
import io.micronaut.configuration.kafka.annotation.Topic;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.consumer.ConsumerRecord;

/** Lag samples into the lag gates; only fresh samples matter, so a new group starts at the end. */
@KafkaListener(groupId = "bluegreen-coordinator-lag", offsetReset = OffsetReset.LATEST)
public class LagListener {

    private final Upgrades upgrades;

    public LagListener(Upgrades upgrades) {
        this.upgrades = upgrades;
    }

    @Topic(Topics.LAG)
    void receive(ConsumerRecord<byte[], byte[]> record) {
        try {
            SpecificRecord sample = MessageCodec.standard().decode(record);
            if (sample instanceof ReplicationLagMeasured lag) {
                upgrades.onLag(lag);
            }
        } catch (UndecodableMessageException ignored) {
            // a lag sample is replaced by the next one
        }
    }
}
