package io.bluegreen.aws.messaging;

import io.bluegreen.schemas.Topics;
import io.micronaut.configuration.kafka.annotation.KafkaListener;
import io.micronaut.configuration.kafka.annotation.OffsetReset;
import io.micronaut.configuration.kafka.annotation.OffsetStrategy;
import io.micronaut.configuration.kafka.annotation.Topic;
import io.micronaut.context.annotation.Property;
import io.micronaut.context.annotation.Requires;
import org.apache.kafka.clients.consumer.ConsumerRecord;

/** Thin listener: every record of the aws commands topic goes to the handler, one at a time per partition. */
@KafkaListener(groupId = "bluegreen-aws-agent", offsetReset = OffsetReset.EARLIEST,
        offsetStrategy = OffsetStrategy.SYNC_PER_RECORD, properties = {
        @Property(name = "max.poll.records", value = "1"),
        @Property(name = "max.poll.interval.ms", value = "300000"),
        // the rename repoint is inside the fenced window: no 500 ms fetch wait per command (decision 10)
        @Property(name = "fetch.max.wait.ms", value = "10")})
@Requires(property = "bluegreen.aws.listener.enabled", notEquals = "false")
public class AwsCommandListener {

    private final AwsCommandHandler handler;

    public AwsCommandListener(AwsCommandHandler handler) {
        this.handler = handler;
    }

    @Topic(Topics.AWS_COMMANDS)
    void receive(ConsumerRecord<byte[], byte[]> record) {
        handler.handle(record);
    }
}
