package io.bluegreen.pg.messaging;

import io.bluegreen.schemas.serde.AcknowledgedPublisher;
import io.micronaut.context.annotation.Value;
import jakarta.annotation.PreDestroy;
import jakarta.inject.Singleton;
import org.apache.kafka.clients.producer.ProducerRecord;

/**
 * Sends results and dead letters through an {@link AcknowledgedPublisher}, so the listener commits a command's
 * offset only after its answer is stored.
 */
@Singleton
public class AgentProducer {

    private final AcknowledgedPublisher publisher;

    public AgentProducer(@Value("${kafka.bootstrap.servers}") String bootstrapServers) {
        this.publisher = new AcknowledgedPublisher(bootstrapServers, "bluegreen-pg-agent-results");
    }

    public void send(ProducerRecord<byte[], byte[]> record) {
        publisher.send(record);
    }

    @PreDestroy
    void close() {
        publisher.close();
    }
}
