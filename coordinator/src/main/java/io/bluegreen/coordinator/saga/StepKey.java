package io.bluegreen.coordinator.saga;

/** A step for the upgrade ({@code database} null) or for one of its databases. */
public record StepKey(Step step, String database) {

    @Override
    public String toString() {
        return database == null ? step.recordedName() : step.recordedName() + "|" + database;
    }
}
