package io.bluegreen.demo.bench;

import io.bluegreen.schemas.serde.MessageCodec;
import io.bluegreen.schemas.serde.UndecodableMessageException;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Reads one topic from its end (no consumer group: every partition assigned), decodes each record with the
 * standard codec and hands it, with the time it arrived (epoch µs), to a handler on its own thread. Tuned for
 * latency: the broker answers a fetch after {@code fetch.max.wait.ms} = 5 ms at most, not 500.
 */
final class TopicTail implements AutoCloseable {

    /** Receives every decoded record. */
    interface Handler {
        void accept(SpecificRecord message, long receivedMicros);
    }

    private static final Logger LOG = LoggerFactory.getLogger(TopicTail.class);

    private final String topic;
    private final KafkaConsumer<String, byte[]> consumer;
    private final Handler handler;
    private final Thread thread;
    private final CountDownLatch positioned = new CountDownLatch(1);
    private final AtomicLong undecodable = new AtomicLong();
    private volatile RuntimeException failure;
    private volatile boolean running = true;

    TopicTail(String bootstrapServers, String topic, Handler handler) {
        this.topic = topic;
        this.handler = handler;
        Properties config = new Properties();
        config.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        config.put(ConsumerConfig.CLIENT_ID_CONFIG, "bench-" + topic);
        config.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        config.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "latest");
        config.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        config.put(ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG, 5);
        config.put(ConsumerConfig.FETCH_MIN_BYTES_CONFIG, 1);
        config.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        config.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        this.consumer = new KafkaConsumer<>(config);
        this.thread = new Thread(this::poll, "bench-tail-" + topic);
        this.thread.setDaemon(true);
    }

    /** Starts reading; returns once every partition is positioned at its end, so nothing published later is missed. */
    TopicTail start() throws InterruptedException {
        thread.start();
        if (!positioned.await(90, TimeUnit.SECONDS)) {
            throw new IllegalStateException("Could not position a consumer at the end of " + topic + " in 90 s");
        }
        if (failure != null) {
            throw new IllegalStateException("Could not read " + topic + ": " + failure.getMessage(), failure);
        }
        return this;
    }

    long undecodable() {
        return undecodable.get();
    }

    private void poll() {
        try {
            List<TopicPartition> partitions = partitions();
            consumer.assign(partitions);
            consumer.seekToEnd(partitions);
            partitions.forEach(consumer::position);
            positioned.countDown();
            while (running) {
                for (ConsumerRecord<String, byte[]> record : consumer.poll(Duration.ofMillis(100))) {
                    long received = BenchClock.nowMicros();
                    SpecificRecord message;
                    try {
                        message = MessageCodec.standard().decode(record);
                    } catch (UndecodableMessageException e) {
                        undecodable.incrementAndGet();
                        LOG.warn("Skipping a record of {} I cannot decode: {}", topic, e.getMessage());
                        continue;
                    }
                    handler.accept(message, received);
                }
            }
        } catch (WakeupException e) {
            if (running) {
                throw e;
            }
        } catch (RuntimeException e) {
            failure = e;
            LOG.error("Reading {} failed: {}", topic, e.getMessage(), e);
        } finally {
            positioned.countDown();
            consumer.close(Duration.ofSeconds(2));
        }
    }

    private List<TopicPartition> partitions() {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (true) {
            List<PartitionInfo> infos = consumer.partitionsFor(topic, Duration.ofSeconds(10));
            if (infos != null && !infos.isEmpty()) {
                return infos.stream().map(info -> new TopicPartition(topic, info.partition())).toList();
            }
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("Topic " + topic + " does not exist");
            }
            try {
                Thread.sleep(200);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("Interrupted while waiting for " + topic, e);
            }
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
