package io.bluegreen.pg.replication;

import io.bluegreen.schemas.common.FailureReason;

/**
 * What an error means for a step: {@code kind} decides what the agent does, {@code reason} and
 * {@code sqlState} go into a failure result.
 */
public record ErrorClass(Kind kind, FailureReason reason, String sqlState) {

    public enum Kind {
        /** The object exists (on create) or is gone (on drop): the step's goal holds. */
        ALREADY_DONE,
        /** Transient: try again after a pause. */
        RETRYABLE,
        /** Trying again will not help until someone changes something. */
        PERMANENT
    }

    public boolean retryable() {
        return kind == Kind.RETRYABLE;
    }
}
