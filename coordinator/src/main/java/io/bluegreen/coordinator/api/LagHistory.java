package io.bluegreen.coordinator.api;

import io.bluegreen.coordinator.fleet.LagView;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.serde.annotation.Serdeable;

import java.util.List;
import java.util.Map;

/**
 * The recent lag of every database of an upgrade ({@code GET /upgrades/{id}/lag/history}), oldest point first: at
 * most {@code maxPoints} points per database, spanning at most {@code windowSeconds}.
 */
@Serdeable
public record LagHistory(String upgradeId, String phase, long thresholdBytes, int maxPoints, long windowSeconds,
                         List<DatabaseHistory> databases) {

    /** One database's points. */
    @Serdeable
    public record DatabaseHistory(String database, List<Point> points) {
    }

    /** A sample: when, and the lag then (null when it could not be measured). */
    @Serdeable
    public record Point(String at, @Nullable Long lagBytes) {
    }

    static LagHistory of(String upgradeId, String phase, long thresholdBytes, Map<String, List<LagView.Point>> history) {
        return new LagHistory(upgradeId, phase, thresholdBytes, LagView.HISTORY_POINTS, LagView.HISTORY.toSeconds(),
                history.entrySet().stream().map(e -> new DatabaseHistory(e.getKey(), e.getValue().stream()
                        .map(p -> new Point(p.at().toString(), p.lagBytes())).toList())).toList());
    }
}
