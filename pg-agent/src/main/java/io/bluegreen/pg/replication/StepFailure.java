package io.bluegreen.pg.replication;

import io.bluegreen.schemas.common.FailureReason;

/**
 * A step refuses or cannot finish for a reason it understands (a slot past the snapshot LSN, a missing
 * object, a timeout): becomes a {@code StepFailed} result with this reason and message, never a crash.
 */
public final class StepFailure extends RuntimeException {

    private final FailureReason reason;
    private final boolean retryable;
    private final String errorCode;

    public StepFailure(FailureReason reason, boolean retryable, String message) {
        this(reason, retryable, null, message);
    }

    public StepFailure(FailureReason reason, boolean retryable, String errorCode, String message) {
        super(message);
        this.reason = reason;
        this.retryable = retryable;
        this.errorCode = errorCode;
    }

    public FailureReason reason() {
        return reason;
    }

    public boolean retryable() {
        return retryable;
    }

    public String errorCode() {
        return errorCode;
    }
}
