package io.bluegreen.coordinator.fleet;

import io.bluegreen.schemas.Topics;
import io.bluegreen.schemas.request.RequestAnswered;
import io.bluegreen.schemas.serde.MessageCodec;
import io.bluegreen.schemas.serde.UndecodableMessageException;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * How the REST API of any coordinator reaches the coordinator that owns an upgrade: it writes the request on
 * {@code bluegreen.upgrade.requests} with the upgrade's key, and waits for the {@code RequestAnswered} the owner
 * commits together with the events the request caused; then for its own read view to have read those events, so
 * the answer shows them.
 */
public final class RequestGateway implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(RequestGateway.class);

    /** No coordinator answered in time. */
    public static final class NoAnswerException extends RuntimeException {
        NoAnswerException(String message) {
            super(message);
        }
    }

    private final KafkaProducer<byte[], byte[]> producer;
    private final KafkaConsumer<byte[], byte[]> replies;
    private final ReadView view;
    private final Duration timeout;
    private final MessageCodec codec = MessageCodec.standard();
    private final Map<String, CompletableFuture<RequestAnswered>> waiting = new ConcurrentHashMap<>();
    private final Thread thread;
    private volatile boolean running = true;

    public RequestGateway(KafkaClients clients, String instanceId, ReadView view, Duration timeout) {
        this.producer = clients.producer("bluegreen-coordinator-api-" + instanceId, Map.of());
        this.replies = clients.consumer("bluegreen-coordinator-replies-" + instanceId, Map.of());
        this.view = view;
        this.timeout = timeout;
        List<TopicPartition> partitions = replies.partitionsFor(Topics.REPLIES, Duration.ofSeconds(30)).stream()
                .map(p -> new TopicPartition(p.topic(), p.partition())).toList();
        replies.assign(partitions);
        replies.seekToEnd(partitions);
        partitions.forEach(replies::position); // resolve now: a reply written after this is read
        this.thread = new Thread(this::run, "bluegreen-replies");
        this.thread.setDaemon(true);
        this.thread.start();
    }

    private void run() {
        try {
            while (running) {
                for (ConsumerRecord<byte[], byte[]> record : replies.poll(Duration.ofMillis(200))) {
                    try {
                        if (codec.decode(record) instanceof RequestAnswered answered) {
                            CompletableFuture<RequestAnswered> future = waiting.remove(answered.getRequestId());
                            if (future != null) {
                                future.complete(answered);
                            }
                        }
                    } catch (UndecodableMessageException e) {
                        LOG.error("Skipping a reply the coordinator cannot read: {}", e.getMessage());
                    }
                }
            }
        } catch (WakeupException e) {
            if (running) {
                throw e;
            }
        } finally {
            replies.close();
        }
    }

    /**
     * Sends a request and returns its answer once this instance's view shows what it caused.
     *
     * @throws NoAnswerException when no coordinator answers within the timeout
     */
    public RequestAnswered ask(UpgradeKey key, String requestId, SpecificRecord request) {
        CompletableFuture<RequestAnswered> answer = new CompletableFuture<>();
        waiting.put(requestId, answer);
        try {
            producer.send(new ProducerRecord<>(Topics.REQUESTS, key.bytes(), codec.encode(request)))
                    .get(timeout.toMillis(), TimeUnit.MILLISECONDS);
            RequestAnswered answered = answer.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
            if (!view.awaitEvents(answered.getUpgradeId(), answered.getEventsAfter(), timeout)) {
                LOG.warn("The read view has not read the events of request {} within {}; answering from what it has",
                        requestId, timeout);
            }
            return answered;
        } catch (TimeoutException e) {
            throw new NoAnswerException("No coordinator answered request " + requestId + " for " + key + " within "
                    + timeout.toSeconds() + " s: the partition's owner may be starting or rebalancing; try again, and check "
                    + "that coordinators are running and reach Kafka");
        } catch (ExecutionException e) {
            throw new NoAnswerException("Request " + requestId + " could not be written to " + Topics.REQUESTS + ": "
                    + e.getCause().getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new NoAnswerException("Interrupted while waiting for the answer to request " + requestId);
        } finally {
            waiting.remove(requestId);
        }
    }

    @Override
    public void close() {
        running = false;
        replies.wakeup();
        try {
            thread.join(5000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        producer.close(Duration.ofSeconds(5));
    }
}
