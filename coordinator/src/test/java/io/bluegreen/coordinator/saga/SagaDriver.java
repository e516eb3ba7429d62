package io.bluegreen.coordinator.saga;

import io.bluegreen.schemas.common.ClusterRef;
import io.bluegreen.schemas.common.Engine;
import io.bluegreen.schemas.common.FailureReason;
import io.bluegreen.schemas.common.SeedMethod;
import io.bluegreen.schemas.common.Strategy;
import io.bluegreen.schemas.common.SwitchoverMode;
import io.bluegreen.schemas.common.UpgradePhase;
import io.bluegreen.schemas.common.UpgradePlan;
import io.bluegreen.schemas.common.VerifyMode;
import io.bluegreen.schemas.event.PhaseEntered;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.specific.SpecificRecord;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Plays the runtime around a {@link Saga}: keeps the history, folds the state from it after every decision, keeps
 * what was sent, and answers commands as the agents would.
 */
final class SagaDriver {

    static final Instant T0 = Instant.parse("2026-11-24T10:00:00Z");
    static final Duration GRACE = Duration.ofSeconds(2);
    static final String UPGRADE = "upg-1";

    private final AtomicInteger ids = new AtomicInteger();
    final Saga saga;
    final List<SpecificRecord> history = new ArrayList<>();
    final List<Outbound> sent = new ArrayList<>();
    UpgradeState state;
    Instant now = T0;

    SagaDriver() {
        this(StepTimeouts.defaults());
    }

    SagaDriver(StepTimeouts timeouts) {
        saga = new Saga(() -> "ev-" + ids.incrementAndGet(), GRACE, timeouts);
    }

    static UpgradePlan plan(Strategy strategy, SeedMethod seed, SwitchoverMode mode) {
        ClusterRef blue = ClusterRef.newBuilder().setIdentifier("orders").setRegion("eu-west-1").setEngine(Engine.POSTGRES)
                .setHost("orders.local").setPort(5432).setCredentialsRef("orders-admin").build();
        return UpgradePlan.newBuilder().setBlue(blue).setTargetVersion("17.9").setDatabases(List.of("app", "billing"))
                .setStrategy(strategy).setLagThresholdBytes(1024).setHoldDurationMs(30_000)
                .setSwitchoverMode(mode).setSeedMethod(seed).setVerifyMode(VerifyMode.ROW_COUNT).build();
    }

    static UpgradePlan plan() {
        return plan(Strategy.SNAPSHOT, SeedMethod.SLOT_ADVANCE, SwitchoverMode.MANUAL);
    }

    /** One plan of each shape, the first holding every phase a test needs. */
    static List<UpgradePlan> variants() {
        return List.of(plan(), plan(Strategy.SNAPSHOT, SeedMethod.ORIGIN_ADVANCE, SwitchoverMode.MANUAL), retiring());
    }

    /** A plan that deletes old Blue an hour after the clean-up. */
    static UpgradePlan retiring() {
        UpgradePlan plan = plan();
        plan.setOldBlueRetentionMs(Duration.ofHours(1).toMillis());
        return plan;
    }

    /** Takes over a recorded history, as a coordinator that starts replays it. */
    SagaDriver replay(List<SpecificRecord> recorded) {
        history.addAll(recorded);
        state = UpgradeState.fold(history);
        return this;
    }

    Decision apply(Decision decision) {
        history.addAll(decision.events());
        sent.addAll(decision.commands());
        state = UpgradeState.fold(history);
        return decision;
    }

    SagaDriver start(UpgradePlan plan) {
        apply(saga.start(UPGRADE, plan, "alice", now));
        return this;
    }

    static String commandId(SpecificRecord command) {
        return String.valueOf(((GenericRecord) command).get("commandId"));
    }

    /** The commands still waiting for an answer, the latest sending of each. */
    List<Outbound> unanswered() {
        Map<String, Outbound> latest = new LinkedHashMap<>();
        for (Outbound out : sent) {
            if (out.command().getSchema().getField("commandId") != null && state.pending().containsKey(commandId(out.command()))) {
                latest.put(commandId(out.command()), out);
            }
        }
        return List.copyOf(latest.values());
    }

    Outbound pending(Step step) {
        return unanswered().stream().filter(o -> state.pending().get(commandId(o.command())).step() == step).findFirst()
                .orElseThrow(() -> new AssertionError("no " + step + " pending; pending: " + state.pending().keySet()));
    }

    void answer(Outbound out) {
        answer(out, AgentAnswers.success(out.command(), now));
    }

    void answer(Outbound out, SpecificRecord result) {
        apply(saga.onResult(state, result, now));
    }

    void fail(Outbound out, boolean retryable) {
        answer(out, AgentAnswers.failure(out.command(), FailureReason.INTERNAL, retryable, "disk full", now));
    }

    /** Answers every pending command with success, except those held back, until none is left to answer. */
    void answerAll(Predicate<SpecificRecord> hold) {
        for (int round = 0; round < 100; round++) {
            List<Outbound> open = unanswered().stream().filter(o -> !hold.test(o.command())).toList();
            if (open.isEmpty()) {
                return;
            }
            open.forEach(this::answer);
        }
        throw new AssertionError("still answering after 100 rounds in " + state.phase());
    }

    void answerAll() {
        answerAll(command -> false);
    }

    /**
     * Moves the upgrade on, one answer at a time, until it enters {@code target}: the lag gate opens in REPLICATING,
     * a user approves in READY_FOR_SWITCHOVER, every command is answered with success unless held back.
     */
    void driveTo(UpgradePhase target, Predicate<SpecificRecord> hold) {
        for (int moves = 0; moves < 300; moves++) {
            if (state.phase() == target) {
                return;
            }
            if (state.phase() == UpgradePhase.REPLICATING && state.pending().isEmpty()) {
                apply(saga.onLagHeld(state, Map.of(), now));
                continue;
            }
            if (state.phase() == UpgradePhase.READY_FOR_SWITCHOVER) {
                apply(saga.approve(state, "bob", Map.of(), now));
                continue;
            }
            if (state.awaitingRetirement()) {
                now = state.nextDeadline().orElseThrow();
                apply(saga.onTick(state, now));
                continue;
            }
            Outbound next = unanswered().stream().filter(o -> !hold.test(o.command())).findFirst()
                    .orElseThrow(() -> new AssertionError("stuck in " + state.phase() + " on the way to " + target));
            answer(next);
        }
        throw new AssertionError("did not reach " + target);
    }

    void driveTo(UpgradePhase target) {
        driveTo(target, command -> false);
    }

    List<String> stepsSent() {
        return sent.stream().map(o -> o.command().getSchema().getName()).toList();
    }

    List<PhaseEntered> phaseChanges() {
        return history.stream().filter(e -> e instanceof PhaseEntered).map(e -> (PhaseEntered) e).toList();
    }

    <T> T last(Class<T> type) {
        for (int i = history.size() - 1; i >= 0; i--) {
            if (type.isInstance(history.get(i))) {
                return type.cast(history.get(i));
            }
        }
        throw new AssertionError("no " + type.getSimpleName() + " in the history");
    }

    <T> List<T> all(Class<T> type) {
        return history.stream().filter(type::isInstance).map(type::cast).toList();
    }

    void assertStateIsTheFold() {
        assertEquals(state, UpgradeState.fold(List.copyOf(history)), "the state is the fold of the events");
    }
}
