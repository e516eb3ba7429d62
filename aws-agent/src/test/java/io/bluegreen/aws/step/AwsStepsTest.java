package io.bluegreen.aws.step;

import io.bluegreen.runtime.agent.StepContext;
import io.bluegreen.runtime.agent.StepFailure;
import io.bluegreen.schemas.common.FailureReason;
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
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class AwsStepsTest {

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
    private final AgentSettings settings = new AgentSettings(Duration.ofSeconds(5), Duration.ofHours(1), 100);
    private final AwsSteps steps = new AwsSteps(null, settings, time::sleep);
    private final StepContext context = new StepContext("upg-1", "cmd-1", "CloneCluster", 1, time);

    private AwsStep passes(List<Supplier<Pass>> passes) {
        Deque<Supplier<Pass>> left = new ArrayDeque<>(passes);
        return new AwsStep() {
            @Override
            public String describe() {
                return "cloning green";
            }

            @Override
            public Pass advance() {
                return left.size() > 1 ? left.poll().get() : left.peek().get();
            }
        };
    }

    private Pass done() {
        return new Pass.Done(context.succeeded("ok", false, Map.of()));
    }

    @Test
    void passesAPollIntervalApartUntilDone() throws Exception {
        var result = steps.reconcile(passes(List.of(() -> Pass.waiting("creating"), () -> Pass.waiting("creating"),
                this::done)), context);
        assertInstanceOf(StepSucceeded.class, result);
        assertEquals(List.of(Duration.ofSeconds(5), Duration.ofSeconds(5)), time.pauses);
    }

    @Test
    void reportsWhatItWaitsForThroughTheContext() throws Exception {
        steps.reconcile(passes(List.of(() -> Pass.waiting("status creating"), this::done)), context);
        assertEquals("status creating", context.latestProgress().detail());
        assertEquals("cmd-1", context.inProgress().getCausationId());
        assertEquals("status creating", context.inProgress().getDetail());
    }

    @Test
    void waitsOutThrottlingWithBackoffThenSucceeds() throws Exception {
        RdsException throttled = (RdsException) RdsException.builder().statusCode(400)
                .awsErrorDetails(AwsErrorDetails.builder().errorCode("Throttling").build()).build();
        var result = steps.reconcile(passes(List.of(() -> { throw throttled; }, () -> { throw throttled; },
                this::done)), context);
        assertInstanceOf(StepSucceeded.class, result);
        assertEquals(List.of(Duration.ofSeconds(10), Duration.ofSeconds(20)), time.pauses);
    }

    @Test
    void aPermanentAwsErrorEndsTheStepWithItsCode() {
        RdsException missing = (RdsException) RdsException.builder().statusCode(404)
                .awsErrorDetails(AwsErrorDetails.builder().errorCode("DBClusterNotFoundFault").errorMessage("no such").build())
                .build();
        StepFailure failed = assertThrows(StepFailure.class, () -> steps.reconcile(passes(List.of(() -> { throw missing; })),
                context));
        assertEquals(FailureReason.NOT_FOUND, failed.reason());
        assertEquals("DBClusterNotFoundFault", failed.errorCode());
        assertFalse(failed.retryable());
    }

    @Test
    void aRefusedStepFailsWithItsReason() {
        StepFailure failed = assertThrows(StepFailure.class, () -> steps.reconcile(passes(List.of(() -> {
            throw new StepFailure(FailureReason.INVALID_REQUEST, false, "use a newer version");
        })), context));
        assertEquals(FailureReason.INVALID_REQUEST, failed.reason());
        assertEquals("use a newer version", failed.getMessage());
    }

    @Test
    void aStepWaitingPastItsTimeoutFails() {
        time.sleep(Duration.ofHours(2));
        time.pauses.clear();
        StepFailure failed = assertThrows(StepFailure.class, () -> steps.reconcile(
                passes(List.of(() -> Pass.waiting("upgrading"))), context));
        assertEquals(FailureReason.TIMEOUT, failed.reason());
        assertTrue(failed.retryable());
        assertTrue(failed.getMessage().contains("last seen: upgrading"), failed.getMessage());
    }
}
