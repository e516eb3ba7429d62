package io.bluegreen.coordinator.saga;

import org.apache.avro.specific.SpecificRecord;

/** A command to publish, and the topic it goes to. */
public record Outbound(String topic, SpecificRecord command) {
}
