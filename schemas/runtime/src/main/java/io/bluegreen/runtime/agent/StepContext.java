package io.bluegreen.runtime.agent;

import io.bluegreen.schemas.common.FailureReason;
import io.bluegreen.schemas.result.StepFailed;
import io.bluegreen.schemas.result.StepInProgress;
import io.bluegreen.schemas.result.StepSucceeded;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.specific.SpecificRecord;
import org.apache.avro.specific.SpecificRecordBase;

import java.time.Clock;
import java.time.Instant;
import java.util.Map;

/**
 * The command a step answers: every result carries its upgrade id, {@code causationId} = the command id,
 * {@code step} = the command's simple name and its attempt. A long step may say how far it is with
 * {@link #progress(String, Integer)}; the runtime sends the latest report with each {@code StepInProgress}.
 */
public final class StepContext {

    /** What a step last said about itself. */
    public record Progress(String detail, Integer percent) {
    }

    private final String upgradeId;
    private final String commandId;
    private final String step;
    private final int attempt;
    private final Clock clock;
    private final Instant startedAt;
    private volatile Progress progress;

    public StepContext(String upgradeId, String commandId, String step, int attempt, Clock clock) {
        this.upgradeId = upgradeId;
        this.commandId = commandId;
        this.step = step;
        this.attempt = attempt;
        this.clock = clock;
        this.startedAt = clock.instant();
        this.progress = new Progress("started", null);
    }

    /** Reads the common fields of any command ({@code upgradeId}, {@code commandId}, {@code attempt}). */
    public static StepContext of(SpecificRecord command, Clock clock) {
        GenericRecord fields = (GenericRecord) command;
        Object attempt = command.getSchema().getField("attempt") == null ? null : fields.get("attempt");
        return new StepContext(String.valueOf(fields.get("upgradeId")), String.valueOf(fields.get("commandId")),
                command.getSchema().getName(), attempt == null ? 1 : (Integer) attempt, clock);
    }

    public String upgradeId() {
        return upgradeId;
    }

    public String commandId() {
        return commandId;
    }

    /** The command's simple name, e.g. {@code CreateSubscription}. */
    public String step() {
        return step;
    }

    public int attempt() {
        return attempt;
    }

    public Instant now() {
        return clock.instant();
    }

    /** When this run of the step began. */
    public Instant startedAt() {
        return startedAt;
    }

    /** Says how far the step is; goes out with the next {@code StepInProgress}. No secret in {@code detail}. */
    public void progress(String detail, Integer percent) {
        this.progress = new Progress(detail, percent);
    }

    public Progress latestProgress() {
        return progress;
    }

    /** Fills the common result fields of a result record and returns it. */
    public <T extends SpecificRecordBase> T stamp(T result) {
        result.put("upgradeId", upgradeId);
        result.put("causationId", commandId);
        result.put("step", step);
        result.put("attempt", attempt);
        result.put("occurredAt", now());
        return result;
    }

    public StepSucceeded succeeded(String summary, boolean alreadyDone, Map<String, String> details) {
        StepSucceeded result = new StepSucceeded();
        result.setSummary(summary);
        result.setAlreadyDone(alreadyDone);
        result.setDetails(Map.copyOf(details));
        return stamp(result);
    }

    public StepFailed failed(FailureReason reason, boolean retryable, String errorCode, String message) {
        StepFailed result = new StepFailed();
        result.setReason(reason);
        result.setRetryable(retryable);
        result.setErrorCode(errorCode);
        result.setMessage(message);
        return stamp(result);
    }

    /** The {@code StepInProgress} of the latest report. */
    public StepInProgress inProgress() {
        Progress latest = progress;
        StepInProgress result = new StepInProgress();
        result.setDetail(latest.detail());
        result.setPercent(latest.percent());
        return stamp(result);
    }

    @Override
    public String toString() {
        return step + " " + commandId + " of upgrade " + upgradeId + " (attempt " + attempt + ")";
    }
}
