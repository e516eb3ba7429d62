package io.bluegreen.aws.step;

import io.bluegreen.schemas.common.FailureReason;

/** A step cannot go on, for a reason no retry fixes; the message says what to do. */
public final class StepRefused extends RuntimeException {

    private final FailureReason reason;

    public StepRefused(FailureReason reason, String message) {
        super(message);
        this.reason = reason;
    }

    public FailureReason reason() {
        return reason;
    }
}
