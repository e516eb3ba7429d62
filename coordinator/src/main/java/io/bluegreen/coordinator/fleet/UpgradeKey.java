package io.bluegreen.coordinator.fleet;

import io.bluegreen.schemas.common.ClusterRef;
import io.bluegreen.schemas.common.UpgradePlan;

import java.nio.charset.StandardCharsets;

/**
 * The Kafka key of every record of an upgrade: Blue's cluster identifier, or {@code host:port} when Blue has none.
 * Every upgrade of the same Blue lands on the same partition number of every topic, so the one coordinator that owns
 * that partition sees all of them and can refuse a second active upgrade of the same Blue without asking anyone.
 * Agents answer with their command's key and the monitor samples with its event's key, so results and lag samples
 * reach the same owner.
 */
public record UpgradeKey(String value) {

    public UpgradeKey {
        if (value == null || value.isBlank()) {
            throw new IllegalArgumentException("An upgrade key is Blue's identifier or host:port, not blank");
        }
    }

    public static UpgradeKey of(UpgradePlan plan) {
        return of(plan.getBlue());
    }

    public static UpgradeKey of(ClusterRef blue) {
        if (blue.getIdentifier() != null && !blue.getIdentifier().isBlank()) {
            return new UpgradeKey(blue.getIdentifier());
        }
        return new UpgradeKey(blue.getHost() + ":" + blue.getPort());
    }

    public byte[] bytes() {
        return value.getBytes(StandardCharsets.UTF_8);
    }

    @Override
    public String toString() {
        return value;
    }
}
