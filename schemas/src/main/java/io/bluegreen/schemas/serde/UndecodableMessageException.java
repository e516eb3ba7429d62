package io.bluegreen.schemas.serde;

/**
 * A record's value could not be decoded into a bluegreen message. Carries where the record came from so a
 * listener can send it to the dead-letter topic; never swallowed.
 */
public final class UndecodableMessageException extends RuntimeException {

    /** Why decoding failed. */
    public enum Reason {
        /** Not Avro single-object encoded (wrong marker, too short, empty). */
        NOT_SINGLE_OBJECT_ENCODED,
        /** The schema fingerprint is not one of ours, current or released. */
        UNKNOWN_SCHEMA,
        /** The header was fine but the body did not decode with the writer schema. */
        CORRUPT_BODY,
        /** A valid message of a type this consumer does not accept. */
        UNEXPECTED_TYPE
    }

    private final String topic;
    private final int partition;
    private final long offset;
    private final Reason reason;
    private final String fingerprint;

    public UndecodableMessageException(String topic, int partition, long offset, Reason reason, String fingerprint,
                                       String detail, Throwable cause) {
        super(describe(topic, partition, offset, reason, fingerprint, detail), cause);
        this.topic = topic;
        this.partition = partition;
        this.offset = offset;
        this.reason = reason;
        this.fingerprint = fingerprint;
    }

    private static String describe(String topic, int partition, long offset, Reason reason, String fingerprint,
                                   String detail) {
        String where = topic + (partition >= 0 ? "-" + partition + "@" + offset : "");
        String what = switch (reason) {
            case NOT_SINGLE_OBJECT_ENCODED -> "is not an Avro single-object encoded message";
            case UNKNOWN_SCHEMA -> "has schema fingerprint " + fingerprint + " that this service does not know "
                    + "(a newer producer? deploy the newer bluegreen-schemas)";
            case CORRUPT_BODY -> "has a body that does not decode with its schema (fingerprint " + fingerprint + ")";
            case UNEXPECTED_TYPE -> "holds a message this consumer does not accept";
        };
        return "Record " + where + " " + what + (detail == null ? "" : ": " + detail)
                + "; send it to " + io.bluegreen.schemas.Topics.DEAD_LETTER;
    }

    /** The same failure, placed at a partition and offset. */
    public UndecodableMessageException at(int partition, long offset) {
        return new UndecodableMessageException(topic, partition, offset, reason, fingerprint, null, getCause());
    }

    public String topic() {
        return topic;
    }

    /** -1 when the failure was raised where the partition is not known (inside a Kafka deserializer). */
    public int partition() {
        return partition;
    }

    /** -1 when the failure was raised where the offset is not known (inside a Kafka deserializer). */
    public long offset() {
        return offset;
    }

    public Reason reason() {
        return reason;
    }

    /** Hex fingerprint from the header, or null when there was no valid header. */
    public String fingerprint() {
        return fingerprint;
    }
}
