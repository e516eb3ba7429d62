package io.bluegreen.runtime.agent;

import org.apache.avro.specific.SpecificRecord;

/**
 * One command type's step: does the work (idempotently: it checks what exists and creates only what is missing)
 * and returns the result that answers the command, stamped through the {@link StepContext}. It throws
 * {@link StepFailure} for a failure it understands; any other exception goes to the agent's
 * {@link ErrorClassifier}. A long step needs nothing special: the runtime reports it in progress while it runs.
 */
@FunctionalInterface
public interface Step<C extends SpecificRecord> {

    SpecificRecord run(C command, StepContext context) throws Exception;
}
