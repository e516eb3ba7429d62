package io.bluegreen.pg.it;

import io.bluegreen.local.testbed.TestBed;
import io.bluegreen.local.testbed.WithTestBed;
import io.bluegreen.schemas.Topics;
import io.bluegreen.schemas.command.pg.AwaitInitialCopy;
import io.bluegreen.schemas.command.pg.UnfenceWrites;
import io.bluegreen.schemas.result.StepSucceeded;
import io.bluegreen.runtime.kafka.DeadLetters;
import io.bluegreen.schemas.serde.MessageCodec;
import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import io.micronaut.test.support.TestPropertyProvider;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.internals.RecordHeader;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Records on the command topic that are not pg commands go to the dead-letter topic with their bytes and
 * headers, and the agent keeps answering the next command (no crash loop, no silent skip). A command of the removed
 * logical-copy strategy ({@code AwaitInitialCopy}, replayed from an older history) is one of them.
 */
@WithTestBed
@MicronautTest
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class DeadLetterIT implements TestPropertyProvider {

    private static final String DB = "deadletter_app";
    private AgentHarness agent;
    private KafkaProducer<byte[], byte[]> raw;
    private KafkaConsumer<byte[], byte[]> deadLetters;

    @Override
    public Map<String, String> getProperties() {
        return AgentHarness.agentProperties();
    }

    @BeforeAll
    void setUp() {
        AgentHarness.freshDatabase(DB);
        agent = new AgentHarness();
        String bootstrap = TestBed.shared().kafka().bootstrapServers();
        raw = new KafkaProducer<>(Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap), new ByteArraySerializer(),
                new ByteArraySerializer());
        deadLetters = new KafkaConsumer<>(Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap), new ByteArrayDeserializer(),
                new ByteArrayDeserializer());
        List<TopicPartition> partitions = deadLetters.partitionsFor(Topics.DEAD_LETTER, Duration.ofSeconds(30)).stream()
                .map(p -> new TopicPartition(p.topic(), p.partition())).toList();
        deadLetters.assign(partitions);
        deadLetters.seekToEnd(partitions);
        partitions.forEach(deadLetters::position);
    }

    @AfterAll
    void tearDown() {
        agent.close();
        raw.close();
        deadLetters.close();
    }

    @Test
    void corruptAndForeignRecordsGoToTheDeadLetterTopicAndTheAgentGoesOn() throws Exception {
        byte[] key = agent.upgradeId().getBytes(StandardCharsets.UTF_8);
        byte[] corrupt = ("not a command " + UUID.randomUUID()).getBytes(StandardCharsets.UTF_8);
        ProducerRecord<byte[], byte[]> bad = new ProducerRecord<>(Topics.PG_COMMANDS, key, corrupt);
        bad.headers().add(new RecordHeader("trace-id", "t-1".getBytes(StandardCharsets.UTF_8)));
        raw.send(bad).get();
        StepSucceeded foreign = new StepSucceeded(agent.upgradeId(), "c", "X", 1, java.time.Instant.now(), "not a command",
                false, Map.of());
        byte[] foreignBytes = MessageCodec.standard().encode(foreign);
        raw.send(new ProducerRecord<>(Topics.PG_COMMANDS, key, foreignBytes)).get();
        AwaitInitialCopy removed = agent.command(new AwaitInitialCopy());
        removed.setTarget(AgentHarness.green(DB));
        removed.setNames(AgentHarness.names(DB));
        removed.setTimeoutMs(60_000L);
        byte[] removedBytes = MessageCodec.standard().encode(removed);
        raw.send(new ProducerRecord<>(Topics.PG_COMMANDS, key, removedBytes)).get();

        List<ConsumerRecord<byte[], byte[]>> found = new ArrayList<>();
        await().atMost(Duration.ofSeconds(60)).until(() -> {
            deadLetters.poll(Duration.ofMillis(200)).forEach(record -> {
                if (Arrays.equals(record.key(), key)) {
                    found.add(record);
                }
            });
            return found.size() >= 3;
        });
        ConsumerRecord<byte[], byte[]> first = found.stream().filter(r -> Arrays.equals(r.value(), corrupt)).findFirst().orElseThrow();
        assertEquals("NOT_AVRO", header(first, DeadLetters.REASON));
        assertEquals(Topics.PG_COMMANDS, header(first, DeadLetters.SOURCE_TOPIC));
        assertEquals("t-1", header(first, "trace-id"), "the original headers travel along");
        assertEquals("bluegreen-pg-agent", header(first, DeadLetters.HANDLER));
        ConsumerRecord<byte[], byte[]> second = found.stream().filter(r -> Arrays.equals(r.value(), foreignBytes)).findFirst().orElseThrow();
        assertArrayEquals(foreignBytes, second.value());
        assertEquals("NOT_FOR_THIS_SERVICE", header(second, DeadLetters.REASON));
        ConsumerRecord<byte[], byte[]> third = found.stream().filter(r -> Arrays.equals(r.value(), removedBytes)).findFirst()
                .orElseThrow();
        assertEquals("NOT_FOR_THIS_SERVICE", header(third, DeadLetters.REASON), "no step answers AwaitInitialCopy any more");

        UnfenceWrites next = agent.command(new UnfenceWrites());
        next.setTarget(AgentHarness.blue(DB));
        StepSucceeded answered = agent.send(next);
        assertTrue(answered.getAlreadyDone(), answered.toString());
    }

    private static String header(ConsumerRecord<byte[], byte[]> record, String name) {
        var header = record.headers().lastHeader(name);
        return header == null ? null : new String(header.value(), StandardCharsets.UTF_8);
    }
}
