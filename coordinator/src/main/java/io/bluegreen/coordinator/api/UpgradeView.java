package io.bluegreen.coordinator.api;

import io.bluegreen.coordinator.saga.UpgradeState;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.serde.annotation.Serdeable;

import java.util.List;
import java.util.Map;

/** An upgrade as the REST API shows it. */
@Serdeable
public record UpgradeView(String upgradeId, String phase, @Nullable String failedPhase, @Nullable String lastFailure,
                          String blue, String targetVersion, List<String> databases, List<String> waitingFor,
                          Map<String, String> data) {

    public static UpgradeView of(UpgradeState state) {
        return new UpgradeView(state.upgradeId(), state.phase().name(), state.failedPhase().map(Enum::name).orElse(null),
                state.lastFailure().orElse(null), String.valueOf(state.plan().getBlue().getIdentifier()),
                state.plan().getTargetVersion(), state.plan().getDatabases(),
                state.pending().values().stream().map(d -> d.key() + " (attempt " + d.attempt() + ")").toList(),
                state.data());
    }
}
