package io.bluegreen.runtime.agent;

import io.bluegreen.schemas.common.FailureReason;
import org.apache.avro.specific.SpecificRecord;

/**
 * An agent's reading of the errors of its external system (SQLSTATE for PostgreSQL, AWS error codes for RDS),
 * walking the cause chain, never the message text. The runtime retries what is retryable and answers the rest
 * with {@code StepFailed}.
 */
@FunctionalInterface
public interface ErrorClassifier {

    /** A failure as a decision: why, whether a retry may help, the system's error code, what to tell the user. */
    record Classified(FailureReason reason, boolean retryable, String errorCode, String message) {
    }

    Classified classify(Throwable error, SpecificRecord command, StepContext context);
}
