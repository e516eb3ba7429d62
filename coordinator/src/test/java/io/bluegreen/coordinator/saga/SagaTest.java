package io.bluegreen.coordinator.saga;

import io.bluegreen.schemas.Topics;
import io.bluegreen.schemas.command.aws.CloneCluster;
import io.bluegreen.schemas.command.aws.ReadSnapshotLsnFromLog;
import io.bluegreen.schemas.command.aws.DeleteUpgradeSnapshots;
import io.bluegreen.schemas.command.aws.RetireOldBlue;
import io.bluegreen.schemas.command.aws.SwapEndpoints;
import io.bluegreen.schemas.command.aws.UpgradeEngine;
import io.bluegreen.schemas.command.pg.AdvanceSlot;
import io.bluegreen.schemas.command.pg.CreateSubscription;
import io.bluegreen.schemas.command.pg.RunPreflight;
import io.bluegreen.schemas.command.pg.RunSwitchover;
import io.bluegreen.schemas.command.pg.UnfenceWrites;
import io.bluegreen.schemas.common.AlertKind;
import io.bluegreen.schemas.common.GuardrailFinding;
import io.bluegreen.schemas.common.RepointMethod;
import io.bluegreen.schemas.event.DataVerificationRecorded;
import io.bluegreen.schemas.event.SwitchoverAborted;
import io.bluegreen.schemas.event.WriterEndpointChanged;
import io.bluegreen.schemas.monitor.AlertRaised;
import io.bluegreen.schemas.result.SwitchoverAbandoned;
import io.bluegreen.schemas.command.pg.VerifyData;
import io.bluegreen.schemas.command.pg.DropPublicationAndSlot;
import io.bluegreen.schemas.command.pg.DropSubscription;
import io.bluegreen.schemas.result.EndpointsSwapped;
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
import io.bluegreen.schemas.event.VerificationWaived;
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
    private static final Duration GRACE = Duration.ofSeconds(2);
    private static final Duration FRESH = Duration.ofSeconds(15);
    private final AtomicInteger ids = new AtomicInteger();
    private final Saga saga = new Saga(() -> "ev-" + ids.incrementAndGet(), GRACE);
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
        return sent.stream().filter(o -> o.command().getSchema().getField("commandId") != null)
                .filter(o -> state.pending().containsKey(commandId(o.command()))).toList();
    }

    private static String commandId(SpecificRecord command) {
        return String.valueOf(((GenericRecord) command).get("commandId"));
    }

    /** Answers every pending command with success until nothing is pending. */
    private void answerAll(Function<SpecificRecord, SpecificRecord> answers) {
        for (int round = 0; round < 50 && !state.pending().isEmpty(); round++) {
            for (Outbound out : unanswered()) {
                SpecificRecord answer = answers.apply(out.command());
                if (answer != null) {
                    apply(saga.onResult(state, answer, T0));
                }
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
        return sent.stream().filter(o -> !o.topic().equals(Topics.ALERTS)).map(o -> o.command().getSchema().getName()).toList();
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

        LagGate gate = new LagGate(state.plan().getDatabases(), 1024, Duration.ofSeconds(30), FRESH);
        assertFalse(gate.observe(lag("app", 10, T0), T0));
        assertFalse(gate.observe(lag("billing", 10, T0), T0.plusSeconds(1)), "held for less than 30 s");
        for (int s = 5; s <= 30; s += 5) {
            gate.observe(lag("app", 10, T0.plusSeconds(s)), T0.plusSeconds(s));
            gate.observe(lag("billing", 10, T0.plusSeconds(s)), T0.plusSeconds(s));
        }
        assertTrue(gate.observe(lag("billing", 10, T0.plusSeconds(31)), T0.plusSeconds(31)));
        apply(saga.onLagHeld(state, gate.errorsSeen(), T0.plusSeconds(31)));
        assertEquals(UpgradePhase.READY_FOR_SWITCHOVER, state.phase(), "manual mode waits for an approval");
        apply(saga.approve(state, "bob", Map.of("apply|app", 2L), T0.plusSeconds(40)));
        answerAll(SagaTest::success);
        assertEquals(UpgradePhase.COMPLETED, state.phase());
        List<String> switchover = stepsSent().subList(stepsSent().indexOf("AnalyzeDatabase"), stepsSent().size());
        assertEquals(List.of("AnalyzeDatabase", "AnalyzeDatabase", "RunSwitchover", "SwapEndpoints", "WriterEndpointChanged",
                "VerifyData", "VerifyData", "DropSubscription", "DropSubscription", "DropPublicationAndSlot",
                "DropPublicationAndSlot", "DeleteUpgradeSnapshots"), switchover,
                "one fenced program, then the repoint; verification and cleanup after it");
        DeleteUpgradeSnapshots snapshots = (DeleteUpgradeSnapshots) sent.stream()
                .filter(o -> o.command() instanceof DeleteUpgradeSnapshots).findFirst().orElseThrow().command();
        assertEquals(List.of("snap-1"), snapshots.getSnapshots(), "the snapshots ClusterReady reported");
        assertFalse(stepsSent().contains("RetireOldBlue"), "old Blue is kept unless the plan says otherwise");
        RunSwitchover run = (RunSwitchover) sent.stream().filter(o -> o.command() instanceof RunSwitchover).findFirst()
                .orElseThrow().command();
        assertEquals(T0.plus(SwitchoverPlan.DEFAULT_TIMEOUT), run.getDeadline(), "dispatched after ANALYZE, at T0 here");
        assertEquals(2L, run.getDatabases().get(0).getApplyErrorsSeen(), "the monitor's last count reaches the guardrail");
        assertEquals(null, run.getVerifyMode(), "verification happens after repoint by default");
        WriterEndpointChanged endpoint = (WriterEndpointChanged) sent.stream().filter(o -> o.topic().equals(Topics.ENDPOINTS))
                .findFirst().orElseThrow().command();
        assertEquals(RepointMethod.RENAME, endpoint.getMethod());
        assertEquals("orders.local", endpoint.getHost(), "after the rename Blue's name reaches Green");
        assertTrue(history.stream().anyMatch(e -> e instanceof DataVerificationRecorded v && v.getMatched()));
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
        apply(saga.onLagHeld(state, Map.of(), T0));
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
        assertFalse(state.completed().contains(new StepKey(Step.RUN_PREFLIGHT, null)), "a preflight with errors is a failure, not a completion");

        apply(saga.retry(state, "alice", T0));
        assertEquals(List.of("RunPreflight", "RunPreflight"), stepsSent(), "the retry runs the preflight again");
        answerAll(SagaTest::success);
        assertEquals(UpgradePhase.REPLICATING, state.phase());
    }

    @Test
    void aMismatchFoundAfterRepointRaisesACriticalAlertFailsTheStepAndARetryVerifiesAgain() {
        apply(saga.start("upg-1", plan(Engine.POSTGRES, SeedMethod.SLOT_ADVANCE, SwitchoverMode.AUTOMATIC), "alice", T0));
        answerAll(SagaTest::success);
        apply(saga.onLagHeld(state, Map.of(), T0));
        Function<SpecificRecord, SpecificRecord> mismatch = command -> command instanceof VerifyData
                ? new DataVerified("upg-1", commandId(command), "VerifyData", 1, T0, false, VerifyMode.ROW_COUNT,
                List.of(new TableVerification("public.orders", 10L, 9L, null, null, false)))
                : success(command);
        answerAll(mismatch);
        assertEquals(UpgradePhase.FAILED, state.phase());
        assertEquals(UpgradePhase.CLEANING_UP, state.failedPhase().orElseThrow());
        assertTrue(state.lastFailure().orElseThrow().contains("public.orders (Blue 10 rows, Green 9 rows)"),
                state.lastFailure().orElseThrow());
        assertTrue(stepsSent().indexOf("SwapEndpoints") < stepsSent().indexOf("VerifyData"),
                "verification runs after the repoint, outside the window");
        assertTrue(state.switchover().mismatch(), "the upgrade is marked");
        AlertRaised alert = (AlertRaised) sent.stream().filter(o -> o.topic().equals(Topics.ALERTS)).findFirst()
                .orElseThrow().command();
        assertEquals(AlertKind.DATA_MISMATCH, alert.getKind());
        assertEquals(Severity.CRITICAL, alert.getSeverity());
        DataVerificationRecorded recorded = (DataVerificationRecorded) history.stream()
                .filter(e -> e instanceof DataVerificationRecorded).findFirst().orElseThrow();
        assertEquals(9L, recorded.getTables().get(0).getGreenRows(), "per-table figures in the audit trail");
        assertThrows(SagaRefusal.class, () -> saga.rollback(state, "mismatch", "alice", T0),
                "Green has taken writes: no rollback");
        assertFalse(stepsSent().contains("DropPublicationAndSlot"), "Blue's slot is kept for the investigation");

        long verifiesBefore = stepsSent().stream().filter("VerifyData"::equals).count();
        apply(saga.retry(state, "alice", T0));
        assertEquals(verifiesBefore + 2, stepsSent().stream().filter("VerifyData"::equals).count(),
                "a retry verifies again: a failed check is never skipped");
        answerAll(SagaTest::success);
        assertEquals(UpgradePhase.COMPLETED, state.phase());
    }

    @Test
    void aVerificationThatCannotBeDoneAfterTheSwitchoverAlertsAndCanBeWaivedWithAReasonOnly() {
        apply(saga.start("upg-1", plan(Engine.POSTGRES, SeedMethod.SLOT_ADVANCE, SwitchoverMode.AUTOMATIC), "alice", T0));
        answerAll(SagaTest::success);
        assertThrows(SagaRefusal.class, () -> saga.waiveVerification(state, "alice", "not switched over", T0),
                "nothing to waive before the switchover");
        apply(saga.onLagHeld(state, Map.of(), T0));
        Function<SpecificRecord, SpecificRecord> lost = command -> command instanceof VerifyData verify
                && verify.getTarget().getDatabase().equals("billing")
                ? new StepFailed("upg-1", commandId(command), "VerifyData", 1, T0, FailureReason.PRECONDITION_FAILED, false,
                null, "Green's snapshot at the drain point of billing is not held by this pg-agent")
                : success(command);
        answerAll(lost);
        assertEquals(UpgradePhase.FAILED, state.phase());
        assertEquals(UpgradePhase.CLEANING_UP, state.failedPhase().orElseThrow());
        assertTrue(state.lastFailure().orElseThrow().contains("waive-verification"), state.lastFailure().orElseThrow());
        AlertRaised alert = (AlertRaised) sent.stream().filter(o -> o.topic().equals(Topics.ALERTS)).findFirst()
                .orElseThrow().command();
        assertEquals(AlertKind.DATA_UNVERIFIED, alert.getKind());
        assertEquals("billing", alert.getDatabase());
        assertEquals(Severity.CRITICAL, alert.getSeverity());
        assertThrows(SagaRefusal.class, () -> saga.rollback(state, "unverified", "alice", T0), "Green has taken writes");
        assertThrows(SagaRefusal.class, () -> saga.waiveVerification(state, "alice", " ", T0), "a waiver needs a reason");

        int before = stepsSent().size();
        apply(saga.waiveVerification(state, "alice", "compared orders and invoices by hand", T0));
        VerificationWaived waived = last(VerificationWaived.class);
        assertEquals(List.of("billing"), waived.getDatabases(), "only the database that was not verified");
        assertEquals("alice", waived.getRequestedBy());
        assertEquals(UpgradePhase.CLEANING_UP, state.phase());
        assertEquals(List.of("DropSubscription", "DropSubscription"), stepsSent().subList(before, stepsSent().size()),
                "the clean-up goes on without verifying again");
        answerAll(SagaTest::success);
        assertEquals(UpgradePhase.COMPLETED, state.phase());
        assertThrows(SagaRefusal.class, () -> saga.waiveVerification(state, "alice", "again", T0), "nothing left to waive");
    }

    @Test
    void rollbackWhileTheSwitchoverIsInFlightUnfencesAndRemovesEverything() {
        apply(saga.start("upg-1", plan(Engine.POSTGRES, SeedMethod.SLOT_ADVANCE, SwitchoverMode.AUTOMATIC), "alice", T0));
        answerAll(SagaTest::success);
        apply(saga.onLagHeld(state, Map.of(), T0));
        answerAll(command -> command instanceof RunSwitchover ? null : success(command));
        assertTrue(state.inFlight(Step.RUN_SWITCHOVER).isPresent());
        int before = sent.size();
        apply(saga.rollback(state, "changed our minds", "alice", T0));
        answerAll(SagaTest::success);
        assertEquals(UpgradePhase.ROLLED_BACK, state.phase());
        assertEquals(List.of("UnfenceWrites", "UnfenceWrites", "DropSubscription", "DropSubscription", "DeleteCluster",
                "DropPublicationAndSlot", "DropPublicationAndSlot"), stepsSent().subList(before, sent.size()),
                "a fence that was attempted is undone even though it never answered");
        UnfenceWrites unfence = (UnfenceWrites) sent.get(before).command();
        assertFalse(unfence.getKeepGuards(), "a rollback removes the guards as well");
    }

    @Test
    void aGuardrailRefusalFencesNothingAndReturnsToReplicatingWithTheReason() {
        reachSwitchover(SwitchoverMode.MANUAL);
        Outbound run = switchoverCommand();
        GuardrailFinding prepared = new GuardrailFinding("app", "prepared_transactions", "1", "0",
                "1 prepared transaction on app on BLUE (gid 'tx1'): commit or roll it back, then approve again");
        apply(saga.onResult(state, new SwitchoverAbandoned("upg-1", commandId(run.command()), "RunSwitchover", 1, T0,
                FailureReason.PRECONDITION_FAILED, "guardrails refused the fence", List.of(prepared), null, null, false), T0));
        assertEquals(UpgradePhase.REPLICATING, state.phase());
        SwitchoverAborted aborted = last(SwitchoverAborted.class);
        assertEquals("prepared_transactions", aborted.getFindings().get(0).getCheck());
        assertEquals(null, aborted.getFencedMs());
        assertEquals(UpgradePhase.REPLICATING, aborted.getNextPhase());
        assertEquals(List.of("UnfenceWrites", "UnfenceWrites"), unanswered().stream()
                .map(o -> o.command().getSchema().getName()).toList(),
                "released even so: the answer speaks for its own delivery only (regression: a redelivered command "
                        + "said 'nothing fenced' while the first delivery's agent had died with Blue fenced)");
        answerAll(SagaTest::success);
        assertFalse(state.switchoverApproved(), "the next attempt needs the gate and an approval again");
        assertThrows(SagaRefusal.class, () -> saga.approve(state, "bob", Map.of(), T0), "not READY any more");
        apply(saga.onLagHeld(state, Map.of(), T0.plusSeconds(60)));
        apply(saga.approve(state, "bob", Map.of(), T0.plusSeconds(61)));
        answerAll(command -> command instanceof RunSwitchover ? null : success(command));
        assertEquals("upg-1/RunSwitchover/2", commandId(switchoverCommand().command()), "a new attempt, a new id");
        assertEquals(2, ((RunSwitchover) switchoverCommand().command()).getAttempt());
    }

    @Test
    void aFailureInsideTheWindowUnfencesEveryDatabaseAndAnAutomaticPlanTriesAgainAfterTheHold() {
        reachSwitchover(SwitchoverMode.AUTOMATIC);
        Outbound run = switchoverCommand();
        apply(saga.onResult(state, new SwitchoverAbandoned("upg-1", commandId(run.command()), "RunSwitchover", 1, T0,
                FailureReason.TIMEOUT, "Green did not apply the marker", List.of(), T0.minusMillis(900), 900L, true), T0));
        assertEquals(UpgradePhase.REPLICATING, state.phase());
        assertEquals(900L, last(SwitchoverAborted.class).getFencedMs());
        List<Outbound> releases = unanswered();
        assertEquals(2, releases.size());
        for (Outbound release : releases) {
            assertTrue(((UnfenceWrites) release.command()).getKeepGuards(), "the disarmed guards stay for the next attempt");
        }
        assertTrue(saga.onLagHeld(state, Map.of(), T0).isEmpty(), "no new attempt while Blue is being unfenced");
        answerAll(SagaTest::success);
        apply(saga.onLagHeld(state, Map.of(), T0.plusSeconds(30)));
        assertEquals(UpgradePhase.SWITCHING_OVER, state.phase(), "automatic mode tries again once the gate opens");
    }

    @Test
    void theLastAllowedAttemptStopsInFailedFromWhereARetryWaitsForTheGateAgain() {
        reachSwitchover(SwitchoverMode.AUTOMATIC);
        for (int attempt = 1; attempt <= SwitchoverPlan.DEFAULT_ATTEMPTS; attempt++) {
            Outbound run = switchoverCommand();
            apply(saga.onResult(state, new StepFailed("upg-1", commandId(run.command()), "RunSwitchover", attempt, T0,
                    FailureReason.INTERNAL, false, null, "agent stopping"), T0));
            answerAll(SagaTest::success);
            if (attempt < SwitchoverPlan.DEFAULT_ATTEMPTS) {
                apply(saga.onLagHeld(state, Map.of(), T0));
                answerAll(command -> command instanceof RunSwitchover ? null : success(command));
            }
        }
        assertEquals(UpgradePhase.FAILED, state.phase());
        assertEquals(UpgradePhase.REPLICATING, state.failedPhase().orElseThrow());
        assertEquals(UpgradePhase.FAILED, last(SwitchoverAborted.class).getNextPhase());
        apply(saga.retry(state, "alice", T0));
        assertEquals(UpgradePhase.REPLICATING, state.phase());
        assertEquals(0, state.switchover().attempts());
    }

    @Test
    void noProofByTheDeadlineAbortsAndUnfencesWhateverHappenedToTheAgent() {
        reachSwitchover(SwitchoverMode.MANUAL);
        Instant deadline = state.switchover().deadline().orElseThrow();
        assertTrue(saga.onTick(state, deadline.plus(GRACE)).isEmpty(), "the grace covers one hop");
        apply(saga.onTick(state, deadline.plus(GRACE).plusMillis(1)));
        assertEquals(UpgradePhase.REPLICATING, state.phase());
        assertTrue(last(SwitchoverAborted.class).getReason().contains("no answer from the pg-agent by the deadline"));
        assertEquals(List.of("UnfenceWrites", "UnfenceWrites"), unanswered().stream()
                .map(o -> o.command().getSchema().getName()).toList());
    }

    @Test
    void aProofThatArrivesAfterTheDeadlineIsNotTrusted() {
        reachSwitchover(SwitchoverMode.MANUAL);
        Instant late = state.switchover().deadline().orElseThrow().plus(GRACE).plusSeconds(1);
        apply(saga.onResult(state, success(switchoverCommand().command()), late));
        assertEquals(UpgradePhase.REPLICATING, state.phase());
        assertFalse(sent.stream().anyMatch(o -> o.topic().equals(Topics.ENDPOINTS)), "no repoint");
        assertEquals(2, unanswered().size(), "Blue unfenced");
    }

    @Test
    void theEventRepointPublishesGreensEndpointInTheSameDecisionAsTheProof() {
        UpgradePlan plan = plan(Engine.POSTGRES, SeedMethod.SLOT_ADVANCE, SwitchoverMode.AUTOMATIC);
        plan.setRepointMethod(RepointMethod.EVENT);
        apply(saga.start("upg-1", plan, "alice", T0));
        answerAll(SagaTest::success);
        apply(saga.onLagHeld(state, Map.of(), T0));
        answerAll(command -> command instanceof RunSwitchover ? null : success(command));
        Decision proof = saga.onResult(state, success(switchoverCommand().command()), T0);
        Outbound endpoint = proof.commands().stream().filter(o -> o.topic().equals(Topics.ENDPOINTS)).findFirst().orElseThrow();
        WriterEndpointChanged changed = (WriterEndpointChanged) endpoint.command();
        assertEquals("green.local", changed.getHost());
        assertEquals(6543, changed.getPort());
        assertEquals(T0.minusMillis(40), changed.getFencedAt());
        apply(proof);
        assertFalse(stepsSent().contains("SwapEndpoints"), "no rename");
        answerAll(SagaTest::success);
        assertEquals(UpgradePhase.COMPLETED, state.phase());
    }

    @Test
    void aPlanThatVerifiesBeforeRepointVerifiesInsideTheWindowAndNotAfter() {
        UpgradePlan plan = plan(Engine.POSTGRES, SeedMethod.SLOT_ADVANCE, SwitchoverMode.AUTOMATIC);
        plan.setVerifyBeforeRepoint(true);
        plan.setVerifyMode(VerifyMode.CHECKSUM);
        apply(saga.start("upg-1", plan, "alice", T0));
        answerAll(SagaTest::success);
        apply(saga.onLagHeld(state, Map.of(), T0));
        answerAll(SagaTest::success);
        assertEquals(UpgradePhase.COMPLETED, state.phase());
        RunSwitchover run = (RunSwitchover) sent.stream().filter(o -> o.command() instanceof RunSwitchover).findFirst()
                .orElseThrow().command();
        assertEquals(VerifyMode.CHECKSUM, run.getVerifyMode());
        assertFalse(run.getKeepSnapshot());
        assertFalse(stepsSent().contains("VerifyData"), "verified once, inside the window");
    }

    @Test
    void aRenameAskedForByNameRenamesTheIdentifiers() {
        UpgradePlan plan = plan(Engine.POSTGRES, SeedMethod.SLOT_ADVANCE, SwitchoverMode.AUTOMATIC);
        plan.setRepoint(false);
        plan.setRepointMethod(RepointMethod.RENAME);
        apply(saga.start("upg-1", plan, "alice", T0));
        answerAll(SagaTest::success);
        apply(saga.onLagHeld(state, Map.of(), T0));
        answerAll(SagaTest::success);
        SwapEndpoints swap = (SwapEndpoints) sent.stream().filter(o -> o.command() instanceof SwapEndpoints).findFirst()
                .orElseThrow().command();
        assertTrue(swap.getRenameIdentifiers(), "the released boolean 'repoint' is not what decides any more");
    }

    /**
     * After a rename repoint on AWS, Blue's former endpoint reaches Green: what the clean-up does on old Blue (its
     * slots, which would retain WAL for ever, and its publications; the verification against the fenced Blue) goes to
     * {@code <blue>-old} at the endpoint the swap read back, and what it does on Green goes to Blue's name.
     */
    @Test
    void afterARenameTheCleanUpReachesOldBlueAtItsNewEndpointNotBluesFormerOne() {
        apply(saga.start("upg-1", plan(Engine.POSTGRES, SeedMethod.SLOT_ADVANCE, SwitchoverMode.AUTOMATIC), "alice", T0));
        answerAll(SagaTest::success);
        apply(saga.onLagHeld(state, Map.of(), T0));
        answerAll(SagaTest::success);
        assertEquals(UpgradePhase.COMPLETED, state.phase());
        List<DropPublicationAndSlot> drops = sent.stream().filter(o -> o.command() instanceof DropPublicationAndSlot)
                .map(o -> (DropPublicationAndSlot) o.command()).toList();
        assertEquals(2, drops.size());
        for (DropPublicationAndSlot drop : drops) {
            assertEquals("orders-old", drop.getTarget().getCluster().getIdentifier());
            assertEquals("orders-old.local", drop.getTarget().getCluster().getHost(), "not orders.local: that is Green now");
            assertEquals(5433, drop.getTarget().getCluster().getPort());
            assertEquals("orders-admin", drop.getTarget().getCluster().getCredentialsRef(), "Blue's login kept");
        }
        List<VerifyData> verifications = sent.stream().filter(o -> o.command() instanceof VerifyData)
                .map(o -> (VerifyData) o.command()).toList();
        assertEquals(2, verifications.size());
        for (VerifyData verify : verifications) {
            assertEquals("orders-old.local", verify.getSource().getCluster().getHost(), "the fenced old Blue");
            assertEquals("orders.local", verify.getTarget().getCluster().getHost(), "Green under Blue's name");
            assertEquals("orders", verify.getTarget().getCluster().getIdentifier());
        }
        sent.stream().filter(o -> o.command() instanceof DropSubscription).map(o -> (DropSubscription) o.command())
                .forEach(drop -> assertEquals("orders.local", drop.getTarget().getCluster().getHost(),
                        "Green's former endpoint went with its former name"));
    }

    @Test
    void aHistoryWithoutOldBluesEndpointKeepsThePlansHostForTheRenamedBlue() {
        apply(saga.start("upg-1", plan(Engine.POSTGRES, SeedMethod.SLOT_ADVANCE, SwitchoverMode.AUTOMATIC), "alice", T0));
        answerAll(SagaTest::success);
        apply(saga.onLagHeld(state, Map.of(), T0));
        // an agent from before old Blue's endpoint was reported
        answerAll(command -> command instanceof SwapEndpoints ? EndpointsSwapped.newBuilder(
                (EndpointsSwapped) success(command)).setOldBlueHost(null).setOldBluePort(null).build() : success(command));
        assertEquals(UpgradePhase.COMPLETED, state.phase());
        DropPublicationAndSlot drop = sent.stream().filter(o -> o.command() instanceof DropPublicationAndSlot)
                .map(o -> (DropPublicationAndSlot) o.command()).findFirst().orElseThrow();
        assertEquals("orders-old", drop.getTarget().getCluster().getIdentifier());
        assertEquals("orders.local", drop.getTarget().getCluster().getHost());
    }

    /**
     * With a retention, old Blue is deleted that long after the clean-up, counted from RETIRING_BLUE's PhaseEntered:
     * nothing is sent before (a coordinator that replays the history waits for the same moment), then RetireOldBlue
     * goes to old Blue's current identifier with a final snapshot, and the upgrade completes. No rollback by then.
     */
    @Test
    void oldBlueIsRetiredAfterThePlansRetentionEvenAcrossARestart() {
        UpgradePlan plan = plan(Engine.POSTGRES, SeedMethod.SLOT_ADVANCE, SwitchoverMode.AUTOMATIC);
        plan.setOldBlueRetentionMs(Duration.ofHours(2).toMillis());
        apply(saga.start("upg-1", plan, "alice", T0));
        answerAll(SagaTest::success);
        apply(saga.onLagHeld(state, Map.of(), T0));
        answerAll(SagaTest::success);
        assertEquals(UpgradePhase.RETIRING_BLUE, state.phase());
        assertEquals(List.of(UpgradePhase.CLEANING_UP, UpgradePhase.RETIRING_BLUE),
                phases().subList(phases().size() - 2, phases().size()));
        assertFalse(stepsSent().contains("RetireOldBlue"), "kept for the retention");
        Instant due = T0.plus(Duration.ofHours(2));
        assertEquals(java.util.Optional.of(due), state.nextDeadline());
        assertTrue(saga.onTick(state, due.minusSeconds(1)).isEmpty(), "not before the retention has passed");
        assertThrows(SagaRefusal.class, () -> saga.rollback(state, "changed my mind", "alice", T0.plusSeconds(60)));

        state = UpgradeState.fold(List.copyOf(history)); // a coordinator that takes over replays the events
        assertEquals(java.util.Optional.of(due), state.nextDeadline(), "the same moment after a restart");
        apply(saga.onTick(state, due));
        RetireOldBlue retire = (RetireOldBlue) sent.get(sent.size() - 1).command();
        assertEquals("orders-old", retire.getOldBlue().getIdentifier(), "old Blue's identifier after the rename");
        assertEquals("orders-old.local", retire.getOldBlue().getHost());
        assertEquals("orders-old-final-upg-1", retire.getFinalSnapshotIdentifier());
        assertTrue(saga.onTick(state, due.plusSeconds(1)).isEmpty(), "sent once");
        answerAll(SagaTest::success);
        assertEquals(UpgradePhase.COMPLETED, state.phase());
        assertInstanceOf(UpgradeCompleted.class, history.get(history.size() - 1));
    }

    @Test
    void aProtectedOldBlueStopsTheUpgradeInRetiringBlueAndARetryDeletesItOnceAllowed() {
        UpgradePlan plan = plan(Engine.POSTGRES, SeedMethod.SLOT_ADVANCE, SwitchoverMode.AUTOMATIC);
        plan.setRepoint(false);
        plan.setOldBlueRetentionMs(1000);
        apply(saga.start("upg-1", plan, "alice", T0));
        answerAll(SagaTest::success);
        apply(saga.onLagHeld(state, Map.of(), T0));
        answerAll(SagaTest::success);
        apply(saga.onTick(state, state.nextDeadline().orElseThrow()));
        answerAll(command -> command instanceof RetireOldBlue ? AgentAnswers.failure(command,
                FailureReason.PRECONDITION_FAILED, false, "orders has deletion protection on", T0) : success(command));
        assertEquals(UpgradePhase.FAILED, state.phase());
        assertEquals(UpgradePhase.RETIRING_BLUE, state.failedPhase().orElseThrow());
        assertTrue(state.lastFailure().orElseThrow().contains("cannot be rolled back"), state.lastFailure().orElseThrow());
        assertThrows(SagaRefusal.class, () -> saga.rollback(state, "undo", "alice", T0.plusSeconds(5)));
        apply(saga.retry(state, "alice", T0.plusSeconds(10)));
        RetireOldBlue retire = (RetireOldBlue) sent.get(sent.size() - 1).command();
        assertEquals("orders", retire.getOldBlue().getIdentifier(), "Blue keeps its identifier with the event repoint");
        assertEquals(2, retire.getAttempt());
        answerAll(SagaTest::success);
        assertEquals(UpgradePhase.COMPLETED, state.phase());
    }

    @Test
    void aFinalSnapshotNameKeepsToAwsRules() {
        assertEquals("orders-old-final-upg-1", Commands.finalSnapshotIdentifier("orders-old", "upg-1"));
        assertEquals("orders-old-final-3f2a-9c", Commands.finalSnapshotIdentifier("orders-old", "3F2A_9C"));
        assertEquals("s1db-final-x", Commands.finalSnapshotIdentifier("1db", "x"));
        String longest = Commands.finalSnapshotIdentifier("a".repeat(63), "u-".repeat(200));
        assertTrue(longest.length() <= 255 && !longest.endsWith("-") && !longest.contains("--"), longest);
    }

    @Test
    void switchoverSettingsOutsideTheirRangeAreRefused() {
        UpgradePlan plan = plan(Engine.POSTGRES, SeedMethod.SLOT_ADVANCE, SwitchoverMode.MANUAL);
        plan.setSwitchoverTimeoutMs(500);
        InvalidPlanException refusal = assertThrows(InvalidPlanException.class, () -> saga.start("upg-1", plan, "a", T0));
        assertEquals(List.of(new PlanCheck.FieldProblem("switchoverTimeoutMs", "500 is outside 1000 .. 3600000 ms: it bounds "
                + "how long Blue may stay fenced; 60000 is the default")), refusal.problems());
    }

    private void reachSwitchover(SwitchoverMode mode) {
        apply(saga.start("upg-1", plan(Engine.POSTGRES, SeedMethod.SLOT_ADVANCE, mode), "alice", T0));
        answerAll(SagaTest::success);
        apply(saga.onLagHeld(state, Map.of(), T0));
        if (mode == SwitchoverMode.MANUAL) {
            apply(saga.approve(state, "bob", Map.of(), T0));
        }
        answerAll(command -> command instanceof RunSwitchover ? null : success(command));
        assertEquals(UpgradePhase.SWITCHING_OVER, state.phase());
    }

    private Outbound switchoverCommand() {
        return unanswered().stream().filter(o -> o.command() instanceof RunSwitchover).findFirst().orElseThrow();
    }

    private <T> T last(Class<T> type) {
        for (int i = history.size() - 1; i >= 0; i--) {
            if (type.isInstance(history.get(i))) {
                return type.cast(history.get(i));
            }
        }
        throw new AssertionError("no " + type.getSimpleName());
    }

    @Test
    void rollbackAfterRepointIsRefused() {
        apply(saga.start("upg-1", plan(Engine.POSTGRES, SeedMethod.SLOT_ADVANCE, SwitchoverMode.AUTOMATIC), "alice", T0));
        answerAll(SagaTest::success);
        apply(saga.onLagHeld(state, Map.of(), T0));
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
        assertEquals(List.of("blue.host"), refusal.problems().stream().map(PlanCheck.FieldProblem::field).toList());
        assertTrue(refusal.getMessage().contains("Blue's writer endpoint"), refusal.getMessage());
    }

    @Test
    void approvalBeforeTheLagGateOpensIsRefused() {
        apply(saga.start("upg-1", plan(Engine.POSTGRES, SeedMethod.SLOT_ADVANCE, SwitchoverMode.MANUAL), "alice", T0));
        SagaRefusal refusal = assertThrows(SagaRefusal.class, () -> saga.approve(state, "bob", Map.of(), T0));
        assertTrue(refusal.getMessage().contains("READY_FOR_SWITCHOVER"));
    }

    @Test
    void aLagSpikeRestartsTheHold() {
        LagGate gate = new LagGate(List.of("app"), 1024, Duration.ofSeconds(30), FRESH);
        gate.observe(lag("app", 10, T0), T0);
        gate.observe(lag("app", 1_000_000, T0.plusSeconds(20)), T0.plusSeconds(20));
        assertFalse(gate.observe(lag("app", 10, T0.plusSeconds(25)), T0.plusSeconds(26)));
        assertFalse(gate.observe(lag("app", 10, T0.plusSeconds(50)), T0.plusSeconds(50)));
        assertTrue(gate.observe(lag("app", 10, T0.plusSeconds(55)), T0.plusSeconds(55)));
    }

    @Test
    void anOldCalmSampleNeverOpensTheGate() {
        LagGate gate = new LagGate(List.of("app"), 1024, Duration.ofSeconds(30), FRESH);
        assertFalse(gate.observe(lag("app", 10, T0), T0.plusSeconds(40)), "taken 40 s before it arrived: ignored");
        gate.observe(lag("app", 10, T0.plusSeconds(40)), T0.plusSeconds(40));
        gate.observe(lag("app", 10, T0.plusSeconds(70)), T0.plusSeconds(70));
        assertTrue(gate.isOpen(T0.plusSeconds(71)));
        assertFalse(gate.isOpen(T0.plusSeconds(90)), "no fresh sample for 20 s: the monitor went quiet, the gate shuts");
    }

    @Test
    void newApplyErrorsRestartTheHoldAndTheLastCountsAreKept() {
        LagGate gate = new LagGate(List.of("app"), 1024, Duration.ofSeconds(10), FRESH);
        ReplicationLagMeasured first = lag("app", 10, T0);
        first.setApplyErrors(3L);
        gate.observe(first, T0);
        ReplicationLagMeasured worse = lag("app", 10, T0.plusSeconds(5));
        worse.setApplyErrors(4L);
        gate.observe(worse, T0.plusSeconds(5));
        ReplicationLagMeasured same = lag("app", 10, T0.plusSeconds(12));
        same.setApplyErrors(4L);
        assertFalse(gate.observe(same, T0.plusSeconds(12)), "the hold restarted when the errors grew");
        assertEquals(4L, gate.errorsSeen().get("apply|app"));
    }

    @Test
    void commandsGoToTheirAgentsTopics() {
        apply(saga.start("upg-1", plan(Engine.POSTGRES, SeedMethod.SLOT_ADVANCE, SwitchoverMode.MANUAL), "alice", T0));
        answerAll(SagaTest::success);
        apply(saga.onLagHeld(state, Map.of(), T0));
        apply(saga.approve(state, "bob", Map.of(), T0));
        answerAll(SagaTest::success);
        for (Outbound out : sent) {
            String expected = out.command() instanceof WriterEndpointChanged ? Topics.ENDPOINTS
                    : Topics.topicOf(out.command().getClass()).name();
            assertEquals(expected, out.topic());
        }
    }
}
