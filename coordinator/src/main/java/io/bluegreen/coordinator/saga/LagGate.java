package io.bluegreen.coordinator.saga;

import io.bluegreen.schemas.monitor.ReplicationLagMeasured;

import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Opens when every database of an upgrade has stayed caught up (lag known and at most the threshold, apply
 * worker alive, both sides reachable, no new apply or sync errors) for the hold duration, on fresh samples only:
 * a sample older than {@code maxSampleAge} when it arrives counts for nothing, and the gate stays shut for a
 * database whose last calm sample is older than that. One bad sample resets that database's clock. Kept in
 * memory: after a coordinator restart the hold starts again, which only ever delays a switchover.
 */
public final class LagGate {

    private final List<String> databases;
    private final long thresholdBytes;
    private final Duration hold;
    private final Duration maxSampleAge;
    private final Map<String, Instant> calmSince = new HashMap<>();
    private final Map<String, Instant> lastCalm = new HashMap<>();
    private final Map<String, Long> errorsSeen = new HashMap<>();

    public LagGate(List<String> databases, long thresholdBytes, Duration hold, Duration maxSampleAge) {
        this.databases = List.copyOf(databases);
        this.thresholdBytes = thresholdBytes;
        this.hold = hold;
        this.maxSampleAge = maxSampleAge;
    }

    /** Records a sample; answers whether the gate is open now. */
    public boolean observe(ReplicationLagMeasured sample, Instant now) {
        if (sample.getOccurredAt().isBefore(now.minus(maxSampleAge))) {
            return isOpen(now); // stale: taken too long ago to say anything about now
        }
        String db = sample.getDatabase();
        boolean newErrors = grew("apply|" + db, sample.getApplyErrors()) | grew("sync|" + db, sample.getSyncErrors());
        boolean calm = sample.getBlueReachable() && sample.getGreenReachable() && sample.getWorkerAlive() && !newErrors
                && sample.getLagBytes() != null && sample.getLagBytes() <= thresholdBytes;
        if (calm) {
            calmSince.putIfAbsent(db, sample.getOccurredAt());
            lastCalm.put(db, sample.getOccurredAt());
        } else {
            calmSince.remove(db);
            lastCalm.remove(db);
        }
        return isOpen(now);
    }

    public boolean isOpen(Instant now) {
        return databases.stream().allMatch(db -> calmSince.containsKey(db)
                && !calmSince.get(db).plus(hold).isAfter(now)
                && !lastCalm.get(db).isBefore(now.minus(maxSampleAge)));
    }

    /** The subscriptions' error counts in the latest samples, keyed {@code apply|db} and {@code sync|db}. */
    public Map<String, Long> errorsSeen() {
        return Map.copyOf(errorsSeen);
    }

    private boolean grew(String key, Long count) {
        if (count == null) {
            return false;
        }
        Long before = errorsSeen.put(key, count);
        return before != null && count > before;
    }
}
