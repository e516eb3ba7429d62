package io.bluegreen.coordinator.saga;

import io.bluegreen.schemas.Topics;
import io.bluegreen.schemas.command.aws.CloneCluster;
import io.bluegreen.schemas.command.aws.ReadSnapshotLsnFromLog;
import io.bluegreen.schemas.command.aws.UpgradeEngine;
import io.bluegreen.schemas.command.pg.AdvanceSlot;
import io.bluegreen.schemas.command.pg.CreateSubscription;
import io.bluegreen.schemas.command.pg.RunPreflight;
import io.bluegreen.schemas.command.pg.VerifyData;
import io.bluegreen.schemas.common.ClusterRef;
import io.bluegreen.schemas.common.Engine;
import io.bluegreen.schemas.common.FailureReason;
import io.bluegreen.schemas.common.PreflightFinding;
import io.bluegreen.schemas.common.SeedMethod;
import io.bluegreen.schemas.common.Severity;
import io.bluegreen.schemas.common.SnapshotLsnMethod;
import io.bluegreen.schemas.common.Strategy;
import io.bluegreen.schemas.common.SwitchoverMode;
import io.bluegreen.schemas.common.TableVerification;
import io.bluegreen.schemas.common.UpgradePhase;
import io.bluegreen.schemas.common.UpgradePlan;
import io.bluegreen.schemas.common.VerifyMode;
import io.bluegreen.schemas.event.PhaseEntered;
import io.bluegreen.schemas.event.ReplicationEstablished;
import io.bluegreen.schemas.event.UpgradeCompleted;
import io.bluegreen.schemas.event.UpgradeFailed;
import io.bluegreen.schemas.monitor.ReplicationLagMeasured;
import io.bluegreen.schemas.result.ClusterReady;
import io.bluegreen.schemas.result.DataVerified;
import io.bluegreen.schemas.result.EngineUpgraded;
import io.bluegreen.schemas.result.PreflightCompleted;
import io.bluegreen.schemas.result.SnapshotLsnCaptured;
import io.bluegreen.schemas.result.StepFailed;
import io.bluegreen.schemas.result.StepSucceeded;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.specific.SpecificRecord;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The saga driven to its ends with answers written by hand: the transition table, tested as paths. */
class SagaTest {

    private static final Instant T0 = Instant.parse("2026-11-24T10:00:00Z");
    private final AtomicInteger ids = new AtomicInteger();
    private final Saga saga = new Saga(() -> "ev-" + ids.incrementAndGet());
    private final List<SpecificRecord> history = new ArrayList<>();
    private final List<Outbound> sent = new ArrayList<>();
    private UpgradeState state;

    private static UpgradePlan plan(Engine engine, SeedMethod seed, SwitchoverMode mode) {
        ClusterRef blue = ClusterRef.newBuilder().setIdentifier("orders").setRegion("eu-west-1").setEngine(engine)
                .setHost("orders.local").setPort(5432).setCredentialsRef("orders-admin").build();
        return UpgradePlan.newBuilder().setBlue(blue).setTargetVersion("17.9").setDatabases(List.of("app", "billing"))
                .setStrategy(Strategy.SNAPSHOT).setLagThresholdBytes(1024).setHoldDurationMs(30_000)
                .setSwitchoverMode(mode).setSeedMethod(seed).setVerifyMode(VerifyMode.ROW_COUNT).setRepoint(true).build();
    }

    private void apply(Decision decision) {
        history.addAll(decision.events());
        sent.addAll(decision.commands());
        state = UpgradeState.fold(history);
        assertEquals(state, UpgradeState.fold(List.copyOf(history)), "state is the fold of the events");
    }

    private List<Outbound> unanswered() {
        return sent.stream().filter(o -> state.pending().containsKey(commandId(o.command()))).toList();
    }

    private static String commandId(SpecificRecord command) {
        return String.valueOf(((GenericRecord) command).get("commandId"));
    }

    /** Answers every pending command with success until nothing is pending. */
    private void answerAll(Function<SpecificRecord, SpecificRecord> answers) {
        for (int round = 0; round < 50 && !state.pending().isEmpty(); round++) {
            for (Outbound out : unanswered()) {
                apply(saga.onResult(state, answers.apply(out.command()), T0));
            }
        }
    }

    private static SpecificRecord success(SpecificRecord command) {
        return AgentAnswers.success(command, T0);
    }

    private ReplicationLagMeasured lag(String db, long bytes, Instant at) {
        return ReplicationLagMeasured.newBuilder().setUpgradeId("upg-1").setOccurredAt(at).setDatabase(db)
                .setBlueReachable(true).setGreenReachable(true).setLagBytes(bytes).setSlotActive(true)
                .setWorkerAlive(true).build();
    }

    private List<UpgradePhase> phases() {
        return history.stream().filter(e -> e instanceof PhaseEntered).map(e -> ((PhaseEntered) e).getPhase()).toList();
    }

    private List<String> stepsSent() {
        return sent.stream().map(o -> o.command().getSchema().getName()).toList();
    }

    @Test
    void snapshotStrategyOnRdsRunsTheSeedsPhasesInOrderAndCompletes() {
        apply(saga.start("upg-1", plan(Engine.POSTGRES, SeedMethod.SLOT_ADVANCE, SwitchoverMode.MANUAL), "alice", T0));
        answerAll(SagaTest::success);
        assertEquals(UpgradePhase.REPLICATING, state.phase());
        assertEquals(List.of(UpgradePhase.PREFLIGHT, UpgradePhase.PREPARING_BLUE, UpgradePhase.CLONING_GREEN,
                UpgradePhase.CAPTURING_SNAPSHOT_LSN, UpgradePhase.CLEANING_GREEN, UpgradePhase.UPGRADING_GREEN,
                UpgradePhase.SEEDING_POSITION, UpgradePhase.SUBSCRIBING, UpgradePhase.REPLICATING), phases());
        assertTrue(stepsSent().indexOf("ReadSnapshotLsnFromLog") < stepsSent().indexOf("UpgradeEngine"),
                "the LSN is captured before Green is upgraded");
        assertTrue(stepsSent().lastIndexOf("CreatePublication") < stepsSent().indexOf("CreateSlot"),
                "publications exist before their slots");
        AdvanceSlot advance = (AdvanceSlot) sent.stream().filter(o -> o.command() instanceof AdvanceSlot).findFirst()
                .orElseThrow().command();
        assertEquals("0/3000938", advance.getLsn());
        assertEquals("blue_green_slot_app", advance.getNames().getSlot());
        CreateSubscription subscribe = (CreateSubscription) sent.stream().filter(o -> o.command() instanceof CreateSubscription)
                .findFirst().orElseThrow().command();
        assertFalse(subscribe.getCopyData());
        assertFalse(subscribe.getCreateSlot());
        assertEquals("green.local", subscribe.getTarget().getCluster().getHost(), "Green's endpoint from ClusterReady");
        ReplicationEstablished established = history.stream().filter(e -> e instanceof ReplicationEstablished)
                .map(e -> (ReplicationEstablished) e).findFirst().orElseThrow();
        assertEquals(6543, established.getGreen().getPort());

        LagGate gate = new LagGate(state.plan().getDatabases(), 1024, Duration.ofSeconds(30));
        assertFalse(gate.observe(lag("app", 10, T0), T0));
        assertFalse(gate.observe(lag("billing", 10, T0), T0.plusSeconds(29)), "held for less than 30 s");
        assertTrue(gate.observe(lag("billing", 10, T0.plusSeconds(29)), T0.plusSeconds(31)));
        apply(saga.onLagHeld(state, T0.plusSeconds(31)));
        assertEquals(UpgradePhase.READY_FOR_SWITCHOVER, state.phase(), "manual mode waits for an approval");
        apply(saga.approve(state, "bob", T0.plusSeconds(40)));
        answerAll(SagaTest::success);
        assertEquals(UpgradePhase.COMPLETED, state.phase());
        List<String> switchover = stepsSent().subList(stepsSent().indexOf("AnalyzeDatabase"), stepsSent().size());
        assertEquals(List.of("AnalyzeDatabase", "AnalyzeDatabase", "FenceWrites", "FenceWrites", "DrainReplication",
                "DrainReplication", "SyncSequences", "SyncSequences", "VerifyData", "VerifyData", "SwapEndpoints",
                "DropSubscription", "DropSubscription", "DropPublicationAndSlot", "DropPublicationAndSlot"), switchover,
                "the fenced window holds only what correctness needs: fence, drain, sequences, verify, repoint");
        List<UpgradePhase> last = phases().subList(phases().size() - 3, phases().size());
        assertEquals(List.of(UpgradePhase.SWITCHING_OVER, UpgradePhase.CLEANING_UP, UpgradePhase.COMPLETED), last);
        assertInstanceOf(UpgradeCompleted.class, history.get(history.size() - 1));
    }

    @Test
    void auroraReadsTheLsnWithAuroraFunctionAndOriginAdvanceCreatesTheSubscription() {
        apply(saga.start("upg-1", plan(Engine.AURORA_POSTGRESQL, SeedMethod.ORIGIN_ADVANCE, SwitchoverMode.AUTOMATIC), "alice", T0));
        answerAll(SagaTest::success);
        assertTrue(stepsSent().contains("ReadSnapshotLsn"));
        assertFalse(stepsSent().contains("ReadSnapshotLsnFromLog"));
        assertTrue(stepsSent().contains("AdvanceOrigin"));
        assertFalse(stepsSent().contains("CreateSubscription"), "the origin way creates the subscription itself");
        apply(saga.onLagHeld(state, T0));
        assertEquals(UpgradePhase.SWITCHING_OVER, state.phase(), "automatic mode approves itself");
        assertTrue(state.switchoverApproved());
    }

    @Test
    void aRetryableFailureIsRetriedWithANewCommandIdThenStopsTheUpgradeInANamedState() {
        apply(saga.start("upg-1", plan(Engine.POSTGRES, SeedMethod.SLOT_ADVANCE, SwitchoverMode.MANUAL), "alice", T0));
        for (int attempt = 1; attempt <= Saga.MAX_ATTEMPTS; attempt++) {
            Outbound preflight = unanswered().get(0);
            assertEquals("upg-1/RunPreflight/" + attempt, commandId(preflight.command()));
            apply(saga.onResult(state, new StepFailed("upg-1", commandId(preflight.command()), "RunPreflight", attempt, T0,
                    FailureReason.UNREACHABLE, true, "08006", "Blue did not answer"), T0));
        }
        assertEquals(UpgradePhase.FAILED, state.phase());
        UpgradeFailed failed = (UpgradeFailed) history.stream().filter(e -> e instanceof UpgradeFailed).findFirst().orElseThrow();
        assertEquals(UpgradePhase.PREFLIGHT, failed.getPhase());
        assertTrue(failed.getMessage().contains("after 3 attempt(s): Blue did not answer"), failed.getMessage());

        apply(saga.retry(state, "alice", T0));
        assertEquals(UpgradePhase.PREFLIGHT, state.phase());
        assertEquals("upg-1/RunPreflight/4", commandId(unanswered().get(0).command()));
    }

    @Test
    void aFailedPreflightStopsBeforeAnythingChanges() {
        apply(saga.start("upg-1", plan(Engine.POSTGRES, SeedMethod.SLOT_ADVANCE, SwitchoverMode.MANUAL), "alice", T0));
        Outbound preflight = unanswered().get(0);
        PreflightFinding noKey = new PreflightFinding("replica_identity", Severity.ERROR, "app", List.of("public.audit"),
                "public.audit has no primary key");
        apply(saga.onResult(state, new PreflightCompleted("upg-1", commandId(preflight.command()), "RunPreflight", 1, T0,
                false, List.of(noKey), 16, null), T0));
        assertEquals(UpgradePhase.FAILED, state.phase());
        assertEquals(1, sent.size(), "nothing but the preflight was sent");
        assertTrue(state.lastFailure().orElseThrow().contains("public.audit has no primary key"));
    }

    @Test
    void aMismatchAtVerificationFailsAndRollbackUnfencesDropsAndDeletesGreen() {
        apply(saga.start("upg-1", plan(Engine.POSTGRES, SeedMethod.SLOT_ADVANCE, SwitchoverMode.AUTOMATIC), "alice", T0));
        answerAll(SagaTest::success);
        apply(saga.onLagHeld(state, T0));
        answerAll(command -> command instanceof VerifyData ? new DataVerified("upg-1", commandId(command), "VerifyData",
                1, T0, false, VerifyMode.ROW_COUNT, List.of(new TableVerification("public.orders", 10L, 9L, null, null, false)))
                : success(command));
        assertEquals(UpgradePhase.FAILED, state.phase());
        assertTrue(state.lastFailure().orElseThrow().contains("public.orders (Blue 10 rows, Green 9 rows)"),
                state.lastFailure().orElseThrow());
        assertFalse(stepsSent().contains("SwapEndpoints"), "never repoint to a Green that does not match");

        int before = sent.size();
        apply(saga.rollback(state, "verification mismatch", "alice", T0));
        answerAll(SagaTest::success);
        assertEquals(UpgradePhase.ROLLED_BACK, state.phase());
        assertEquals(List.of("UnfenceWrites", "UnfenceWrites", "DropSubscription", "DropSubscription", "DeleteCluster",
                "DropPublicationAndSlot", "DropPublicationAndSlot"), stepsSent().subList(before, sent.size()));
    }

    @Test
    void rollbackAfterRepointIsRefused() {
        apply(saga.start("upg-1", plan(Engine.POSTGRES, SeedMethod.SLOT_ADVANCE, SwitchoverMode.AUTOMATIC), "alice", T0));
        answerAll(SagaTest::success);
        apply(saga.onLagHeld(state, T0));
        answerAll(SagaTest::success);
        assertEquals(UpgradePhase.COMPLETED, state.phase());
        assertThrows(SagaRefusal.class, () -> saga.rollback(state, "late", "alice", T0));
    }

    @Test
    void duplicateAndStaleAnswersChangeNothing() {
        apply(saga.start("upg-1", plan(Engine.POSTGRES, SeedMethod.SLOT_ADVANCE, SwitchoverMode.MANUAL), "alice", T0));
        SpecificRecord answer = success(unanswered().get(0).command());
        apply(saga.onResult(state, answer, T0));
        UpgradeState after = state;
        assertTrue(saga.onResult(state, answer, T0).isEmpty(), "the same answer twice is applied once");
        assertEquals(after, state);
    }

    @Test
    void aPlanWithoutBluesEndpointIsRefusedBeforeAnythingStarts() {
        UpgradePlan plan = plan(Engine.POSTGRES, SeedMethod.SLOT_ADVANCE, SwitchoverMode.MANUAL);
        plan.getBlue().setHost(null);
        InvalidPlanException refusal = assertThrows(InvalidPlanException.class, () -> saga.start("upg-1", plan, "alice", T0));
        assertTrue(refusal.getMessage().contains("give Blue's writer endpoint"), refusal.getMessage());
    }

    @Test
    void approvalBeforeTheLagGateOpensIsRefused() {
        apply(saga.start("upg-1", plan(Engine.POSTGRES, SeedMethod.SLOT_ADVANCE, SwitchoverMode.MANUAL), "alice", T0));
        SagaRefusal refusal = assertThrows(SagaRefusal.class, () -> saga.approve(state, "bob", T0));
        assertTrue(refusal.getMessage().contains("READY_FOR_SWITCHOVER"));
    }

    @Test
    void aLagSpikeRestartsTheHold() {
        LagGate gate = new LagGate(List.of("app"), 1024, Duration.ofSeconds(30));
        gate.observe(lag("app", 10, T0), T0);
        gate.observe(lag("app", 1_000_000, T0.plusSeconds(20)), T0.plusSeconds(20));
        assertFalse(gate.observe(lag("app", 10, T0.plusSeconds(25)), T0.plusSeconds(40)));
        assertTrue(gate.isOpen(T0.plusSeconds(55)));
    }

    @Test
    void commandsGoToTheirAgentsTopics() {
        apply(saga.start("upg-1", plan(Engine.POSTGRES, SeedMethod.SLOT_ADVANCE, SwitchoverMode.MANUAL), "alice", T0));
        answerAll(SagaTest::success);
        for (Outbound out : sent) {
            assertEquals(Topics.topicOf(out.command().getClass()).name(), out.topic());
        }
    }
}
