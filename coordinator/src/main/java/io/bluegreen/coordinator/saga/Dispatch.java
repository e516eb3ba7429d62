package io.bluegreen.coordinator.saga;

/** A command sent and not answered yet. */
public record Dispatch(String commandId, String step, String database, int attempt) {

    public String key() {
        return database == null ? step : step + "|" + database;
    }
}
