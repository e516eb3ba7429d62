package io.bluegreen.aws.step;

import org.apache.avro.specific.SpecificRecord;

/** What one reconcile pass of a step found: done (with its result), or still waiting on the control plane. */
public sealed interface Pass {

    /** The step is complete; {@code result} answers the command. */
    record Done(SpecificRecord result) implements Pass {
    }

    /** Something is still creating / modifying / upgrading; {@code detail} says what. */
    record Waiting(String detail) implements Pass {
    }

    static Pass waiting(String detail) {
        return new Waiting(detail);
    }
}
