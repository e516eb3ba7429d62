package io.bluegreen.coordinator.fleet;

import io.bluegreen.coordinator.saga.Outbound;
import io.bluegreen.schemas.Topics;
import io.bluegreen.schemas.result.PreflightCompleted;
import io.bluegreen.schemas.result.StepFailed;
import io.bluegreen.schemas.serde.MessageCodec;
import io.bluegreen.schemas.serde.UndecodableMessageException;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;

import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * A dry run's preflight: the same {@code RunPreflight} command an upgrade sends first (read-only checks of Blue), sent
 * to the pg-agents for an upgrade id that is no upgrade ({@link #PREFIX}), and its answer read back from
 * {@code bluegreen.results}. Nothing is written to the event log; coordinators ignore answers to these ids.
 */
public final class PreflightProbe implements AutoCloseable {

    /** Upgrade ids of dry runs; a plan may not use one. */
    public static final String PREFIX = "dry-run-";

    /** What came back: the preflight's result, or why there is none. */
    public record Outcome(Optional<PreflightCompleted> completed, Optional<String> failure) {
    }

    private final KafkaClients clients;
    private final KafkaProducer<byte[], byte[]> producer;
    private final Duration timeout;
    private final MessageCodec codec = MessageCodec.standard();

    public PreflightProbe(KafkaClients clients, String instanceId, Duration timeout) {
        this.clients = clients;
        this.producer = clients.producer("bluegreen-coordinator-probe-" + instanceId, Map.of());
        this.timeout = timeout;
    }

    public static boolean isProbe(String upgradeId) {
        return upgradeId != null && upgradeId.startsWith(PREFIX);
    }

    public static String newId() {
        return PREFIX + UUID.randomUUID().toString().substring(0, 8);
    }

    /** Sends the preflight command with Blue's key and waits for the pg-agent's answer. */
    public Outcome run(UpgradeKey key, Outbound preflight) {
        String commandId = String.valueOf(((GenericRecord) preflight.command()).get("commandId"));
        try (KafkaConsumer<byte[], byte[]> results = clients.consumer("bluegreen-coordinator-probe-" + commandId,
                Map.of("fetch.max.wait.ms", 100))) {
            List<TopicPartition> partitions = results.partitionsFor(Topics.RESULTS, Duration.ofSeconds(10)).stream()
                    .map(p -> new TopicPartition(p.topic(), p.partition())).toList();
            results.assign(partitions);
            results.seekToEnd(partitions);
            partitions.forEach(results::position); // from here on: the answer comes after this
            producer.send(new ProducerRecord<>(preflight.topic(), key.bytes(), codec.encode(preflight.command())))
                    .get(timeout.toMillis(), TimeUnit.MILLISECONDS);
            long until = System.nanoTime() + timeout.toNanos();
            while (System.nanoTime() < until) {
                for (ConsumerRecord<byte[], byte[]> record : results.poll(Duration.ofMillis(200))) {
                    if (!Arrays.equals(record.key(), key.bytes())) {
                        continue;
                    }
                    SpecificRecord result;
                    try {
                        result = codec.decode(record);
                    } catch (UndecodableMessageException e) {
                        continue;
                    }
                    if (!commandId.equals(String.valueOf(((GenericRecord) result).get("causationId")))) {
                        continue;
                    }
                    if (result instanceof PreflightCompleted completed) {
                        return new Outcome(Optional.of(completed), Optional.empty());
                    }
                    if (result instanceof StepFailed failed) {
                        return new Outcome(Optional.empty(), Optional.of(failed.getReason() + ": " + failed.getMessage()));
                    }
                }
            }
            return new Outcome(Optional.empty(), Optional.of("no pg-agent answered within " + timeout.toSeconds()
                    + " s: check that pg-agents are running and reach Kafka"));
        } catch (ExecutionException | TimeoutException e) {
            return new Outcome(Optional.empty(), Optional.of("the preflight command could not be written to "
                    + preflight.topic() + ": " + e.getMessage()));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new Outcome(Optional.empty(), Optional.of("interrupted"));
        }
    }

    @Override
    public void close() {
        producer.close(Duration.ofSeconds(5));
    }
}
