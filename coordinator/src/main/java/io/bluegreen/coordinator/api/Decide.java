package io.bluegreen.coordinator.api;

import io.micronaut.core.annotation.Nullable;
import io.micronaut.serde.annotation.Serdeable;

/** Who decides (approve, retry, rollback), and why. */
@Serdeable
public record Decide(@Nullable String by, @Nullable String reason) {

    public String who() {
        return by == null || by.isBlank() ? "anonymous" : by;
    }
}
