package io.bluegreen.coordinator.api;

import io.micronaut.core.annotation.Nullable;
import io.micronaut.serde.annotation.Serdeable;

/** Why a user decides (approve, retry, rollback, waive); who decides is the authenticated user. */
@Serdeable
public record Decide(@Nullable String reason) {
}
