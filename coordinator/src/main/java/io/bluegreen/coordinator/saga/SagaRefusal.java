package io.bluegreen.coordinator.saga;

/** A request the saga will not carry out in the upgrade's current state; the message says why and what to do. */
public final class SagaRefusal extends RuntimeException {

    public SagaRefusal(String message) {
        super(message);
    }
}
