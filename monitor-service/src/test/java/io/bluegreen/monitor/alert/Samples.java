package io.bluegreen.monitor.alert;

import io.bluegreen.monitor.lag.Endpoint;
import io.bluegreen.monitor.lag.ProbeFailure;
import io.bluegreen.monitor.lag.ReplicationSample;
import io.bluegreen.monitor.lag.SlotStatus;
import io.bluegreen.monitor.lag.SubscriptionStatus;

import java.time.Instant;
import java.util.Map;

/** Builds samples for the alert tables. */
final class Samples {

    static final Endpoint BLUE = new Endpoint("blue.example", 5432, "blue");
    static final Endpoint GREEN = new Endpoint("green.example", 5432, "green");

    private Instant at = Instant.parse("2026-11-24T10:00:00Z");
    private long threshold = 1000;
    private ProbeFailure blueFailure;
    private ProbeFailure greenFailure;
    private SlotStatus slot = new SlotStatus("slot_app", 0L, 100L, "reserved", null, true);
    private SubscriptionStatus subscription = new SubscriptionStatus("app", "sub_app", true, true, "0/1", "0/1", 10L,
            0L, 0L);
    private String blueFingerprint = "f1";
    private String greenFingerprint = "f1";

    Samples lag(long lag) {
        slot = new SlotStatus(slot.slot(), lag, slot.retainedWalBytes(), slot.walStatus(), null, slot.active());
        return this;
    }

    Samples retained(long bytes, String walStatus) {
        slot = new SlotStatus(slot.slot(), slot.lagBytes(), bytes, walStatus, null, slot.active());
        return this;
    }

    Samples noSlot() {
        slot = null;
        return this;
    }

    Samples subscription(boolean enabled, boolean alive, long applyErrors, long syncErrors) {
        subscription = new SubscriptionStatus("app", "sub_app", enabled, alive, null, null, null, applyErrors, syncErrors);
        return this;
    }

    Samples noSubscription() {
        subscription = null;
        return this;
    }

    Samples blueDown() {
        blueFailure = new ProbeFailure("08001", "Connection refused");
        return this;
    }

    Samples greenDown() {
        greenFailure = new ProbeFailure(null, "no answer within 4000 ms");
        return this;
    }

    Samples fingerprints(String blue, String green) {
        blueFingerprint = blue;
        greenFingerprint = green;
        return this;
    }

    Samples at(Instant when) {
        at = when;
        return this;
    }

    ReplicationSample build() {
        return new ReplicationSample("u-1", "app", at, threshold, BLUE, GREEN, "slot_app", "sub_app", blueFailure,
                greenFailure, blueFailure == null ? slot : null, greenFailure == null ? subscription : null,
                blueFingerprint, greenFingerprint, Map.of());
    }
}
