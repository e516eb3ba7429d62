package io.bluegreen.monitor.lag;

import java.util.List;
import java.util.Objects;

/**
 * An upgrade whose replication is watched: Blue and Green, the replicated databases, and the plan's lag
 * threshold. Learned from {@code ReplicationEstablished} on the upgrade events topic.
 */
public record WatchedUpgrade(String upgradeId, Endpoint blue, Endpoint green, List<DatabaseNames> databases,
                             long lagThresholdBytes, long holdDurationMs) {

    public WatchedUpgrade {
        Objects.requireNonNull(upgradeId, "upgradeId");
        Objects.requireNonNull(blue, "blue");
        Objects.requireNonNull(green, "green");
        databases = List.copyOf(databases);
    }
}
