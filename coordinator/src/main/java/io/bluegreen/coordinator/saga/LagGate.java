package io.bluegreen.coordinator.saga;

import io.bluegreen.schemas.monitor.ReplicationLagMeasured;

import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Opens when every database of an upgrade has stayed caught up (lag known and at most the threshold, apply
 * worker alive, both sides reachable) for the hold duration. One bad sample resets that database's clock.
 * Kept in memory: after a coordinator restart the hold starts again, which only ever delays a switchover.
 */
public final class LagGate {

    private final List<String> databases;
    private final long thresholdBytes;
    private final Duration hold;
    private final Map<String, Instant> calmSince = new HashMap<>();

    public LagGate(List<String> databases, long thresholdBytes, Duration hold) {
        this.databases = List.copyOf(databases);
        this.thresholdBytes = thresholdBytes;
        this.hold = hold;
    }

    /** Records a sample; answers whether the gate is open now. */
    public boolean observe(ReplicationLagMeasured sample, Instant now) {
        boolean calm = sample.getBlueReachable() && sample.getGreenReachable() && sample.getWorkerAlive()
                && sample.getLagBytes() != null && sample.getLagBytes() <= thresholdBytes;
        if (calm) {
            calmSince.putIfAbsent(sample.getDatabase(), sample.getOccurredAt());
        } else {
            calmSince.remove(sample.getDatabase());
        }
        return isOpen(now);
    }

    public boolean isOpen(Instant now) {
        return databases.stream().allMatch(db -> calmSince.containsKey(db)
                && !calmSince.get(db).plus(hold).isAfter(now));
    }
}
