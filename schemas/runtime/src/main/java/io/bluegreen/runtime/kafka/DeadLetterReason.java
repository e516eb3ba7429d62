package io.bluegreen.runtime.kafka;

import io.bluegreen.schemas.serde.UndecodableMessageException;

/**
 * Why a record went to the dead-letter topic: the one vocabulary of every service, written to the
 * {@link DeadLetters#REASON} header by name.
 */
public enum DeadLetterReason {

    /** The value is not Avro single-object encoded (wrong marker, too short, empty): not one of our messages. */
    NOT_AVRO,
    /** The schema fingerprint is not one of ours, current or released: a newer producer, or a foreign one. */
    UNKNOWN_SCHEMA,
    /** The header was fine but the body does not decode with its writer schema. */
    CORRUPT_BODY,
    /** A valid message, but not one this service consumes from this topic (a command for the other agent). */
    NOT_FOR_THIS_SERVICE,
    /** A message about an upgrade the partition's owner does not have (never planned, or planned elsewhere). */
    UNKNOWN_UPGRADE,
    /** What handling it would write is over the size limit; nothing was written. */
    TOO_LARGE,
    /** Decoded and accepted, but the service could not act on it; the error header says why. */
    HANDLER_FAILED;

    /** The reason for a decoding failure. */
    public static DeadLetterReason of(UndecodableMessageException.Reason reason) {
        return switch (reason) {
            case NOT_SINGLE_OBJECT_ENCODED -> NOT_AVRO;
            case UNKNOWN_SCHEMA -> UNKNOWN_SCHEMA;
            case CORRUPT_BODY -> CORRUPT_BODY;
            case UNEXPECTED_TYPE -> NOT_FOR_THIS_SERVICE;
        };
    }
}
