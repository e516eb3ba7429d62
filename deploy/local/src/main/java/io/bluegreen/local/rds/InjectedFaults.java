package io.bluegreen.local.rds;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Faults a test asks the local endpoint to produce, per RDS action, as AWS produces them: an error answer
 * ({@link Fault#throttling()}, an invalid state, a quota) for the next N calls of the action, a slow answer, or a
 * slow transition ({@link #slowTransition}: the resource stays {@code creating}, {@code modifying}, ... longer).
 * Each injected fault is used once; what was used is counted, so a test can tell the agent met it.
 */
public final class InjectedFaults {

    /**
     * One fault: an AWS error (code and HTTP status, as the SDK maps them to its typed exceptions), or a delay
     * before the real answer.
     */
    public record Fault(String code, int httpStatus, String message, Duration delay) {

        /** {@code Throttling}: the SDK and the agent back off and retry. */
        public static Fault throttling() {
            return new Fault("Throttling", 400, "Rate exceeded", Duration.ZERO);
        }

        /** {@code InvalidDBClusterStateFault}: the resource is busy; worth waiting for. */
        public static Fault invalidClusterState() {
            return new Fault("InvalidDBClusterStateFault", 400, "DB cluster is not in a valid state for this request "
                    + "(injected)", Duration.ZERO);
        }

        /** {@code InvalidDBInstanceState}: the resource is busy; worth waiting for. */
        public static Fault invalidInstanceState() {
            return new Fault("InvalidDBInstanceState", 400, "DB instance is not in a valid state for this request "
                    + "(injected)", Duration.ZERO);
        }

        /** A quota, e.g. {@code SnapshotQuotaExceeded} or {@code InstanceQuotaExceeded}: no retry helps. */
        public static Fault quotaExceeded(String code) {
            return new Fault(code, 400, "The request would exceed the account's quota (injected)", Duration.ZERO);
        }

        /** The real answer, after {@code delay}. */
        public static Fault slow(Duration delay) {
            return new Fault(null, 200, null, delay);
        }

        boolean isError() {
            return code != null;
        }
    }

    private final Map<String, Deque<Fault>> pending = new ConcurrentHashMap<>();
    private final Map<String, Integer> used = new ConcurrentHashMap<>();
    private final Map<String, Deque<Duration>> slowTransitions = new ConcurrentHashMap<>();
    private final Map<String, Integer> slowed = new ConcurrentHashMap<>();
    private final Map<String, Deque<String>> failedTransitions = new ConcurrentHashMap<>();
    private final Map<String, Integer> failedUsed = new ConcurrentHashMap<>();

    /**
     * The next {@code times} successful calls of {@code action} leave the resource they touch in its transitional
     * status for at least {@code duration} (instead of the endpoint's transition delay): {@code creating} for a
     * create or restore (the snapshot, for CreateDB[Cluster]Snapshot, while the instance shows {@code backing-up}),
     * {@code modifying} or {@code upgrading}, {@code rebooting}, {@code deleting}. Describe* answers that status
     * meanwhile. A call AWS refuses does not use one up.
     */
    public void slowTransition(String action, Duration duration, int times) {
        if (duration.isNegative() || times < 1) {
            throw new IllegalArgumentException("slowTransition(" + action + ", " + duration + ", " + times
                    + "): give a duration of zero or more and times of 1 or more");
        }
        Deque<Duration> queue = slowTransitions.computeIfAbsent(action, a -> new ArrayDeque<>());
        synchronized (queue) {
            for (int i = 0; i < times; i++) {
                queue.addLast(duration);
            }
        }
    }

    /** How many calls of {@code action} have been slowed by {@link #slowTransition}. */
    public int slowTransitionsUsed(String action) {
        return slowed.getOrDefault(action, 0);
    }

    /** The least transition time the current call of {@code action} must take, if a slow transition is pending; used up. */
    Optional<Duration> nextSlowTransition(String action) {
        Deque<Duration> queue = slowTransitions.get(action);
        if (queue == null) {
            return Optional.empty();
        }
        Duration duration;
        synchronized (queue) {
            duration = queue.pollFirst();
        }
        if (duration != null) {
            slowed.merge(action, 1, Integer::sum);
        }
        return Optional.ofNullable(duration);
    }

    /**
     * The work the next {@code times} calls of {@code action} start (an engine upgrade, a restore, ...) fails, as a
     * failed pg_upgrade does on AWS: the resource returns to {@code available} as it was.
     */
    public void failTransition(String action, String reason, int times) {
        if (times < 1) {
            throw new IllegalArgumentException("failTransition(" + action + ", " + times + "): give times of 1 or more");
        }
        Deque<String> queue = failedTransitions.computeIfAbsent(action, a -> new ArrayDeque<>());
        synchronized (queue) {
            for (int i = 0; i < times; i++) {
                queue.addLast(reason);
            }
        }
    }

    /** How many calls of {@code action} have had their work failed by {@link #failTransition}. */
    public int failedTransitionsUsed(String action) {
        return failedUsed.getOrDefault(action, 0);
    }

    /** The reason the current call of {@code action} must fail its work, if a failed transition is pending; used up. */
    Optional<String> nextFailedTransition(String action) {
        Deque<String> queue = failedTransitions.get(action);
        if (queue == null) {
            return Optional.empty();
        }
        String reason;
        synchronized (queue) {
            reason = queue.pollFirst();
        }
        if (reason != null) {
            failedUsed.merge(action, 1, Integer::sum);
        }
        return Optional.ofNullable(reason);
    }

    /** The next {@code times} calls of {@code action} meet {@code fault}. */
    public void inject(String action, Fault fault, int times) {
        Deque<Fault> queue = pending.computeIfAbsent(action, a -> new ArrayDeque<>());
        synchronized (queue) {
            for (int i = 0; i < times; i++) {
                queue.addLast(fault);
            }
        }
    }

    /** How many injected faults calls of {@code action} have met. */
    public int used(String action) {
        return used.getOrDefault(action, 0);
    }

    /** The fault this call of {@code action} meets, if one is pending; it is used up. */
    Optional<Fault> next(String action) {
        Deque<Fault> queue = pending.get(action);
        if (queue == null) {
            return Optional.empty();
        }
        Fault fault;
        synchronized (queue) {
            fault = queue.pollFirst();
        }
        if (fault != null) {
            used.merge(action, 1, Integer::sum);
        }
        return Optional.ofNullable(fault);
    }

    /** Applies the fault this call meets: waits for a slow one, throws an error one. */
    void apply(String action) throws InterruptedException {
        Optional<Fault> fault = next(action);
        if (fault.isEmpty()) {
            return;
        }
        if (!fault.get().delay().isZero()) {
            Thread.sleep(fault.get().delay().toMillis());
        }
        if (fault.get().isError()) {
            throw new RdsFault(fault.get().code(), fault.get().httpStatus(), fault.get().message());
        }
    }
}
