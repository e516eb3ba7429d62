package io.bluegreen.pg.replication;

import io.bluegreen.schemas.common.FailureReason;
import io.bluegreen.schemas.result.StepFailed;
import io.bluegreen.schemas.result.StepInProgress;
import io.bluegreen.schemas.result.StepSucceeded;
import org.apache.avro.specific.SpecificRecord;
import org.apache.avro.specific.SpecificRecordBase;

import java.time.Instant;
import java.util.Map;

/**
 * Which command a step answers: every result carries the upgrade id, {@code causationId} = the command id,
 * {@code step} = the command's simple name and its attempt.
 */
public record StepContext(String upgradeId, String commandId, String step, int attempt) {

    /** Reads the common fields of any pg command. */
    public static StepContext of(SpecificRecord command) {
        SpecificRecordBase base = (SpecificRecordBase) command;
        Object attempt = base.hasField("attempt") ? base.get("attempt") : null;
        return new StepContext(String.valueOf(base.get("upgradeId")), String.valueOf(base.get("commandId")),
                command.getSchema().getName(), attempt == null ? 1 : (Integer) attempt);
    }

    /** Fills the common result fields of a result record and returns it. */
    public <T extends SpecificRecordBase> T stamp(T result) {
        result.put("upgradeId", upgradeId);
        result.put("causationId", commandId);
        result.put("step", step);
        result.put("attempt", attempt);
        result.put("occurredAt", Instant.now());
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

    public StepInProgress inProgress(String detail, Integer percent) {
        StepInProgress result = new StepInProgress();
        result.setDetail(detail);
        result.setPercent(percent);
        return stamp(result);
    }
}
