package io.bluegreen.coordinator.fleet;

import io.bluegreen.coordinator.saga.Dispatch;
import io.bluegreen.coordinator.saga.UpgradeState;
import io.bluegreen.schemas.common.FailureReason;
import io.bluegreen.schemas.common.UpgradePhase;
import io.bluegreen.schemas.event.RolledBack;
import io.bluegreen.schemas.event.StepCompleted;
import io.bluegreen.schemas.event.StepFailureRecorded;
import io.bluegreen.schemas.event.SwitchoverAborted;
import io.bluegreen.schemas.event.UpgradeCompleted;
import io.bluegreen.schemas.event.UpgradeFailed;
import io.bluegreen.schemas.event.WriterEndpointChanged;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import org.apache.avro.specific.SpecificRecord;

import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * What the saga decided, as meters: counted by the instance that decided it, once its transaction committed (so
 * aggregate these with {@code sum} over the coordinators). Each decision's events are read as they are folded
 * ({@link #observe}: pure) and the observations recorded after the commit ({@link #record}); an aborted
 * transaction's are dropped with it.
 * <ul>
 *   <li>{@value #WRITE_UNAVAILABLE} (timer, {@code outcome}): how long Blue was fenced: {@code repointed}, from the
 *       fence to {@code WriterEndpointChanged} (Green takes writes: the window operators report), or {@code aborted},
 *       an attempt that ended without a repoint (as the agent measured it);</li>
 *   <li>{@value #STEP_ROUND_TRIP} (timer, {@code step}, {@code outcome}): a command's first dispatch to its answer as
 *       the saga saw it (Kafka both ways, queueing, re-sends, the agent's work);</li>
 *   <li>{@value #STEP_FAILURES} (counter, {@code step}, {@code reason}): failed steps as recorded, timeouts and aborted
 *       switchovers included;</li>
 *   <li>{@value #COMPLETIONS}, {@value #FAILURES} ({@code phase}, {@code reason}), {@value #ROLLBACKS} (counters):
 *       upgrades that completed, stopped in FAILED (each time), and were rolled back.</li>
 * </ul>
 */
public final class SagaMeters {

    public static final String WRITE_UNAVAILABLE = "bluegreen.switchover.write.unavailable";
    public static final String STEP_ROUND_TRIP = "bluegreen.saga.step.duration";
    public static final String STEP_FAILURES = "bluegreen.saga.step.failures";
    public static final String COMPLETIONS = "bluegreen.upgrades.completions";
    public static final String FAILURES = "bluegreen.upgrades.failures";
    public static final String ROLLBACKS = "bluegreen.upgrades.rollbacks";

    /** Bucket bounds of the write-unavailable window: what a switchover takes, up to its longest timeout. */
    private static final Duration[] WINDOW_BUCKETS = {Duration.ofMillis(250), Duration.ofMillis(500), Duration.ofSeconds(1),
            Duration.ofSeconds(2), Duration.ofSeconds(3), Duration.ofSeconds(5), Duration.ofSeconds(10),
            Duration.ofSeconds(15), Duration.ofSeconds(30), Duration.ofSeconds(60), Duration.ofSeconds(120),
            Duration.ofSeconds(300)};
    private static final Duration[] STEP_BUCKETS = {Duration.ofMillis(50), Duration.ofMillis(100), Duration.ofMillis(250),
            Duration.ofMillis(500), Duration.ofSeconds(1), Duration.ofMillis(2500), Duration.ofSeconds(5),
            Duration.ofSeconds(10), Duration.ofSeconds(30), Duration.ofMinutes(1), Duration.ofMinutes(5),
            Duration.ofMinutes(15), Duration.ofMinutes(30), Duration.ofHours(1)};

    /** One thing a decision did that a meter shows. */
    sealed interface Observation {
    }

    /** Blue was fenced this long; {@code repointed}: until Green took writes. */
    record Fenced(String outcome, Duration duration) implements Observation {
    }

    /** A command was answered (or given up) this long after its first dispatch. */
    record StepAnswered(String step, String outcome, Duration roundTrip) implements Observation {
    }

    record StepFailed(String step, FailureReason reason) implements Observation {
    }

    /** The upgrade reached COMPLETED, FAILED or ROLLED_BACK ({@code reason} only for FAILED). */
    record Ended(UpgradePhase phase, UpgradePhase failedIn, FailureReason reason) implements Observation {
    }

    private final MeterRegistry registry;
    private final Counter completions;
    private final Counter rollbacks;

    public SagaMeters(MeterRegistry registry) {
        this.registry = registry;
        // registered at start, so that a fleet with no upgrade yet shows zeros rather than nothing
        this.completions = Counter.builder(COMPLETIONS).baseUnit("completions")
                .description("Upgrades that completed: Green serves writes and the clean-up is done").register(registry);
        this.rollbacks = Counter.builder(ROLLBACKS).baseUnit("rollbacks")
                .description("Upgrades rolled back: Blue as before, Green and the replication objects removed")
                .register(registry);
        fencedTimer("repointed");
        fencedTimer("aborted");
    }

    /** What this event, about to be folded into {@code before}, shows; {@code before} is null before the first. */
    static List<Observation> observe(UpgradeState before, SpecificRecord event) {
        if (event instanceof WriterEndpointChanged changed && changed.getFencedAt() != null) {
            return List.of(new Fenced("repointed", Duration.between(changed.getFencedAt(), changed.getOccurredAt())));
        }
        if (event instanceof SwitchoverAborted aborted && aborted.getFencedMs() != null) {
            return List.of(new Fenced("aborted", Duration.ofMillis(aborted.getFencedMs())));
        }
        if (event instanceof StepCompleted completed) {
            return answered(before, completed.getCausationId(), "succeeded", completed.getOccurredAt())
                    .map(List::<Observation>of).orElse(List.of());
        }
        if (event instanceof StepFailureRecorded failure) {
            Observation failed = new StepFailed(failure.getStep(), failure.getReason());
            return answered(before, failure.getCausationId(), "failed", failure.getOccurredAt())
                    .map(answer -> List.of(answer, failed)).orElse(List.of(failed));
        }
        if (event instanceof UpgradeCompleted) {
            return List.of(new Ended(UpgradePhase.COMPLETED, null, null));
        }
        if (event instanceof UpgradeFailed failed) {
            return List.of(new Ended(UpgradePhase.FAILED, failed.getPhase(), failed.getReason()));
        }
        if (event instanceof RolledBack) {
            return List.of(new Ended(UpgradePhase.ROLLED_BACK, null, null));
        }
        return List.of();
    }

    private static Optional<Observation> answered(UpgradeState before, String commandId, String outcome,
                                                  java.time.Instant at) {
        Dispatch dispatch = before == null || commandId == null ? null : before.pending().get(commandId);
        if (dispatch == null) {
            return Optional.empty();
        }
        Duration roundTrip = Duration.between(dispatch.dispatchedAt(), at);
        return Optional.of(new StepAnswered(dispatch.step().recordedName(), outcome,
                roundTrip.isNegative() ? Duration.ZERO : roundTrip));
    }

    /** Records what a committed transaction decided. */
    void record(List<Observation> observations) {
        for (Observation observation : observations) {
            if (observation instanceof Fenced fenced) {
                fencedTimer(fenced.outcome()).record(fenced.duration().isNegative() ? Duration.ZERO : fenced.duration());
            } else if (observation instanceof StepAnswered answered) {
                Timer.builder(STEP_ROUND_TRIP).description("A command's first dispatch to its answer as the saga saw it: "
                                + "Kafka both ways, re-sends and the agent's work")
                        .tags("step", answered.step(), "outcome", answered.outcome()).serviceLevelObjectives(STEP_BUCKETS)
                        .register(registry).record(answered.roundTrip());
            } else if (observation instanceof StepFailed failed) {
                Counter.builder(STEP_FAILURES).baseUnit("failures")
                        .description("Failed steps as the saga recorded them (timeouts and aborted switchovers included), "
                                + "by classified reason")
                        .tags("step", failed.step(), "reason", failed.reason().name()).register(registry).increment();
            } else if (observation instanceof Ended ended) {
                switch (ended.phase()) {
                    case COMPLETED -> completions.increment();
                    case ROLLED_BACK -> rollbacks.increment();
                    default -> Counter.builder(FAILURES).baseUnit("failures")
                            .description("Upgrades that stopped in FAILED (each stop), by the phase and the reason")
                            .tags("phase", ended.failedIn().name(), "reason", ended.reason().name()).register(registry)
                            .increment();
                }
            }
        }
    }

    private Timer fencedTimer(String outcome) {
        return Timer.builder(WRITE_UNAVAILABLE).description("How long Blue was fenced: until Green took writes "
                        + "(repointed), or until an attempt ended without a repoint (aborted)")
                .tag("outcome", outcome).serviceLevelObjectives(WINDOW_BUCKETS).register(registry);
    }
}
