package io.bluegreen.runtime.credentials;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;

/**
 * Values kept for a fixed time after they were loaded, then loaded again; {@link #forget} drops one at once. A zero
 * time keeps nothing. Thread-safe; two threads that miss the same key at once may both load it.
 */
final class ExpiringCache<V> {

    private record Entry<V>(V value, Instant expires) {
    }

    private final Duration keepFor;
    private final Clock clock;
    private final Map<String, Entry<V>> entries = new ConcurrentHashMap<>();

    ExpiringCache(Duration keepFor, Clock clock) {
        if (keepFor.isNegative()) {
            throw new IllegalArgumentException("A cache duration cannot be negative: " + keepFor);
        }
        this.keepFor = keepFor;
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    V get(String key, Function<String, V> load) {
        Entry<V> entry = entries.get(key);
        if (entry != null && clock.instant().isBefore(entry.expires())) {
            return entry.value();
        }
        V value = Objects.requireNonNull(load.apply(key), "loaded value");
        if (!keepFor.isZero()) {
            entries.put(key, new Entry<>(value, clock.instant().plus(keepFor)));
        }
        return value;
    }

    void forget(String key) {
        entries.remove(key);
    }
}
