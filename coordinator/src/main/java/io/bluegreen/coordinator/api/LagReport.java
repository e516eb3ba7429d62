package io.bluegreen.coordinator.api;

import io.bluegreen.schemas.monitor.ReplicationLagMeasured;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.serde.annotation.Serdeable;

import java.util.List;
import java.util.Map;

/** The latest lag sample of every database of an upgrade ({@code GET /upgrades/{id}/lag}). */
@Serdeable
public record LagReport(String upgradeId, String phase, long thresholdBytes, List<DatabaseLag> databases) {

    /** One database's latest sample; {@code lagBytes} is null when it could not be measured. */
    @Serdeable
    public record DatabaseLag(String database, @Nullable Long lagBytes, @Nullable Long retainedWalBytes,
                              boolean workerAlive, boolean blueReachable, boolean greenReachable, String measuredAt) {

        static DatabaseLag of(ReplicationLagMeasured s) {
            return new DatabaseLag(s.getDatabase(), s.getLagBytes(), s.getRetainedWalBytes(), s.getWorkerAlive(),
                    s.getBlueReachable(), s.getGreenReachable(), s.getOccurredAt().toString());
        }
    }

    static LagReport of(String upgradeId, String phase, long thresholdBytes, Map<String, ReplicationLagMeasured> latest) {
        return new LagReport(upgradeId, phase, thresholdBytes, latest.values().stream().map(DatabaseLag::of).toList());
    }
}
