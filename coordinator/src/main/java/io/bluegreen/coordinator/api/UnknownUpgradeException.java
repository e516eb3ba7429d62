package io.bluegreen.coordinator.api;

/** No upgrade has this id. */
public final class UnknownUpgradeException extends RuntimeException {

    public UnknownUpgradeException(String upgradeId) {
        super("No upgrade with id " + upgradeId + ": list them with GET /upgrades");
    }
}
