package io.bluegreen.schemas;

import org.apache.avro.specific.SpecificRecord;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * One topic of the catalogue.
 *
 * @param name         topic name
 * @param retention    how long records are kept; empty means forever
 * @param description  what the topic is for
 * @param messageTypes the record types it carries (several per topic, told apart by schema fingerprint)
 */
public record TopicSpec(String name, Optional<Duration> retention, String description,
                        List<Class<? extends SpecificRecord>> messageTypes) {

    public TopicSpec {
        messageTypes = List.copyOf(messageTypes);
    }

    /** Every topic is delete-only: none is compacted, so no history is ever folded away. */
    public String cleanupPolicy() {
        return "delete";
    }

    /** Topic-level configuration for creation. */
    public Map<String, String> config() {
        return Map.of(
                "cleanup.policy", cleanupPolicy(),
                "retention.ms", Long.toString(retention.map(Duration::toMillis).orElse(-1L)),
                "retention.bytes", "-1");
    }
}
