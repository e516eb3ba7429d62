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

import io.bluegreen.coordinator.saga.InvalidPlanException;
import io.bluegreen.coordinator.saga.PlanCheck;

import java.lang.reflect.RecordComponent;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;

/**
 * An upgrade plan as JSON. {@code upgradeId} is optional: give one to make a repeated request safe (the same
 * id answers the existing upgrade instead of starting a second one).
 */
@Serdeable
public record PlanRequest(@Nullable String upgradeId, @Nullable Blue blue, @Nullable String targetVersion,
                          @Nullable List<String> databases,
                          @Nullable String strategy, @Nullable Long lagThresholdBytes, @Nullable Long holdDurationMs,
                          @Nullable String switchoverMode, @Nullable String namePrefix, @Nullable String greenIdentifier,
                          @Nullable String seedMethod, @Nullable String repoint, @Nullable String greenCredentialsRef,
                          @Nullable String replicationCredentialsRef, @Nullable Long sequenceMargin,
                          @Nullable String verifyMode, @Nullable Long switchoverTimeoutMs,
                          @Nullable Integer switchoverAttempts, @Nullable Boolean verifyBeforeRepoint,
                          @Nullable Long maxTransactionAgeMs, @Nullable Boolean allowBlueReboot,
                          @Nullable Long oldBlueRetentionMs) {

    /** Blue: an AWS identifier and region, and/or an endpoint; credentials by reference only. */
    @Serdeable
    public record Blue(@Nullable String identifier, @Nullable String region, @Nullable String engine, @Nullable String host,
                       @Nullable Integer port, @Nullable String credentialsRef) {
    }

    /**
     * The plan, or every problem of the request at once ({@link InvalidPlanException}); a plan built here is checked
     * again by {@code Saga.start}.
     */
    public UpgradePlan toPlan() {
        List<PlanCheck.FieldProblem> problems = new ArrayList<>();
        if (blue == null) {
            problems.add(new PlanCheck.FieldProblem("blue", "required: Blue's identifier, region, engine, host, port and "
                    + "credentialsRef"));
        }
        if (targetVersion == null) {
            problems.add(new PlanCheck.FieldProblem("targetVersion", "required: the version to upgrade to, such as 17.9"));
        }
        if (databases == null) {
            problems.add(new PlanCheck.FieldProblem("databases", "required: the databases of Blue to upgrade"));
        }
        Engine engine = blue == null ? null : parse(Engine.class, blue.engine(), "blue.engine", Engine.POSTGRES, problems);
        Strategy strategy = parse(Strategy.class, this.strategy, "strategy", Strategy.SNAPSHOT, problems);
        SwitchoverMode mode = parse(SwitchoverMode.class, switchoverMode, "switchoverMode", SwitchoverMode.MANUAL, problems);
        SeedMethod seed = parse(SeedMethod.class, seedMethod, "seedMethod", SeedMethod.SLOT_ADVANCE, problems);
        RepointMethod repointMethod = parse(RepointMethod.class, repoint, "repoint", RepointMethod.EVENT, problems);
        VerifyMode verify = parse(VerifyMode.class, verifyMode, "verifyMode", VerifyMode.ROW_COUNT, problems);
        if (blue == null || targetVersion == null || databases == null) {
            throw new InvalidPlanException(problems);
        }
        ClusterRef ref = ClusterRef.newBuilder().setIdentifier(blue.identifier()).setRegion(blue.region())
                .setEngine(engine).setHost(blue.host()).setPort(blue.port() == null ? 5432 : blue.port())
                .setCredentialsRef(blue.credentialsRef() == null ? "" : blue.credentialsRef()).build();
        UpgradePlan plan = UpgradePlan.newBuilder().setBlue(ref).setTargetVersion(targetVersion).setDatabases(databases)
                .setStrategy(strategy)
                .setLagThresholdBytes(lagThresholdBytes == null ? 1024 * 1024 : lagThresholdBytes)
                .setHoldDurationMs(holdDurationMs == null ? 60_000 : holdDurationMs)
                .setSwitchoverMode(mode)
                .setNamePrefix(namePrefix == null ? "blue_green" : namePrefix)
                .setGreenIdentifier(greenIdentifier)
                .setSeedMethod(seed)
                .setRepointMethod(repointMethod)
                .setSwitchoverTimeoutMs(switchoverTimeoutMs == null ? 0 : switchoverTimeoutMs)
                .setSwitchoverAttempts(switchoverAttempts == null ? 0 : switchoverAttempts)
                .setVerifyBeforeRepoint(verifyBeforeRepoint != null && verifyBeforeRepoint)
                .setMaxTransactionAgeMs(maxTransactionAgeMs == null ? 0 : maxTransactionAgeMs)
                .setAllowBlueReboot(allowBlueReboot != null && allowBlueReboot)
                .setOldBlueRetentionMs(oldBlueRetentionMs == null ? 0 : oldBlueRetentionMs)
                .setGreenCredentialsRef(greenCredentialsRef).setReplicationCredentialsRef(replicationCredentialsRef)
                .setSequenceMargin(sequenceMargin == null ? 0 : sequenceMargin)
                .setVerifyMode(verify).build();
        if (!problems.isEmpty()) {
            // a value not understood is reported with everything else the plan's checks find
            problems.addAll(PlanCheck.problems(plan));
            throw new InvalidPlanException(problems);
        }
        return plan;
    }

    /** The names this request (and its {@code blue}) accept; anything else is refused. */
    static Set<String> fields() {
        return names(PlanRequest.class);
    }

    static Set<String> blueFields() {
        return names(Blue.class);
    }

    private static Set<String> names(Class<? extends Record> type) {
        return Arrays.stream(type.getRecordComponents()).map(RecordComponent::getName)
                .collect(Collectors.toCollection(TreeSet::new));
    }

    private static <E extends Enum<E>> E parse(Class<E> type, String value, String field, E fallback,
                                               List<PlanCheck.FieldProblem> problems) {
        if (value == null || value.isBlank()) {
            return fallback;
        }
        String normalized = value.trim().toUpperCase().replace('-', '_');
        List<String> allowed = Arrays.stream(type.getEnumConstants()).map(Enum::name).filter(n -> !n.equals("UNKNOWN"))
                .map(n -> n.toLowerCase()).toList();
        if (!allowed.contains(normalized.toLowerCase())) {
            // the removed logical_copy is understood (PlanCheck says what to use instead) but no longer offered
            List<String> offered = allowed.stream().filter(n -> !n.equals(Strategy.LOGICAL_COPY.name().toLowerCase())).toList();
            problems.add(new PlanCheck.FieldProblem(field, "'" + value + "' is not one of " + offered));
            return fallback;
        }
        return Enum.valueOf(type, normalized);
    }
}
