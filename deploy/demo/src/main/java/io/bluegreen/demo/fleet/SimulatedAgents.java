package io.bluegreen.demo.fleet;

import io.bluegreen.coordinator.saga.AgentAnswers;
import io.bluegreen.schemas.Topics;
import io.bluegreen.schemas.serde.MessageCodec;
import io.bluegreen.schemas.serde.UndecodableMessageException;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The pg-agent and the aws-agent of every Blue in the fleet: read {@code bluegreen.pg.commands} and
 * {@code bluegreen.aws.commands} (committed only) and answer each command at once with a valid success
 * ({@link AgentAnswers#success}) on {@code bluegreen.results}, keyed by the command record's key as real agents do;
 * with a delay, each answer is sent after 0.5 to 1.5 times the delay instead (steps that take time).
 * A repeated command id is answered again, as an idempotent agent answers the same when asked twice.
 */
final class SimulatedAgents implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(SimulatedAgents.class);

    private final FleetFigures figures;
    private final KafkaProducer<byte[], byte[]> producer;
    private final CommittedReader reader;
    private final AtomicLong sendFailures = new AtomicLong();
    private final Duration delay;
    private final ScheduledExecutorService later;

    SimulatedAgents(String bootstrapServers, FleetFigures figures, Duration delay) {
        this.figures = figures;
        this.delay = delay;
        this.later = delay.isZero() ? null : Executors.newSingleThreadScheduledExecutor(r -> {
            Thread thread = new Thread(r, "fleet-agents-later");
            thread.setDaemon(true);
            return thread;
        });
        this.producer = producer(bootstrapServers, "fleet-agents");
        this.reader = new CommittedReader("agents", bootstrapServers, List.of(Topics.PG_COMMANDS, Topics.AWS_COMMANDS),
                this::answer);
    }

    static KafkaProducer<byte[], byte[]> producer(String bootstrapServers, String clientId) {
        Properties config = new Properties();
        config.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        config.put(ProducerConfig.CLIENT_ID_CONFIG, clientId);
        config.put(ProducerConfig.ACKS_CONFIG, "all");
        config.put(ProducerConfig.LINGER_MS_CONFIG, 1);
        return new KafkaProducer<>(config, new ByteArraySerializer(), new ByteArraySerializer());
    }

    SimulatedAgents start() {
        reader.start();
        return this;
    }

    long sendFailures() {
        return sendFailures.get();
    }

    RuntimeException failure() {
        return reader.failure();
    }

    private void answer(ConsumerRecord<byte[], byte[]> record) {
        long received = System.nanoTime();
        SpecificRecord command;
        try {
            command = MessageCodec.standard().decode(record);
        } catch (UndecodableMessageException e) {
            figures.undecodable();
            LOG.warn("A command the simulated agents cannot decode: {}", e.getMessage());
            return;
        }
        GenericRecord fields = (GenericRecord) command;
        String upgradeId = String.valueOf(fields.get("upgradeId"));
        figures.commandReceived(upgradeId, String.valueOf(fields.get("commandId")), record.partition(),
                record.timestamp(), received);
        if (later == null) {
            send(record, command, upgradeId);
        } else {
            long micros = ThreadLocalRandom.current().nextLong(delay.toNanos() / 2_000, delay.toNanos() * 3 / 2_000 + 1);
            later.schedule(() -> send(record, command, upgradeId), micros, TimeUnit.MICROSECONDS);
        }
    }

    private void send(ConsumerRecord<byte[], byte[]> record, SpecificRecord command, String upgradeId) {
        SpecificRecord result = AgentAnswers.success(command, Instant.now());
        producer.send(new ProducerRecord<>(Topics.RESULTS, record.key(), MessageCodec.standard().encode(result)),
                (metadata, error) -> {
                    if (error == null) {
                        figures.inputAcknowledged(upgradeId, System.nanoTime(), System.currentTimeMillis());
                    } else {
                        sendFailures.incrementAndGet();
                        LOG.error("Could not send the answer to {} of upgrade {}: {}", command.getSchema().getName(),
                                upgradeId, error.toString());
                    }
                });
    }

    @Override
    public void close() {
        reader.close();
        if (later != null) {
            later.shutdownNow();
        }
        producer.close(Duration.ofSeconds(5));
    }
}
