package io.bluegreen.schemas;

import io.bluegreen.local.kafka.EmbeddedKafka;
import io.bluegreen.local.testbed.WithTestBed;
import io.bluegreen.schemas.serde.AvroMessageDeserializer;
import io.bluegreen.schemas.serde.AvroMessageSerializer;
import io.bluegreen.schemas.serde.MessageCodec;
import io.bluegreen.schemas.serde.UndecodableMessageException;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.errors.RecordDeserializationException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Every message type through a real broker with the project's serde. */
@WithTestBed
class MessagesThroughKafkaIT {

    @BeforeAll
    static void topics(EmbeddedKafka kafka) throws Exception {
        try (Admin admin = admin(kafka)) {
            java.util.Set<String> existing = admin.listTopics().names().get();
            List<org.apache.kafka.clients.admin.NewTopic> missing = Topics.ALL.stream()
                    .filter(topic -> !existing.contains(topic.name()))
                    .map(topic -> new org.apache.kafka.clients.admin.NewTopic(topic.name(), Optional.of(3), Optional.empty())
                            .configs(topic.config()))
                    .toList();
            admin.createTopics(missing).all().get();
        }
    }

    @Test
    void everyMessageTypeRoundTripsOnItsTopicAndEachIsDecodedAsItsOwnType(EmbeddedKafka kafka) {
        String upgradeId = "upg-" + UUID.randomUUID();
        List<SpecificRecord> sent = new ArrayList<>();
        List<SpecificRecord> received = new ArrayList<>();
        try (KafkaConsumer<String, SpecificRecord> consumer = new KafkaConsumer<>(consumerConfig(kafka),
                new StringDeserializer(), new AvroMessageDeserializer<>());
             KafkaProducer<String, SpecificRecord> producer = new KafkaProducer<>(Map.of(
                "bootstrap.servers", kafka.bootstrapServers(), "acks", "all"),
                new StringSerializer(), new AvroMessageSerializer<>())) {
            // read only what this test writes: start every partition at its current end
            List<TopicPartition> partitions = new ArrayList<>();
            for (TopicSpec topic : Topics.ALL) {
                consumer.partitionsFor(topic.name()).forEach(p -> partitions.add(new TopicPartition(p.topic(), p.partition())));
            }
            consumer.assign(partitions);
            consumer.seekToEnd(partitions);
            partitions.forEach(consumer::position);
            for (Class<? extends SpecificRecord> type : Topics.messageTypes()) {
                SpecificRecord message = MessageSamples.sample(type, upgradeId);
                producer.send(new ProducerRecord<>(Topics.topicOf(type).name(), upgradeId, message));
                sent.add(message);
            }
            producer.flush();
            long deadline = System.currentTimeMillis() + 60_000;
            while (received.size() < sent.size() && System.currentTimeMillis() < deadline) {
                for (ConsumerRecord<String, SpecificRecord> record : consumer.poll(Duration.ofMillis(200))) {
                    assertEquals(upgradeId, record.key());
                    assertEquals(Topics.topicOf(record.value().getClass()).name(), record.topic());
                    received.add(record.value());
                }
            }
        }
        assertEquals(sent.size(), received.size(), "every message arrived");
        for (SpecificRecord message : sent) {
            assertTrue(received.contains(message), "decoded as its own type: " + message.getClass().getSimpleName());
        }
        assertTrue(Topics.RESULTS_TOPIC.messageTypes().size() > 5, "one topic carries several types");
    }

    @Test
    void corruptBytesOnATopicRaiseATypedErrorWithTopicPartitionAndOffset(EmbeddedKafka kafka) throws Exception {
        String topic = Topics.ALERTS;
        TopicPartition partition = new TopicPartition(topic, 0);
        long offset;
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(Map.of(
                "bootstrap.servers", kafka.bootstrapServers()), new ByteArraySerializer(), new ByteArraySerializer())) {
            offset = producer.send(new ProducerRecord<>(topic, 0, null, new byte[]{(byte) 0xC3, 1, 9, 9, 9, 9, 9, 9, 9, 9, 0}))
                    .get().offset();
        }
        // the listener path: raw bytes, decoded by the codec with the record's coordinates
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(consumerConfig(kafka),
                new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            consumer.assign(List.of(partition));
            consumer.seek(partition, offset);
            ConsumerRecord<byte[], byte[]> record = pollOne(consumer);
            UndecodableMessageException e = assertThrows(UndecodableMessageException.class,
                    () -> MessageCodec.standard().decode(record));
            assertEquals(topic, e.topic());
            assertEquals(0, e.partition());
            assertEquals(offset, e.offset());
            assertEquals(UndecodableMessageException.Reason.UNKNOWN_SCHEMA, e.reason());
        }
        // the deserializer path: Kafka wraps our exception and adds the coordinates
        try (KafkaConsumer<byte[], SpecificRecord> consumer = new KafkaConsumer<>(consumerConfig(kafka),
                new ByteArrayDeserializer(), new AvroMessageDeserializer<>())) {
            consumer.assign(List.of(partition));
            consumer.seek(partition, offset);
            RecordDeserializationException e = assertThrows(RecordDeserializationException.class,
                    () -> consumer.poll(Duration.ofSeconds(10)));
            assertEquals(partition, e.topicPartition());
            assertEquals(offset, e.offset());
            assertInstanceOf(UndecodableMessageException.class, e.getCause());
        }
    }

    @Test
    void topicsAreCreatedWithTheirRetentionAndNoneIsCompacted(EmbeddedKafka kafka) throws Exception {
        try (Admin admin = admin(kafka)) {
            ConfigResource events = new ConfigResource(ConfigResource.Type.TOPIC, Topics.UPGRADE_EVENTS);
            ConfigResource lag = new ConfigResource(ConfigResource.Type.TOPIC, Topics.LAG);
            Map<ConfigResource, Config> configs = admin.describeConfigs(List.of(events, lag)).all().get();
            assertEquals("-1", configs.get(events).get("retention.ms").value(), "the audit trail is kept forever");
            assertEquals("delete", configs.get(events).get("cleanup.policy").value(), "the audit trail is never compacted");
            assertEquals(Long.toString(Duration.ofDays(7).toMillis()), configs.get(lag).get("retention.ms").value());
            assertEquals(3, admin.describeTopics(List.of(Topics.RESULTS)).allTopicNames().get()
                    .get(Topics.RESULTS).partitions().size());
        }
    }

    private static <K, V> ConsumerRecord<K, V> pollOne(KafkaConsumer<K, V> consumer) {
        long deadline = System.currentTimeMillis() + 30_000;
        while (System.currentTimeMillis() < deadline) {
            for (ConsumerRecord<K, V> record : consumer.poll(Duration.ofMillis(200))) {
                return record;
            }
        }
        throw new AssertionError("no record arrived");
    }

    private static Map<String, Object> consumerConfig(EmbeddedKafka kafka) {
        return Map.of("bootstrap.servers", kafka.bootstrapServers(),
                ConsumerConfig.GROUP_ID_CONFIG, "it-" + UUID.randomUUID(),
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
    }

    private static Admin admin(EmbeddedKafka kafka) {
        return Admin.create(Map.<String, Object>of("bootstrap.servers", kafka.bootstrapServers()));
    }
}
