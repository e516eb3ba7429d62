package io.bluegreen.aws.step;

import io.bluegreen.schemas.common.FailureReason;

/** A step cannot go on, for a reason no retry fixes; the message says what to do. */
public final class StepRefused extends RuntimeException {

    private final FailureReason reason;
    private final String errorCode;

    public StepRefused(FailureReason reason, String message) {
        this(reason, null, message);
    }

    /** @param errorCode the AWS error code behind the refusal, when there is one */
    public StepRefused(FailureReason reason, String errorCode, String message) {
        super(message);
        this.reason = reason;
        this.errorCode = errorCode;
    }

    /** A cluster (Aurora) or instance (RDS) that does not exist, with the code AWS gives for it. */
    public static StepRefused notFound(boolean aurora, String message) {
        return new StepRefused(FailureReason.NOT_FOUND, aurora ? "DBClusterNotFoundFault" : "DBInstanceNotFound", message);
    }

    public FailureReason reason() {
        return reason;
    }

    public String errorCode() {
        return errorCode;
    }
}
