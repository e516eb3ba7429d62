package io.bluegreen.local;

import io.bluegreen.local.kafka.EmbeddedKafka;
import io.bluegreen.local.testbed.WithTestBed;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

@WithTestBed
class EmbeddedKafkaIT {

    @Test
    void sharedBrokerCarriesRecordsOnLoopback(EmbeddedKafka kafka) throws Exception {
        assertTrue(kafka.bootstrapServers().startsWith("127.0.0.1:"));
        try (Admin admin = Admin.create(Map.of("bootstrap.servers", kafka.bootstrapServers()))) {
            admin.createTopics(List.of(new NewTopic("it.echo", 1, (short) 1))).all().get();
        }
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(Map.of(
                "bootstrap.servers", kafka.bootstrapServers()), new StringSerializer(), new StringSerializer())) {
            producer.send(new ProducerRecord<>("it.echo", "k", "hello")).get();
        }
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(Map.of(
                "bootstrap.servers", kafka.bootstrapServers(), "group.id", "echo", "auto.offset.reset", "earliest"),
                new StringDeserializer(), new StringDeserializer())) {
            consumer.subscribe(List.of("it.echo"));
            List<ConsumerRecord<String, String>> seen = new ArrayList<>();
            long deadline = System.currentTimeMillis() + 30_000;
            while (seen.isEmpty() && System.currentTimeMillis() < deadline) {
                consumer.poll(Duration.ofMillis(200)).forEach(seen::add);
            }
            assertEquals("hello", seen.get(0).value());
        }
    }

    @Test
    void aSecondBrokerStopsCleanlyAndLeavesNoDirectoryBehind() {
        Path directory;
        String bootstrap;
        try (EmbeddedKafka second = new EmbeddedKafka().start()) {
            bootstrap = second.bootstrapServers();
            directory = second.directory();
            assertTrue(Files.isDirectory(directory.resolve("log")), "the broker works in its own directory");
        }
        assertFalse(Files.exists(directory), "close() removes the broker's directory " + directory);
        EmbeddedKafka stopped = new EmbeddedKafka();
        assertThrows(IllegalStateException.class, stopped::bootstrapServers);
        assertTrue(bootstrap.startsWith("127.0.0.1:"));
    }
}
