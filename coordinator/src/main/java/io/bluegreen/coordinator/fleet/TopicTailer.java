package io.bluegreen.coordinator.fleet;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndTimestamp;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.stream.Collectors;

/**
 * Reads every partition of one topic on a thread of its own, without a consumer group (each coordinator instance
 * reads everything), and hands each record to the view that owns it. The one loop behind the coordinator's views
 * ({@link ReadView}, {@link LagView}, {@link AlertView}): assign, seek, poll until closed, close the consumer on the
 * way out.
 */
final class TopicTailer implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(TopicTailer.class);

    private final KafkaConsumer<byte[], byte[]> consumer;
    private final String topic;
    private final Duration pollTimeout;
    private final Consumer<ConsumerRecord<byte[], byte[]>> onRecord;
    private final Consumer<KafkaConsumer<byte[], byte[]>> afterPoll;
    private final Thread thread;
    private volatile boolean running = true;

    /**
     * @param onRecord  takes each record, on the tail's thread
     * @param afterPoll runs after every poll on the tail's thread, with the consumer (e.g. to note positions)
     */
    TopicTailer(KafkaConsumer<byte[], byte[]> consumer, String topic, String threadName, Duration pollTimeout,
                Consumer<ConsumerRecord<byte[], byte[]>> onRecord, Consumer<KafkaConsumer<byte[], byte[]>> afterPoll) {
        this.consumer = consumer;
        this.topic = topic;
        this.pollTimeout = pollTimeout;
        this.onRecord = onRecord;
        this.afterPoll = afterPoll;
        this.thread = new Thread(this::run, threadName);
        this.thread.setDaemon(true);
    }

    /**
     * Assigns every partition of the topic, seeks each to the first record at or after {@code since} (empty: the
     * beginning; a partition with nothing that recent starts at its end), and starts the thread.
     *
     * @return the topic's partitions
     */
    List<TopicPartition> start(Optional<Instant> since) {
        List<TopicPartition> partitions = consumer.partitionsFor(topic, Duration.ofSeconds(30)).stream()
                .map(p -> new TopicPartition(p.topic(), p.partition())).toList();
        consumer.assign(partitions);
        if (since.isEmpty()) {
            consumer.seekToBeginning(partitions);
        } else {
            long at = since.get().toEpochMilli();
            Map<TopicPartition, OffsetAndTimestamp> starts = consumer.offsetsForTimes(
                    partitions.stream().collect(Collectors.toMap(p -> p, p -> at)), Duration.ofSeconds(30));
            for (TopicPartition partition : partitions) {
                OffsetAndTimestamp start = starts.get(partition);
                if (start == null) {
                    consumer.seekToEnd(List.of(partition));
                } else {
                    consumer.seek(partition, start.offset());
                }
            }
        }
        thread.start();
        return partitions;
    }

    /** False once closed or stopped by an error. */
    boolean running() {
        return running;
    }

    private void run() {
        try {
            while (running) {
                for (ConsumerRecord<byte[], byte[]> record : consumer.poll(pollTimeout)) {
                    onRecord.accept(record);
                }
                afterPoll.accept(consumer);
            }
        } catch (WakeupException e) {
            if (running) {
                LOG.error("The tail of {} was woken up while running: it stopped", topic, e);
            }
        } catch (RuntimeException e) {
            LOG.error("The tail of {} stopped: {}", topic, e.toString(), e);
        } finally {
            running = false;
            consumer.close();
        }
    }

    @Override
    public void close() {
        running = false;
        consumer.wakeup();
        try {
            thread.join(5000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
