package io.bluegreen.aws.messaging;

import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Optional;

/**
 * Headers of a continuation: a command the agent re-sent to its own topic because the step was still waiting
 * when its slice ended. The command bytes are unchanged (same command id); the headers say when the step first
 * started and when to look again. A restarted agent finds the continuation in the topic and carries on.
 */
final class Continuations {

    static final String STARTED_AT = "bluegreen.step-started-at";
    static final String NOT_BEFORE = "bluegreen.not-before";

    private Continuations() {
    }

    static Optional<Instant> startedAt(Headers headers) {
        return instant(headers, STARTED_AT);
    }

    static Optional<Instant> notBefore(Headers headers) {
        return instant(headers, NOT_BEFORE);
    }

    private static Optional<Instant> instant(Headers headers, String key) {
        Header header = headers.lastHeader(key);
        if (header == null) {
            return Optional.empty();
        }
        try {
            return Optional.of(Instant.ofEpochMilli(Long.parseLong(new String(header.value(), StandardCharsets.UTF_8))));
        } catch (NumberFormatException e) {
            return Optional.empty();
        }
    }

    static byte[] value(Instant instant) {
        return Long.toString(instant.toEpochMilli()).getBytes(StandardCharsets.UTF_8);
    }
}
