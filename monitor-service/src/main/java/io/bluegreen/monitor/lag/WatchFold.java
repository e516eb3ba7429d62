package io.bluegreen.monitor.lag;

import io.bluegreen.schemas.common.ClusterRef;
import io.bluegreen.schemas.common.ReplicatedDatabase;
import io.bluegreen.schemas.common.UpgradePhase;
import io.bluegreen.schemas.event.PhaseEntered;
import io.bluegreen.schemas.event.ReplicationEstablished;
import io.bluegreen.schemas.event.RolledBack;
import io.bluegreen.schemas.event.UpgradeCompleted;
import org.apache.avro.specific.SpecificRecord;

import java.util.Optional;

/**
 * Which upgrades are watched, as a fold of the upgrade events topic. Pure: no I/O.
 *
 * <ul>
 *   <li>{@code ReplicationEstablished} starts watching (a later one replaces the earlier: Green may have been
 *       recreated on a retry);</li>
 *   <li>{@code UpgradeCompleted}, {@code RolledBack}, or {@code PhaseEntered} CLEANING_UP / COMPLETED / ROLLED_BACK
 *       ends it (in CLEANING_UP traffic is on Green and the replication is dismantled on purpose: watching it
 *       would only raise "apply worker down");</li>
 *   <li>every other event leaves the watch as it is.</li>
 * </ul>
 */
public final class WatchFold {

    private WatchFold() {
    }

    /** What an event does to the watch of its upgrade. */
    public sealed interface Change {
        /** Start (or restart with new settings) watching. */
        record Watch(WatchedUpgrade upgrade) implements Change {
        }

        /** Stop watching: the upgrade is over. */
        record Unwatch(String upgradeId, String why) implements Change {
        }

        /** Nothing changes. */
        record None() implements Change {
        }
    }

    public static Change apply(SpecificRecord event) {
        if (event instanceof ReplicationEstablished established) {
            return new Change.Watch(toWatch(established));
        }
        if (event instanceof UpgradeCompleted completed) {
            return new Change.Unwatch(completed.getUpgradeId(), "upgrade completed");
        }
        if (event instanceof RolledBack rolledBack) {
            return new Change.Unwatch(rolledBack.getUpgradeId(), "upgrade rolled back");
        }
        if (event instanceof PhaseEntered phase
                && (phase.getPhase() == UpgradePhase.CLEANING_UP || phase.getPhase() == UpgradePhase.COMPLETED
                || phase.getPhase() == UpgradePhase.ROLLED_BACK)) {
            return new Change.Unwatch(phase.getUpgradeId(), "phase " + phase.getPhase());
        }
        return new Change.None();
    }

    static WatchedUpgrade toWatch(ReplicationEstablished event) {
        return new WatchedUpgrade(event.getUpgradeId(), endpoint(event.getUpgradeId(), "Blue", event.getBlue()),
                endpoint(event.getUpgradeId(), "Green", event.getGreen()),
                event.getDatabases().stream().map(WatchFold::names).toList(), event.getLagThresholdBytes(),
                event.getHoldDurationMs());
    }

    private static DatabaseNames names(ReplicatedDatabase database) {
        return new DatabaseNames(database.getDatabase(), database.getNames().getPublication(),
                database.getNames().getSlot(), database.getNames().getSubscription());
    }

    private static Endpoint endpoint(String upgradeId, String side, ClusterRef ref) {
        String host = Optional.ofNullable(ref.getHost()).orElseThrow(() -> new IllegalArgumentException(
                "ReplicationEstablished of upgrade " + upgradeId + " names no host for " + side
                        + " (identifier " + ref.getIdentifier() + "): the coordinator must resolve the endpoint first"));
        Integer port = Optional.ofNullable(ref.getPort()).orElse(5432);
        return new Endpoint(host, port, ref.getCredentialsRef());
    }
}
