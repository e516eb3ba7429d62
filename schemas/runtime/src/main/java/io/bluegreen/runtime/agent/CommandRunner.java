package io.bluegreen.runtime.agent;

import io.bluegreen.schemas.common.FailureReason;
import io.bluegreen.schemas.result.StepFailed;
import io.bluegreen.schemas.result.StepSucceeded;
import org.apache.avro.specific.SpecificRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.Optional;
import java.util.function.BooleanSupplier;
import java.util.function.UnaryOperator;

/**
 * The error strategy of the agents, plain Java (no Kafka): runs a command's step and turns what happens into the
 * result that answers it.
 * <ul>
 *   <li>{@link StepFailure} becomes {@code StepFailed} with its reason, retryable flag and error code;</li>
 *   <li>any other exception is classified by the agent's {@link ErrorClassifier}; a retryable one is retried here
 *       with exponential backoff (steps are idempotent, so a retry after a half-done attempt finishes it), the rest
 *       becomes {@code StepFailed};</li>
 *   <li>every message goes through the agent's redactor, so no secret leaves in a result or a log line;</li>
 *   <li>every run is timed, and its failures and retries counted, on the agent's {@link StepMeters};</li>
 *   <li>a step interrupted because the agent stops gets no answer at all: its command is not committed and runs
 *       again on the instance that takes its partition over.</li>
 * </ul>
 */
public final class CommandRunner {

    private static final Logger LOG = LoggerFactory.getLogger(CommandRunner.class);

    /** Retry policy for retryable errors. */
    public record Retry(int maxAttempts, Duration initialBackoff, Duration maxBackoff) {

        public Retry {
            if (maxAttempts < 1) {
                throw new IllegalArgumentException("retry max-attempts must be at least 1, was " + maxAttempts);
            }
        }
    }

    private final String agent;
    private final AgentSteps steps;
    private final ErrorClassifier classifier;
    private final UnaryOperator<String> redactor;
    private final Retry retry;
    private final BooleanSupplier stopping;
    private final StepMeters meters;

    /**
     * @param agent    the agent's name for messages, e.g. {@code pg-agent}
     * @param redactor removes secrets from any text that leaves the step
     * @param stopping true once the agent is stopping (an interrupted step then gets no answer)
     */
    public CommandRunner(String agent, AgentSteps steps, ErrorClassifier classifier, UnaryOperator<String> redactor,
                         Retry retry, BooleanSupplier stopping, StepMeters meters) {
        this.agent = agent;
        this.steps = steps;
        this.classifier = classifier;
        this.redactor = redactor;
        this.retry = retry;
        this.stopping = stopping;
        this.meters = meters;
    }

    /** Runs the command's step; empty when the agent stopped it before it had an answer. */
    public Optional<SpecificRecord> run(SpecificRecord command, StepContext ctx) {
        StepMeters.Running metered = meters.started(ctx.step());
        long began = System.nanoTime();
        Optional<SpecificRecord> result = Optional.empty();
        try {
            result = runWithRetries(command, ctx);
        } finally {
            meters.finished(metered, result, Duration.ofNanos(System.nanoTime() - began));
        }
        long ms = Duration.ofNanos(System.nanoTime() - began).toMillis();
        result.ifPresentOrElse(
                answer -> LOG.info("{} -> {} in {} ms: {}", ctx, answer.getSchema().getName(), ms, redactor.apply(describe(answer))),
                () -> LOG.info("{} stopped after {} ms with the agent: not answered, it runs again where its partition goes",
                        ctx, ms));
        return result;
    }

    private Optional<SpecificRecord> runWithRetries(SpecificRecord command, StepContext ctx) {
        Optional<Step<SpecificRecord>> step = steps.stepFor(command);
        if (step.isEmpty()) {
            return Optional.of(ctx.failed(FailureReason.INVALID_REQUEST, false, null, command.getSchema().getName()
                    + " is not a command the " + agent + " runs: check the topic it was sent to"));
        }
        Duration backoff = retry.initialBackoff();
        for (int attempt = 1; ; attempt++) {
            try {
                SpecificRecord result = step.get().run(command, ctx);
                if (stopping.getAsBoolean() && Thread.currentThread().isInterrupted()) {
                    return Optional.empty();
                }
                return Optional.of(result);
            } catch (StepFailure failure) {
                if (stopping.getAsBoolean() && Thread.currentThread().isInterrupted()) {
                    return Optional.empty();
                }
                return Optional.of(ctx.failed(failure.reason(), failure.retryable(), failure.errorCode(),
                        redactor.apply(failure.getMessage())));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                if (stopping.getAsBoolean()) {
                    return Optional.empty();
                }
                return Optional.of(ctx.failed(FailureReason.INTERNAL, true, null, ctx.step() + " was interrupted"));
            } catch (Exception e) {
                if (stopping.getAsBoolean() && Thread.currentThread().isInterrupted()) {
                    return Optional.empty();
                }
                ErrorClassifier.Classified error = classifier.classify(e, command, ctx);
                String message = redactor.apply(error.message());
                if (error.retryable() && attempt < retry.maxAttempts()) {
                    meters.retried(ctx.step(), error.reason());
                    LOG.warn("{} attempt {} of {} failed, retrying in {} ms: {}", ctx.step(), attempt, retry.maxAttempts(),
                            backoff.toMillis(), message);
                    try {
                        Thread.sleep(backoff.toMillis());
                    } catch (InterruptedException interrupted) {
                        Thread.currentThread().interrupt();
                        return stopping.getAsBoolean() ? Optional.empty()
                                : Optional.of(ctx.failed(error.reason(), true, error.errorCode(), message));
                    }
                    Duration doubled = backoff.multipliedBy(2);
                    backoff = doubled.compareTo(retry.maxBackoff()) > 0 ? retry.maxBackoff() : doubled;
                    continue;
                }
                if (!error.retryable() && error.reason() == FailureReason.INTERNAL) {
                    LOG.error("{} failed unexpectedly: {}", ctx.step(), message);
                }
                return Optional.of(ctx.failed(error.reason(), error.retryable(), error.errorCode(), message));
            }
        }
    }

    private static String describe(SpecificRecord result) {
        if (result instanceof StepFailed f) {
            return f.getReason() + (f.getRetryable() ? " (retryable) " : " ") + f.getMessage();
        }
        if (result instanceof StepSucceeded s) {
            return (s.getAlreadyDone() ? "already done: " : "") + s.getSummary();
        }
        return result.toString();
    }
}
