package io.bluegreen.monitor.alert;

import io.bluegreen.schemas.common.AlertKind;

/** One alert slot of an upgrade: a database and a kind. At most one alert per key is open at a time. */
public record AlertKey(String database, AlertKind kind) {
}
