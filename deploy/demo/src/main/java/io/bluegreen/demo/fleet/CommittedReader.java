package io.bluegreen.demo.fleet;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.function.Consumer;

/**
 * Reads topics from their beginning on its own thread, committed records only ({@code isolation.level =
 * read_committed}: a command or event of an aborted coordinator transaction is never seen), every partition assigned
 * (no consumer group), and hands each record to a handler. Tuned for latency: a fetch waits 5 ms at most.
 */
final class CommittedReader implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(CommittedReader.class);

    private final String name;
    private final KafkaConsumer<byte[], byte[]> consumer;
    private final List<String> topics;
    private final Consumer<ConsumerRecord<byte[], byte[]>> handler;
    private final Thread thread;
    private volatile boolean running = true;
    private volatile RuntimeException failure;

    CommittedReader(String name, String bootstrapServers, List<String> topics,
                    Consumer<ConsumerRecord<byte[], byte[]>> handler) {
        this.name = name;
        this.topics = List.copyOf(topics);
        this.handler = handler;
        Properties config = new Properties();
        config.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        config.put(ConsumerConfig.CLIENT_ID_CONFIG, "fleet-" + name);
        config.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        config.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        config.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        config.put(ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG, 5);
        config.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 2000);
        this.consumer = new KafkaConsumer<>(config, new ByteArrayDeserializer(), new ByteArrayDeserializer());
        this.thread = new Thread(this::run, "fleet-" + name);
        this.thread.setDaemon(true);
    }

    CommittedReader start() {
        List<TopicPartition> partitions = new ArrayList<>();
        for (String topic : topics) {
            List<PartitionInfo> infos = consumer.partitionsFor(topic, Duration.ofSeconds(30));
            if (infos == null || infos.isEmpty()) {
                throw new IllegalStateException("Topic " + topic + " does not exist: create the bluegreen topics first");
            }
            infos.forEach(info -> partitions.add(new TopicPartition(topic, info.partition())));
        }
        consumer.assign(partitions);
        consumer.seekToBeginning(partitions);
        thread.start();
        return this;
    }

    /** The failure that stopped this reader, if any. */
    RuntimeException failure() {
        return failure;
    }

    private void run() {
        try {
            while (running) {
                for (ConsumerRecord<byte[], byte[]> record : consumer.poll(Duration.ofMillis(100))) {
                    handler.accept(record);
                }
            }
        } catch (WakeupException e) {
            if (running) {
                failure = e;
            }
        } catch (RuntimeException e) {
            failure = e;
            LOG.error("Reader {} of {} stopped: {}", name, topics, e.toString(), e);
        } finally {
            consumer.close(Duration.ofSeconds(2));
        }
    }

    @Override
    public void close() {
        running = false;
        consumer.wakeup();
        try {
            thread.join(5_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
