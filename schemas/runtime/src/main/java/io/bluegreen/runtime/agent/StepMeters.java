package io.bluegreen.runtime.agent;

import io.bluegreen.schemas.common.FailureReason;
import io.bluegreen.schemas.result.StepFailed;
import io.bluegreen.schemas.result.SwitchoverAbandoned;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.apache.avro.specific.SpecificRecord;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * What an agent's steps show on its {@code /prometheus}:
 * <ul>
 *   <li>{@value #DURATION} (timer, {@code step}, {@code outcome}): one run of a step, retries included, to its answer;
 *       outcome {@code succeeded}, {@code failed} ({@code StepFailed}), {@code abandoned} (a switchover refused or
 *       aborted: {@code SwitchoverAbandoned}) or {@code stopped} (the agent stopped it; it runs again elsewhere);</li>
 *   <li>{@value #FAILURES} (counter, {@code step}, {@code reason}): answers that are failures, by classified reason;</li>
 *   <li>{@value #RETRIES} (counter, {@code step}, {@code reason}): retryable errors retried inside a run;</li>
 *   <li>{@value #RUNNING} and {@value #OLDEST} (gauges): commands being run now, and how long the oldest of them has
 *       been running.</li>
 * </ul>
 * Every meter is tagged {@code agent}. Tags stay few: a step name, an outcome, a reason; never an upgrade or a command id.
 */
public final class StepMeters {

    public static final String DURATION = "bluegreen.step.duration";
    public static final String FAILURES = "bluegreen.step.failures";
    public static final String RETRIES = "bluegreen.step.retries";
    public static final String RUNNING = "bluegreen.agent.running.commands";
    public static final String OLDEST = "bluegreen.agent.oldest.command.age";

    /** Bucket bounds of the step timer: a few milliseconds (a catalog check) to an hour (an engine upgrade). */
    private static final Duration[] BUCKETS = {Duration.ofMillis(10), Duration.ofMillis(50), Duration.ofMillis(100),
            Duration.ofMillis(250), Duration.ofMillis(500), Duration.ofSeconds(1), Duration.ofMillis(2500),
            Duration.ofSeconds(5), Duration.ofSeconds(10), Duration.ofSeconds(30), Duration.ofMinutes(1),
            Duration.ofMinutes(5), Duration.ofMinutes(15), Duration.ofMinutes(30), Duration.ofHours(1)};

    /** A command being run. */
    public static final class Running {
        private final String step;
        private final Instant since;

        private Running(String step, Instant since) {
            this.step = step;
            this.since = since;
        }
    }

    private final MeterRegistry registry;
    private final String agent;
    private final Clock clock;
    private final Set<Running> running = ConcurrentHashMap.newKeySet();

    /** @param agent the agent's name, tag {@code agent} of every meter (both agents may share one registry) */
    public StepMeters(MeterRegistry registry, String agent, Clock clock) {
        this.registry = registry;
        this.agent = agent;
        this.clock = clock;
        Gauge.builder(RUNNING, running, Set::size).baseUnit("commands").tag("agent", agent)
                .description("Commands this agent instance is running now").register(registry);
        Gauge.builder(OLDEST, this, StepMeters::oldestSeconds).baseUnit("seconds").tag("agent", agent)
                .description("How long the command this agent instance has been running longest has run (0 when none runs)")
                .register(registry);
    }

    /** Meters nobody reads (tests, tools). */
    public static StepMeters unread(String agent) {
        return new StepMeters(new SimpleMeterRegistry(), agent, Clock.systemUTC());
    }

    public Running started(String step) {
        Running run = new Running(step, clock.instant());
        running.add(run);
        return run;
    }

    /** The run ended with this answer (empty: stopped with the agent) after {@code took}. */
    public void finished(Running run, Optional<SpecificRecord> answer, Duration took) {
        running.remove(run);
        Timer.builder(DURATION).description("Time an agent took to run a step to its answer, retries included")
                .tags("agent", agent, "step", run.step, "outcome", outcome(answer)).serviceLevelObjectives(BUCKETS)
                .register(registry).record(took);
        failureReason(answer).ifPresent(reason -> Counter.builder(FAILURES).baseUnit("failures")
                .description("Steps an agent answered with a failure, by classified reason")
                .tags("agent", agent, "step", run.step, "reason", reason.name()).register(registry).increment());
    }

    /** A retryable error of a step, retried. */
    public void retried(String step, FailureReason reason) {
        Counter.builder(RETRIES).baseUnit("retries")
                .description("Retryable errors an agent retried inside a step, by classified reason")
                .tags("agent", agent, "step", step, "reason", reason.name()).register(registry).increment();
    }

    static String outcome(Optional<SpecificRecord> answer) {
        if (answer.isEmpty()) {
            return "stopped";
        }
        if (answer.get() instanceof StepFailed) {
            return "failed";
        }
        return answer.get() instanceof SwitchoverAbandoned ? "abandoned" : "succeeded";
    }

    static Optional<FailureReason> failureReason(Optional<SpecificRecord> answer) {
        if (answer.isPresent() && answer.get() instanceof StepFailed failed) {
            return Optional.of(failed.getReason());
        }
        if (answer.isPresent() && answer.get() instanceof SwitchoverAbandoned abandoned) {
            return Optional.of(abandoned.getReason());
        }
        return Optional.empty();
    }

    private double oldestSeconds() {
        Instant now = clock.instant();
        return running.stream().mapToDouble(run -> Duration.between(run.since, now).toMillis() / 1000.0)
                .max().orElse(0);
    }
}
