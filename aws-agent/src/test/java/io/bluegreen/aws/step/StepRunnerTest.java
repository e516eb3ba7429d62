package io.bluegreen.aws.step;

import io.bluegreen.schemas.common.FailureReason;
import io.bluegreen.schemas.result.StepFailed;
import io.bluegreen.schemas.result.StepSucceeded;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.awscore.exception.AwsErrorDetails;
import software.amazon.awssdk.services.rds.model.RdsException;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

class StepRunnerTest {

    /** A clock that moves only when the runner pauses. */
    private static final class ManualTime extends Clock {
        Instant now = Instant.parse("2026-11-24T10:00:00Z");
        final List<Duration> pauses = new ArrayList<>();

        @Override
        public ZoneOffset getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(java.time.ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return now;
        }

        void sleep(Duration d) {
            pauses.add(d);
            now = now.plus(d);
        }
    }

    private final ManualTime time = new ManualTime();
    private final AgentSettings settings = new AgentSettings("db.t3.medium", Duration.ofSeconds(5),
            Duration.ofSeconds(60), Duration.ofHours(1), 100);
    private final StepRunner runner = new StepRunner(settings, time, time::sleep);
    private final StepContext context = new StepContext("upg-1", "cmd-1", "CloneCluster", 1, false, time);

    private AwsStep steps(List<Supplier<Progress>> passes) {
        Deque<Supplier<Progress>> left = new ArrayDeque<>(passes);
        return new AwsStep() {
            @Override
            public String describe() {
                return "cloning green";
            }

            @Override
            public Progress advance() {
                return left.size() > 1 ? left.poll().get() : left.peek().get();
            }
        };
    }

    private Progress done() {
        return new Progress.Done(context.succeeded("ok", false, Map.of()));
    }

    @Test
    void passesAPollIntervalApartUntilDone() {
        StepRunner.Outcome outcome = runner.run(steps(List.of(() -> Progress.waiting("creating"),
                () -> Progress.waiting("creating"), this::done)), context, time.instant());
        assertInstanceOf(StepSucceeded.class, ((StepRunner.Outcome.Finished) outcome).result());
        assertEquals(List.of(Duration.ofSeconds(5), Duration.ofSeconds(5)), time.pauses);
    }

    @Test
    void handsOnAContinuationWhenTheSliceIsUsedUp() {
        StepRunner.Outcome outcome = runner.run(steps(List.of(() -> Progress.waiting("status creating"))),
                context, time.instant());
        StepRunner.Outcome.Continue next = assertInstanceOf(StepRunner.Outcome.Continue.class, outcome);
        assertEquals("status creating", next.progress().getDetail());
        assertEquals("cmd-1", next.progress().getCausationId());
        Duration slept = time.pauses.stream().reduce(Duration.ZERO, Duration::plus);
        assertTrue(slept.compareTo(settings.waitSlice()) <= 0, "a slice never outlasts its budget: " + slept);
    }

    @Test
    void waitsOutThrottlingWithBackoffThenSucceeds() {
        RdsException throttled = (RdsException) RdsException.builder().statusCode(400)
                .awsErrorDetails(AwsErrorDetails.builder().errorCode("Throttling").build()).build();
        StepRunner.Outcome outcome = runner.run(steps(List.of(() -> { throw throttled; }, () -> { throw throttled; },
                this::done)), context, time.instant());
        assertInstanceOf(StepRunner.Outcome.Finished.class, outcome);
        assertEquals(List.of(Duration.ofSeconds(10), Duration.ofSeconds(20)), time.pauses);
    }

    @Test
    void aPermanentAwsErrorEndsTheStepWithItsCode() {
        RdsException missing = (RdsException) RdsException.builder().statusCode(404)
                .awsErrorDetails(AwsErrorDetails.builder().errorCode("DBClusterNotFoundFault").errorMessage("no such").build())
                .build();
        StepFailed failed = (StepFailed) ((StepRunner.Outcome.Finished) runner.run(
                steps(List.of(() -> { throw missing; })), context, time.instant())).result();
        assertEquals(FailureReason.NOT_FOUND, failed.getReason());
        assertEquals("DBClusterNotFoundFault", failed.getErrorCode());
        assertTrue(!failed.getRetryable());
    }

    @Test
    void aRefusedStepFailsWithItsReason() {
        StepFailed failed = (StepFailed) ((StepRunner.Outcome.Finished) runner.run(steps(List.of(() -> {
            throw new StepRefused(FailureReason.INVALID_REQUEST, "use a newer version");
        })), context, time.instant())).result();
        assertEquals(FailureReason.INVALID_REQUEST, failed.getReason());
        assertEquals("use a newer version", failed.getMessage());
    }

    @Test
    void aStepWaitingPastItsTimeoutFails() {
        Instant startedLongAgo = time.instant().minus(Duration.ofHours(2));
        StepFailed failed = (StepFailed) ((StepRunner.Outcome.Finished) runner.run(
                steps(List.of(() -> Progress.waiting("upgrading"))), context, startedLongAgo)).result();
        assertEquals(FailureReason.TIMEOUT, failed.getReason());
        assertTrue(failed.getMessage().contains("last seen: upgrading"), failed.getMessage());
    }
}
