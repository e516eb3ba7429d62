package io.bluegreen.runtime.kafka;

import io.bluegreen.schemas.Topics;
import io.bluegreen.schemas.serde.UndecodableMessageException;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.internals.RecordHeader;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Builds the dead-letter record for a record that could not be decoded or handled: the original key and
 * bytes, untouched, plus headers naming where it came from, which {@link DeadLetterReason}, the error and the
 * handler. Every service writes its dead letters through this class.
 */
public final class DeadLetters {

    public static final String SOURCE_TOPIC = "bluegreen.dlt.source-topic";
    public static final String SOURCE_PARTITION = "bluegreen.dlt.source-partition";
    public static final String SOURCE_OFFSET = "bluegreen.dlt.source-offset";
    public static final String REASON = "bluegreen.dlt.reason";
    public static final String ERROR = "bluegreen.dlt.error";
    public static final String HANDLER = "bluegreen.dlt.handler";

    private DeadLetters() {
    }

    /**
     * @param error   what went wrong; its message must hold no secret (it is copied into a header)
     * @param handler the service and consumer that gave up, e.g. {@code bluegreen-pg-agent}
     */
    public static ProducerRecord<byte[], byte[]> of(ConsumerRecord<byte[], byte[]> record, DeadLetterReason reason,
                                                    Throwable error, String handler) {
        Objects.requireNonNull(reason, "reason");
        List<Header> headers = new ArrayList<>();
        record.headers().forEach(headers::add);
        headers.add(header(SOURCE_TOPIC, record.topic()));
        headers.add(header(SOURCE_PARTITION, Integer.toString(record.partition())));
        headers.add(header(SOURCE_OFFSET, Long.toString(record.offset())));
        headers.add(header(REASON, reason.name()));
        headers.add(header(ERROR, error == null ? "" : error.getClass().getName() + ": " + error.getMessage()));
        headers.add(header(HANDLER, handler));
        return new ProducerRecord<>(Topics.DEAD_LETTER, null, record.key(), record.value(), headers);
    }

    /** The dead letter of a record that did not decode, with the reason its failure maps to. */
    public static ProducerRecord<byte[], byte[]> of(ConsumerRecord<byte[], byte[]> record,
                                                    UndecodableMessageException error, String handler) {
        return of(record, DeadLetterReason.of(error.reason()), error, handler);
    }

    private static Header header(String key, String value) {
        return new RecordHeader(key, value.getBytes(StandardCharsets.UTF_8));
    }
}
