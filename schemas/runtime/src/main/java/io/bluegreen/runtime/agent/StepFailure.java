package io.bluegreen.runtime.agent;

import io.bluegreen.schemas.common.FailureReason;

/**
 * A step refuses or cannot finish for a reason it understands (a slot past the snapshot LSN, a missing cluster, a
 * timeout): the runtime answers {@code StepFailed} with this reason, retryable flag, error code and message, never a
 * crash. The message says what, where and what to do, and holds no secret.
 */
public final class StepFailure extends RuntimeException {

    private final FailureReason reason;
    private final boolean retryable;
    private final String errorCode;

    public StepFailure(FailureReason reason, boolean retryable, String message) {
        this(reason, retryable, null, message);
    }

    /** @param errorCode the SQLSTATE or AWS error code behind the failure, when there is one */
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
