package io.bluegreen.coordinator.fleet;

import io.bluegreen.coordinator.saga.UpgradeState;
import io.bluegreen.schemas.Topics;
import io.bluegreen.schemas.common.ClusterRef;
import io.bluegreen.schemas.common.Engine;
import io.bluegreen.schemas.common.SeedMethod;
import io.bluegreen.schemas.common.Strategy;
import io.bluegreen.schemas.common.SwitchoverMode;
import io.bluegreen.schemas.common.UpgradePhase;
import io.bluegreen.schemas.common.UpgradePlan;
import io.bluegreen.schemas.common.VerifyMode;
import io.bluegreen.schemas.event.PhaseEntered;
import io.bluegreen.schemas.event.StepDispatched;
import io.bluegreen.schemas.event.SwitchoverStarted;
import io.bluegreen.schemas.event.UpgradeRequested;
import org.apache.avro.specific.SpecificRecord;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/** Histories of one upgrade, written event by event, for the meters' tests. */
final class MeterHistories {

    static final Instant T0 = Instant.parse("2026-12-01T08:00:00Z");

    private final String upgradeId;
    private final List<SpecificRecord> events = new ArrayList<>();
    private UpgradePhase phase = UpgradePhase.REQUESTED;
    private int ids;

    MeterHistories(String upgradeId, Instant requestedAt) {
        this.upgradeId = upgradeId;
        ClusterRef blue = ClusterRef.newBuilder().setIdentifier(upgradeId).setRegion("eu-west-1").setEngine(Engine.POSTGRES)
                .setHost(upgradeId + ".local").setPort(5432).setCredentialsRef("admin").build();
        UpgradePlan plan = UpgradePlan.newBuilder().setBlue(blue).setTargetVersion("17.9").setDatabases(List.of("app"))
                .setStrategy(Strategy.SNAPSHOT).setLagThresholdBytes(1024).setHoldDurationMs(30_000)
                .setSwitchoverMode(SwitchoverMode.AUTOMATIC).setSeedMethod(SeedMethod.SLOT_ADVANCE)
                .setVerifyMode(VerifyMode.ROW_COUNT).build();
        events.add(new UpgradeRequested(upgradeId, id(), null, requestedAt, plan, "alice"));
    }

    private String id() {
        return upgradeId + "-ev-" + ++ids;
    }

    MeterHistories enter(UpgradePhase next, Instant at) {
        events.add(new PhaseEntered(upgradeId, id(), null, at, next, phase));
        phase = next;
        return this;
    }

    /** Dispatches a step's command with the given id and deadline. */
    MeterHistories dispatch(String step, String commandId, Instant at, Instant deadline) {
        String topic = step.equals("CloneCluster") ? Topics.AWS_COMMANDS : Topics.PG_COMMANDS;
        events.add(new StepDispatched(upgradeId, id(), null, at, commandId, step, topic, 1,
                step.equals("CloneCluster") || step.equals("RunSwitchover") ? null : "app", deadline));
        return this;
    }

    MeterHistories switchover(Instant at, Duration timeout) {
        events.add(new SwitchoverStarted(upgradeId, id(), null, at, 1, at.plus(timeout)));
        return dispatch("RunSwitchover", upgradeId + "-switchover", at, at.plus(timeout).plusSeconds(2));
    }

    List<SpecificRecord> events() {
        return events;
    }

    UpgradeState state() {
        return UpgradeState.fold(events);
    }
}
