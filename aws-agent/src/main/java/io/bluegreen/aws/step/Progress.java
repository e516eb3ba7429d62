package io.bluegreen.aws.step;

import org.apache.avro.specific.SpecificRecord;

/** What one pass of a step found: done (with its result), or still waiting on the control plane. */
public sealed interface Progress {

    /** The step is complete; {@code result} answers the command. */
    record Done(SpecificRecord result) implements Progress {
    }

    /** Something is still creating / modifying / upgrading; {@code detail} says what. */
    record Waiting(String detail) implements Progress {
    }

    static Progress waiting(String detail) {
        return new Waiting(detail);
    }
}
