package io.bluegreen.coordinator.saga;

/** A plan that cannot be run as given; the message says which field to fix. */
public final class InvalidPlanException extends IllegalArgumentException {

    public InvalidPlanException(String message) {
        super(message);
    }
}
