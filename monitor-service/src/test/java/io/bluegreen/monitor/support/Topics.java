package io.bluegreen.monitor.support;

import io.bluegreen.local.postgres.LocalPostgres;
import io.bluegreen.schemas.common.ClusterRef;
import io.bluegreen.schemas.common.ReplicatedDatabase;
import io.bluegreen.schemas.common.ReplicationNames;
import io.bluegreen.schemas.event.ReplicationEstablished;
import io.bluegreen.schemas.event.UpgradeCompleted;
import io.bluegreen.schemas.serde.AvroMessageSerializer;
import io.bluegreen.schemas.serde.MessageCodec;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Predicate;

/**
 * The tests' side of Kafka: publishes upgrade events as the coordinator would, and records everything on the
 * lag and alerts topics, decoded with the project's {@link MessageCodec} (a record that does not decode fails
 * the test that reads it).
 */
public final class Topics implements AutoCloseable {

    private final KafkaProducer<String, SpecificRecord> producer;
    private final KafkaConsumer<byte[], byte[]> consumer;
    private final List<SpecificRecord> received = new CopyOnWriteArrayList<>();
    private final List<String> undecodable = new CopyOnWriteArrayList<>();
    private final Map<SpecificRecord, String> keys = java.util.Collections.synchronizedMap(new java.util.IdentityHashMap<>());
    private final Thread poller;
    private volatile boolean running = true;

    public Topics(String bootstrapServers) {
        producer = new KafkaProducer<>(Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
                ProducerConfig.ACKS_CONFIG, "all"), new StringSerializer(), new AvroMessageSerializer<>());
        consumer = new KafkaConsumer<>(Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
                ConsumerConfig.GROUP_ID_CONFIG, "monitor-it-" + UUID.randomUUID(),
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest"),
                new ByteArrayDeserializer(), new ByteArrayDeserializer());
        consumer.subscribe(List.of(io.bluegreen.schemas.Topics.LAG, io.bluegreen.schemas.Topics.ALERTS));
        poller = new Thread(() -> {
            while (running) {
                for (ConsumerRecord<byte[], byte[]> record : consumer.poll(Duration.ofMillis(200))) {
                    try {
                        SpecificRecord message = MessageCodec.standard().decode(record);
                        keys.put(message, record.key() == null ? null
                                : new String(record.key(), java.nio.charset.StandardCharsets.UTF_8));
                        received.add(message);
                    } catch (RuntimeException e) {
                        undecodable.add(e.getMessage());
                    }
                }
            }
            consumer.close();
        }, "monitor-it-recorder");
        poller.setDaemon(true);
        poller.start();
    }

    public static ReplicationEstablished established(String upgradeId, LocalPostgres blue, LocalPostgres green,
                                                     long thresholdBytes, Replication... replications) {
        return established(upgradeId, blue.port(), green, thresholdBytes, replications);
    }

    public static ReplicationEstablished established(String upgradeId, int bluePort, LocalPostgres green,
                                                     long thresholdBytes, Replication... replications) {
        return ReplicationEstablished.newBuilder().setUpgradeId(upgradeId).setEventId(UUID.randomUUID().toString())
                .setOccurredAt(Instant.now())
                .setBlue(ClusterRef.newBuilder().setHost("127.0.0.1").setPort(bluePort).setCredentialsRef("blue").build())
                .setGreen(ClusterRef.newBuilder().setHost("127.0.0.1").setPort(green.port()).setCredentialsRef("green")
                        .build())
                .setDatabases(java.util.Arrays.stream(replications).map(r -> new ReplicatedDatabase(r.database(),
                        new ReplicationNames(r.publication(), r.slot(), r.subscription()))).toList())
                .setLagThresholdBytes(thresholdBytes).setHoldDurationMs(10_000).build();
    }

    public static UpgradeCompleted completed(String upgradeId) {
        return UpgradeCompleted.newBuilder().setUpgradeId(upgradeId).setEventId(UUID.randomUUID().toString())
                .setOccurredAt(Instant.now()).setSummary("switched over").build();
    }

    /** Publishes an event with the given record key (the upgrade's partition key, as the coordinator does). */
    public void publish(String key, SpecificRecord event) {
        try {
            producer.send(new ProducerRecord<>(io.bluegreen.schemas.Topics.UPGRADE_EVENTS, key, event)).get();
        } catch (Exception e) {
            throw new IllegalStateException("Could not publish " + event.getSchema().getName(), e);
        }
    }

    public <T extends SpecificRecord> List<T> received(Class<T> type, Predicate<T> filter) {
        return received.stream().filter(type::isInstance).map(type::cast).filter(filter).toList();
    }

    /** The record key a received message came with. */
    public String keyOf(SpecificRecord message) {
        return keys.get(message);
    }

    public List<String> undecodable() {
        return List.copyOf(undecodable);
    }

    @Override
    public void close() {
        running = false;
        try {
            poller.join(5_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        producer.close();
    }
}
