package io.bluegreen.coordinator.saga;

import java.time.Instant;
import java.util.Map;
import java.util.Optional;

/**
 * What an upgrade's switchover attempts have left in its history.
 *
 * @param attempts   attempts since the plan started or the last retry (the plan allows a number of them)
 * @param attempt    the number of the current (or last) attempt, 0 before the first
 * @param deadline   the current attempt's deadline: no proof by then (plus the grace for one hop) aborts it
 * @param errorsSeen the subscription error counts the monitor last reported when the switchover was approved,
 *                   keyed {@code apply|db} and {@code sync|db}; the guardrails refuse on more
 * @param mismatch   the verification after repoint found Green different from Blue
 */
public record SwitchoverState(int attempts, int attempt, Optional<Instant> deadline, Map<String, Long> errorsSeen,
                              boolean mismatch) {

    public static final SwitchoverState NONE = new SwitchoverState(0, 0, Optional.empty(), Map.of(), false);

    public SwitchoverState {
        errorsSeen = Map.copyOf(errorsSeen);
    }

    SwitchoverState approved(Map<String, Long> errors) {
        return new SwitchoverState(attempts, attempt, deadline, errors, mismatch);
    }

    SwitchoverState started(int number, Instant until) {
        return new SwitchoverState(attempts + 1, number, Optional.of(until), errorsSeen, mismatch);
    }

    SwitchoverState ended() {
        return new SwitchoverState(attempts, attempt, Optional.empty(), errorsSeen, mismatch);
    }

    SwitchoverState retried() {
        return new SwitchoverState(0, attempt, Optional.empty(), errorsSeen, mismatch);
    }

    SwitchoverState verified(boolean matched) {
        return new SwitchoverState(attempts, attempt, deadline, errorsSeen, mismatch || !matched);
    }

    /** The monitor's last count for a database, or null when it never reported one. */
    Long seen(String kind, String database) {
        return errorsSeen.get(kind + "|" + database);
    }
}
