package io.bluegreen.monitor.lag;

import io.bluegreen.schemas.common.ClusterRef;
import io.bluegreen.schemas.common.ReplicatedDatabase;
import io.bluegreen.schemas.common.ReplicationNames;
import io.bluegreen.schemas.common.UpgradePhase;
import io.bluegreen.schemas.event.PhaseEntered;
import io.bluegreen.schemas.event.ReplicationEstablished;
import io.bluegreen.schemas.event.RolledBack;
import io.bluegreen.schemas.event.UpgradeCompleted;
import io.bluegreen.schemas.event.UpgradeFailed;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.time.Instant;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class WatchFoldTest {

    static ReplicationEstablished established(String upgradeId, String blueHost) {
        return ReplicationEstablished.newBuilder().setUpgradeId(upgradeId).setEventId("e1").setOccurredAt(Instant.EPOCH)
                .setBlue(ClusterRef.newBuilder().setHost(blueHost).setPort(5432).setCredentialsRef("blue").build())
                .setGreen(ClusterRef.newBuilder().setHost("green").setPort(6543).setCredentialsRef("green").build())
                .setDatabases(List.of(new ReplicatedDatabase("app",
                        new ReplicationNames("blue_green_pub_app", "blue_green_slot_app", "blue_green_sub_app"))))
                .setLagThresholdBytes(1024).setHoldDurationMs(60_000).build();
    }

    @Test
    void replicationEstablishedStartsWatchingBothEndpointsAndTheNames() {
        WatchFold.Change change = WatchFold.apply(established("u-1", "blue"));
        WatchedUpgrade upgrade = assertInstanceOf(WatchFold.Change.Watch.class, change).upgrade();
        assertEquals(new Endpoint("blue", 5432, "blue"), upgrade.blue());
        assertEquals(new Endpoint("green", 6543, "green"), upgrade.green());
        assertEquals(List.of(new DatabaseNames("app", "blue_green_pub_app", "blue_green_slot_app", "blue_green_sub_app")),
                upgrade.databases());
        assertEquals(1024, upgrade.lagThresholdBytes());
    }

    @Test
    void completedAndRolledBackEndTheWatch() {
        assertInstanceOf(WatchFold.Change.Unwatch.class, WatchFold.apply(UpgradeCompleted.newBuilder().setUpgradeId("u-1")
                .setEventId("e").setOccurredAt(Instant.EPOCH).setSummary("done").build()));
        assertInstanceOf(WatchFold.Change.Unwatch.class, WatchFold.apply(RolledBack.newBuilder().setUpgradeId("u-1")
                .setEventId("e").setOccurredAt(Instant.EPOCH).setSummary("back").build()));
    }

    @ParameterizedTest
    @EnumSource(UpgradePhase.class)
    void onlyTheFinalPhasesEndTheWatch(UpgradePhase phase) {
        WatchFold.Change change = WatchFold.apply(PhaseEntered.newBuilder().setUpgradeId("u-1").setEventId("e")
                .setOccurredAt(Instant.EPOCH).setPhase(phase).build());
        boolean ends = phase == UpgradePhase.CLEANING_UP || phase == UpgradePhase.COMPLETED
                || phase == UpgradePhase.ROLLED_BACK;
        assertEquals(ends, change instanceof WatchFold.Change.Unwatch, phase + " -> " + change);
    }

    @Test
    void aFailedUpgradeStaysWatched() {
        assertInstanceOf(WatchFold.Change.None.class, WatchFold.apply(UpgradeFailed.newBuilder().setUpgradeId("u-1")
                .setEventId("e").setOccurredAt(Instant.EPOCH).setPhase(UpgradePhase.REPLICATING).setReason(io.bluegreen.schemas.common.FailureReason.TIMEOUT)
                .setMessage("x").setRetryable(true)
                .build()));
    }

    @Test
    void anEndpointWithoutHostIsRefusedWithAClearMessage() {
        ReplicationEstablished event = established("u-9", "blue");
        event.getBlue().setHost(null);
        event.getBlue().setIdentifier("blue-cluster");
        IllegalArgumentException error = assertThrows(IllegalArgumentException.class, () -> WatchFold.apply(event));
        assertTrue(error.getMessage().contains("u-9") && error.getMessage().contains("blue-cluster"),
                error.getMessage());
    }
}
