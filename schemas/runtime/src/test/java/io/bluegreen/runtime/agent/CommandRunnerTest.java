package io.bluegreen.runtime.agent;

import io.bluegreen.schemas.command.pg.FenceWrites;
import io.bluegreen.schemas.command.pg.UnfenceWrites;
import io.bluegreen.schemas.common.ClusterRef;
import io.bluegreen.schemas.common.DatabaseTarget;
import io.bluegreen.schemas.common.Engine;
import io.bluegreen.schemas.common.FailureReason;
import io.bluegreen.schemas.common.Role;
import io.bluegreen.schemas.result.StepFailed;
import io.bluegreen.schemas.result.StepSucceeded;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.apache.avro.specific.SpecificRecord;
import org.junit.jupiter.api.Test;

import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

class CommandRunnerTest {

    private static final DatabaseTarget TARGET = new DatabaseTarget(
            new ClusterRef(null, null, Engine.POSTGRES, "10.0.0.1", 5432, "blue"), "app", Role.BLUE);

    private final AtomicInteger attempts = new AtomicInteger();
    private final AtomicBoolean stopping = new AtomicBoolean();
    private final SimpleMeterRegistry meters = new SimpleMeterRegistry();

    /** SQLSTATE 55006 is retryable, anything else permanent; the message names the step. */
    private final ErrorClassifier classifier = (error, command, ctx) -> {
        boolean busy = error instanceof SQLException sql && "55006".equals(sql.getSQLState());
        return new ErrorClassifier.Classified(busy ? FailureReason.WRONG_STATE : FailureReason.INTERNAL, busy,
                error instanceof SQLException sql ? sql.getSQLState() : null, ctx.step() + " failed: " + error.getMessage());
    };

    private CommandRunner runner(AgentSteps steps) {
        return new CommandRunner("test-agent", steps, classifier, text -> text.replace("hunter2", "****"),
                new CommandRunner.Retry(3, Duration.ofMillis(1), Duration.ofMillis(2)), stopping::get,
                new StepMeters(meters, "test-agent", Clock.systemUTC()));
    }

    private static FenceWrites fence() {
        return new FenceWrites("upg-1", "cmd-1", 2, Instant.now(), TARGET);
    }

    private static StepContext context(SpecificRecord command) {
        return StepContext.of(command, Clock.systemUTC());
    }

    @Test
    void aRetryableErrorIsRetriedUntilTheStepSucceeds() {
        CommandRunner runner = runner(AgentSteps.builder().on(FenceWrites.class, (command, ctx) -> {
            if (attempts.incrementAndGet() < 3) {
                throw new SQLException("object in use", "55006");
            }
            return ctx.succeeded("fenced", false, Map.of());
        }).build());
        FenceWrites command = fence();
        StepSucceeded result = assertInstanceOf(StepSucceeded.class, runner.run(command, context(command)).orElseThrow());
        assertEquals(3, attempts.get());
        assertEquals(2, meters.get(StepMeters.RETRIES).tags("step", "FenceWrites", "reason", "WRONG_STATE").counter().count());
        assertEquals(1, meters.get(StepMeters.DURATION).tags("step", "FenceWrites", "outcome", "succeeded").timer().count());
        assertTrue(meters.find(StepMeters.FAILURES).counters().isEmpty(), "a recovered step is no failure");
        assertEquals("cmd-1", result.getCausationId());
        assertEquals(2, result.getAttempt());
        assertEquals("FenceWrites", result.getStep());
    }

    @Test
    void aRetryableErrorThatOutlastsTheAttemptsIsARetryableFailureWithItsCode() {
        CommandRunner runner = runner(AgentSteps.builder().on(FenceWrites.class, (command, ctx) -> {
            attempts.incrementAndGet();
            throw new SQLException("object in use", "55006");
        }).build());
        FenceWrites command = fence();
        StepFailed failed = assertInstanceOf(StepFailed.class, runner.run(command, context(command)).orElseThrow());
        assertEquals(3, attempts.get());
        assertTrue(failed.getRetryable());
        assertEquals("55006", failed.getErrorCode());
        assertEquals(FailureReason.WRONG_STATE, failed.getReason());
    }

    @Test
    void aPermanentErrorFailsAtOnceWithoutTheSecret() {
        CommandRunner runner = runner(AgentSteps.builder().on(FenceWrites.class, (command, ctx) -> {
            attempts.incrementAndGet();
            throw new IllegalArgumentException("password=hunter2 was refused");
        }).build());
        FenceWrites command = fence();
        StepFailed failed = assertInstanceOf(StepFailed.class, runner.run(command, context(command)).orElseThrow());
        assertEquals(1, attempts.get());
        assertFalse(failed.getRetryable());
        assertEquals("FenceWrites failed: password=**** was refused", failed.getMessage());
    }

    @Test
    void aStepFailureIsAnsweredAsItSays() {
        CommandRunner runner = runner(AgentSteps.builder().on(FenceWrites.class, (command, ctx) -> {
            throw new StepFailure(FailureReason.DATA_LOSS_RISK, false, "XX000", "slot is past the LSN: recreate the clone");
        }).build());
        FenceWrites command = fence();
        StepFailed failed = assertInstanceOf(StepFailed.class, runner.run(command, context(command)).orElseThrow());
        assertEquals(FailureReason.DATA_LOSS_RISK, failed.getReason());
        assertEquals(1, meters.get(StepMeters.FAILURES).tags("agent", "test-agent", "step", "FenceWrites", "reason",
                "DATA_LOSS_RISK").counter().count());
        assertEquals(1, meters.get(StepMeters.DURATION).tags("step", "FenceWrites", "outcome", "failed").timer().count());
        assertEquals("XX000", failed.getErrorCode());
        assertEquals("slot is past the LSN: recreate the clone", failed.getMessage());
    }

    @Test
    void aCommandWithoutAStepIsAnInvalidRequest() {
        CommandRunner runner = runner(AgentSteps.builder().on(FenceWrites.class, (command, ctx) -> ctx.succeeded("x", false,
                Map.of())).build());
        UnfenceWrites command = new UnfenceWrites("upg-1", "cmd-2", 1, Instant.now(), TARGET, false);
        StepFailed failed = assertInstanceOf(StepFailed.class, runner.run(command, context(command)).orElseThrow());
        assertEquals(FailureReason.INVALID_REQUEST, failed.getReason());
        assertTrue(failed.getMessage().contains("UnfenceWrites is not a command the test-agent runs"), failed.getMessage());
    }

    @Test
    void aStepInterruptedBecauseTheAgentStopsGetsNoAnswer() {
        CommandRunner runner = runner(AgentSteps.builder().on(FenceWrites.class, (command, ctx) -> {
            stopping.set(true);
            throw new InterruptedException("stopping");
        }).build());
        FenceWrites command = fence();
        assertTrue(runner.run(command, context(command)).isEmpty());
        assertTrue(Thread.interrupted(), "the interrupt is kept for the caller");
        assertEquals(1, meters.get(StepMeters.DURATION).tags("step", "FenceWrites", "outcome", "stopped").timer().count());
        assertEquals(0, meters.get(StepMeters.RUNNING).gauge().value(), "a stopped run is no longer running");
    }
}
