package io.bluegreen.monitor.lag;

import java.time.Instant;
import java.util.Map;

/**
 * One sample of one database of one upgrade: Blue's slot, Green's subscription and both schema fingerprints.
 * A field is null when its side did not answer or the object was not found.
 */
public record ReplicationSample(String upgradeId, String database, Instant occurredAt, long lagThresholdBytes,
                                Endpoint blue, Endpoint green, String slot, String subscription,
                                ProbeFailure blueFailure, ProbeFailure greenFailure,
                                SlotStatus slotStatus, SubscriptionStatus subscriptionStatus,
                                String blueFingerprint, String greenFingerprint, Map<String, String> tablesNotReady) {

    public boolean blueReachable() {
        return blueFailure == null;
    }

    public boolean greenReachable() {
        return greenFailure == null;
    }

    public Long lagBytes() {
        return slotStatus == null ? null : slotStatus.lagBytes();
    }

    public Long retainedWalBytes() {
        return slotStatus == null ? null : slotStatus.retainedWalBytes();
    }

    public boolean workerAlive() {
        return subscriptionStatus != null && subscriptionStatus.workerAlive();
    }

    /** Apply plus sync errors, null when unknown. */
    public Long errorCount() {
        if (subscriptionStatus == null || subscriptionStatus.applyErrors() == null) {
            return null;
        }
        Long sync = subscriptionStatus.syncErrors();
        return subscriptionStatus.applyErrors() + (sync == null ? 0 : sync);
    }
}
