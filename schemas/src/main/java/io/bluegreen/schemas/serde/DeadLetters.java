package io.bluegreen.schemas.serde;

import io.bluegreen.schemas.Topics;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.internals.RecordHeader;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Builds the dead-letter record for a record that could not be decoded or handled: the original key and
 * bytes, untouched, plus headers naming where it came from and why.
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

    public static ProducerRecord<byte[], byte[]> of(ConsumerRecord<byte[], byte[]> record, String reason,
                                                    Throwable error, String handler) {
        List<Header> headers = new ArrayList<>();
        record.headers().forEach(headers::add);
        headers.add(header(SOURCE_TOPIC, record.topic()));
        headers.add(header(SOURCE_PARTITION, Integer.toString(record.partition())));
        headers.add(header(SOURCE_OFFSET, Long.toString(record.offset())));
        headers.add(header(REASON, reason));
        headers.add(header(ERROR, error == null ? "" : error.getClass().getName() + ": " + error.getMessage()));
        headers.add(header(HANDLER, handler));
        return new ProducerRecord<>(Topics.DEAD_LETTER, null, record.key(), record.value(), headers);
    }

    public static ProducerRecord<byte[], byte[]> of(ConsumerRecord<byte[], byte[]> record,
                                                    UndecodableMessageException error, String handler) {
        return of(record, error.reason().name(), error, handler);
    }

    private static Header header(String key, String value) {
        return new RecordHeader(key, value.getBytes(StandardCharsets.UTF_8));
    }
}
