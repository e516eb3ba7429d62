package io.bluegreen.coordinator.saga;

import java.time.Duration;
import java.util.EnumMap;
import java.util.Map;

/**
 * How long each step's command may go without an answer or a progress report: the step's default
 * ({@link Step#defaultTimeout()}) unless overridden. Not used for {@link Step#RUN_SWITCHOVER}, which the plan's
 * {@code switchoverTimeout} bounds.
 */
public final class StepTimeouts {

    private final Map<Step, Duration> overrides;

    private StepTimeouts(Map<Step, Duration> overrides) {
        this.overrides = Map.copyOf(overrides);
    }

    public static StepTimeouts defaults() {
        return new StepTimeouts(Map.of());
    }

    /** These timeouts with {@code step}'s set to {@code timeout}. */
    public StepTimeouts with(Step step, Duration timeout) {
        if (timeout.isNegative() || timeout.isZero()) {
            throw new IllegalArgumentException("The timeout of " + step + " must be positive, not " + timeout);
        }
        Map<Step, Duration> next = new EnumMap<>(Step.class);
        next.putAll(overrides);
        next.put(step, timeout);
        return new StepTimeouts(next);
    }

    /** Overrides by recorded step name (as configuration gives them), e.g. {@code CloneCluster -> 30m}. */
    public static StepTimeouts of(Map<String, Duration> byName) {
        StepTimeouts timeouts = defaults();
        for (Map.Entry<String, Duration> entry : byName.entrySet()) {
            timeouts = timeouts.with(Step.of(entry.getKey()), entry.getValue());
        }
        return timeouts;
    }

    public Duration of(Step step) {
        return overrides.getOrDefault(step, step.defaultTimeout());
    }
}
