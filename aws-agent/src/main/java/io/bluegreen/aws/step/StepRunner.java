package io.bluegreen.aws.step;

import io.bluegreen.aws.rds.AwsErrors;
import io.bluegreen.schemas.common.FailureReason;
import io.bluegreen.schemas.result.StepInProgress;
import org.apache.avro.specific.SpecificRecord;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;

/**
 * Works one slice of a step: passes of {@link AwsStep#advance()} a poll interval apart until the step is done,
 * fails, or the slice is used up. A slice never outlasts {@link AgentSettings#waitSlice()}, so a Kafka consumer
 * is never held past its poll interval; what is left is handed on as a continuation. Retryable AWS errors
 * (throttling, Invalid...State, connection loss) are waited out with backoff; permanent ones end the step.
 */
public final class StepRunner {

    /** How the slice ended. */
    public sealed interface Outcome {
        /** The command is answered: a success result or a StepFailed. */
        record Finished(SpecificRecord result) implements Outcome {
        }

        /** Not done yet: report progress and continue later. */
        record Continue(StepInProgress progress) implements Outcome {
        }
    }

    /** Pauses between passes; tests may replace it. */
    public interface Pause {
        void sleep(Duration duration) throws InterruptedException;
    }

    private final AgentSettings settings;
    private final Clock clock;
    private final Pause pause;

    public StepRunner(AgentSettings settings, Clock clock, Pause pause) {
        this.settings = settings;
        this.clock = clock;
        this.pause = pause;
    }

    public StepRunner(AgentSettings settings) {
        this(settings, Clock.systemUTC(), d -> Thread.sleep(d.toMillis()));
    }

    /**
     * @param stepStartedAt when the first slice of this command began (for the overall step timeout)
     */
    public Outcome run(AwsStep step, StepContext context, Instant stepStartedAt) {
        Instant sliceEnds = clock.instant().plus(settings.waitSlice());
        String lastSeen = "started";
        int retryableErrors = 0;
        while (true) {
            Duration wait = settings.pollInterval();
            try {
                Progress progress = step.advance();
                if (progress instanceof Progress.Done done) {
                    return new Outcome.Finished(done.result());
                }
                lastSeen = ((Progress.Waiting) progress).detail();
                retryableErrors = 0;
            } catch (StepRefused refused) {
                return new Outcome.Finished(context.failed(refused.reason(), false, refused.errorCode(), refused.getMessage()));
            } catch (RuntimeException error) {
                AwsErrors.Classified classified = AwsErrors.classify(error, step.describe());
                if (!classified.retryable()) {
                    return new Outcome.Finished(context.failed(classified.reason(), false, classified.errorCode(),
                            classified.message()));
                }
                lastSeen = classified.message();
                retryableErrors++;
                wait = wait.multipliedBy(1L << Math.min(retryableErrors, 4));
            }
            Instant now = clock.instant();
            if (Duration.between(stepStartedAt, now).compareTo(settings.stepTimeout()) > 0) {
                return new Outcome.Finished(context.failed(FailureReason.TIMEOUT, true, null, step.describe()
                        + " did not finish within " + settings.stepTimeout() + "; last seen: " + lastSeen
                        + ". Check the resource in the RDS console, then retry the upgrade"));
            }
            if (now.plus(wait).isAfter(sliceEnds)) {
                return new Outcome.Continue(context.inProgress(lastSeen));
            }
            try {
                pause.sleep(wait);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return new Outcome.Continue(context.inProgress(lastSeen));
            }
        }
    }
}
