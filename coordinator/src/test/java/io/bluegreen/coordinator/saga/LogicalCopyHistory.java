package io.bluegreen.coordinator.saga;

import io.bluegreen.schemas.Topics;
import io.bluegreen.schemas.common.SeedMethod;
import io.bluegreen.schemas.common.Strategy;
import io.bluegreen.schemas.common.SwitchoverMode;
import io.bluegreen.schemas.common.UpgradePhase;
import io.bluegreen.schemas.common.UpgradePlan;
import io.bluegreen.schemas.event.PhaseEntered;
import io.bluegreen.schemas.event.StepCompleted;
import io.bluegreen.schemas.event.StepDispatched;
import io.bluegreen.schemas.event.UpgradeRequested;
import org.apache.avro.specific.SpecificRecord;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The events the saga recorded for an upgrade with the {@code logical_copy} strategy before the strategy was removed,
 * written out as that saga wrote them: its phases and stages, the step names and command ids it recorded. The steps of
 * the last phase are dispatched and not answered.
 */
final class LogicalCopyHistory {

    /** The phases and stages of a logical-copy plan as the removed phase table had them ("|" marks a per-database step). */
    private static final Map<UpgradePhase, List<String>> PHASES = new LinkedHashMap<>();

    static {
        PHASES.put(UpgradePhase.PREFLIGHT, List.of("RunPreflight"));
        PHASES.put(UpgradePhase.PREPARING_BLUE, List.of("EnableLogicalReplication", "CreatePublication|"));
        PHASES.put(UpgradePhase.CLONING_GREEN, List.of("CreateCluster"));
        PHASES.put(UpgradePhase.SUBSCRIBING, List.of("CreateSubscription|"));
        PHASES.put(UpgradePhase.INITIAL_COPY, List.of("AwaitInitialCopy|"));
        PHASES.put(UpgradePhase.REPLICATING, List.of());
        PHASES.put(UpgradePhase.READY_FOR_SWITCHOVER, List.of());
    }

    private static final List<String> AWS = List.of("EnableLogicalReplication", "CreateCluster");

    private LogicalCopyHistory() {
    }

    static UpgradePlan plan() {
        return SagaDriver.plan(Strategy.LOGICAL_COPY, SeedMethod.SLOT_ADVANCE, SwitchoverMode.MANUAL);
    }

    /** The command id the removed saga gave a step's first dispatch. */
    static String commandId(String step, String database) {
        return Commands.commandId(SagaDriver.UPGRADE, database == null ? step : step + "|" + database, 1);
    }

    /** Requested at {@link SagaDriver#T0}, every phase up to {@code last} entered, the steps of {@code last} in flight. */
    static List<SpecificRecord> upTo(UpgradePhase last) {
        UpgradePlan plan = plan();
        String id = SagaDriver.UPGRADE;
        Instant at = SagaDriver.T0;
        int[] eventIds = {0};
        List<SpecificRecord> events = new ArrayList<>();
        events.add(new UpgradeRequested(id, "old-" + ++eventIds[0], null, at, plan, "alice"));
        UpgradePhase previous = UpgradePhase.REQUESTED;
        for (Map.Entry<UpgradePhase, List<String>> phase : PHASES.entrySet()) {
            events.add(new PhaseEntered(id, "old-" + ++eventIds[0], null, at, phase.getKey(), previous));
            previous = phase.getKey();
            for (String stage : phase.getValue()) {
                String step = stage.replace("|", "");
                List<String> databases = stage.endsWith("|") ? plan.getDatabases() : Arrays.asList((String) null);
                for (String database : databases) {
                    String commandId = commandId(step, database);
                    events.add(new StepDispatched(id, "old-" + ++eventIds[0], null, at, commandId, step,
                            AWS.contains(step) ? Topics.AWS_COMMANDS : Topics.PG_COMMANDS, 1, database,
                            at.plus(Duration.ofMinutes(10))));
                    if (phase.getKey() != last) {
                        events.add(new StepCompleted(id, "old-" + ++eventIds[0], commandId, at, step, step + " done",
                                step.equals("CreateCluster") ? Map.of("greenIdentifier", Commands.greenIdentifier(id, plan),
                                        "greenHost", "green.local", "greenPort", "6543") : Map.of()));
                    }
                }
            }
            if (phase.getKey() == last) {
                return events;
            }
        }
        throw new IllegalArgumentException(last + " is not a phase a logical-copy upgrade stopped in");
    }
}
