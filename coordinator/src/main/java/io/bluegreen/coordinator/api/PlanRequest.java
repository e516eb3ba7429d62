package io.bluegreen.coordinator.api;

import io.bluegreen.schemas.common.ClusterRef;
import io.bluegreen.schemas.common.Engine;
import io.bluegreen.schemas.common.RepointMethod;
import io.bluegreen.schemas.common.SeedMethod;
import io.bluegreen.schemas.common.Strategy;
import io.bluegreen.schemas.common.SwitchoverMode;
import io.bluegreen.schemas.common.UpgradePlan;
import io.bluegreen.schemas.common.VerifyMode;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.serde.annotation.Serdeable;

import java.util.List;

/**
 * An upgrade plan as JSON. {@code upgradeId} is optional: give one to make a repeated request safe (the same
 * id answers the existing upgrade instead of starting a second one).
 */
@Serdeable
public record PlanRequest(@Nullable String upgradeId, Blue blue, String targetVersion, List<String> databases,
                          @Nullable String strategy, @Nullable Long lagThresholdBytes, @Nullable Long holdDurationMs,
                          @Nullable String switchoverMode, @Nullable String namePrefix, @Nullable String greenIdentifier,
                          @Nullable String seedMethod, @Nullable String repoint, @Nullable String greenCredentialsRef,
                          @Nullable String replicationCredentialsRef, @Nullable Long sequenceMargin,
                          @Nullable String verifyMode, @Nullable String requestedBy, @Nullable Long switchoverTimeoutMs,
                          @Nullable Integer switchoverAttempts, @Nullable Boolean verifyBeforeRepoint,
                          @Nullable Long maxTransactionAgeMs) {

    /** Blue: an AWS identifier and region, and/or an endpoint; credentials by reference only. */
    @Serdeable
    public record Blue(@Nullable String identifier, @Nullable String region, String engine, @Nullable String host,
                       @Nullable Integer port, String credentialsRef) {
    }

    public UpgradePlan toPlan() {
        if (blue == null || blue.credentialsRef() == null || targetVersion == null || databases == null) {
            throw new IllegalArgumentException("A plan needs blue (with credentialsRef and engine), targetVersion and databases");
        }
        ClusterRef ref = ClusterRef.newBuilder().setIdentifier(blue.identifier()).setRegion(blue.region())
                .setEngine(parse(Engine.class, blue.engine(), "blue.engine", Engine.POSTGRES))
                .setHost(blue.host()).setPort(blue.port() == null ? 5432 : blue.port())
                .setCredentialsRef(blue.credentialsRef()).build();
        return UpgradePlan.newBuilder().setBlue(ref).setTargetVersion(targetVersion).setDatabases(databases)
                .setStrategy(parse(Strategy.class, strategy, "strategy", Strategy.SNAPSHOT))
                .setLagThresholdBytes(lagThresholdBytes == null ? 1024 * 1024 : lagThresholdBytes)
                .setHoldDurationMs(holdDurationMs == null ? 60_000 : holdDurationMs)
                .setSwitchoverMode(parse(SwitchoverMode.class, switchoverMode, "switchoverMode", SwitchoverMode.MANUAL))
                .setNamePrefix(namePrefix == null ? "blue_green" : namePrefix)
                .setGreenIdentifier(greenIdentifier)
                .setSeedMethod(parse(SeedMethod.class, seedMethod, "seedMethod", SeedMethod.SLOT_ADVANCE))
                .setRepointMethod(parse(RepointMethod.class, repoint, "repoint", RepointMethod.EVENT))
                .setSwitchoverTimeoutMs(switchoverTimeoutMs == null ? 0 : switchoverTimeoutMs)
                .setSwitchoverAttempts(switchoverAttempts == null ? 0 : switchoverAttempts)
                .setVerifyBeforeRepoint(verifyBeforeRepoint != null && verifyBeforeRepoint)
                .setMaxTransactionAgeMs(maxTransactionAgeMs == null ? 0 : maxTransactionAgeMs)
                .setGreenCredentialsRef(greenCredentialsRef).setReplicationCredentialsRef(replicationCredentialsRef)
                .setSequenceMargin(sequenceMargin == null ? 0 : sequenceMargin)
                .setVerifyMode(parse(VerifyMode.class, verifyMode, "verifyMode", VerifyMode.ROW_COUNT)).build();
    }

    private static <E extends Enum<E>> E parse(Class<E> type, String value, String field, E fallback) {
        if (value == null || value.isBlank()) {
            return fallback;
        }
        String normalized = value.trim().toUpperCase().replace('-', '_');
        try {
            E parsed = Enum.valueOf(type, normalized);
            if (parsed.name().equals("UNKNOWN")) {
                throw new IllegalArgumentException();
            }
            return parsed;
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(field + " '" + value + "' is not one of "
                    + java.util.Arrays.stream(type.getEnumConstants()).map(Enum::name).filter(n -> !n.equals("UNKNOWN")).toList());
        }
    }
}
