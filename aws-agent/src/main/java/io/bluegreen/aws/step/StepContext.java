package io.bluegreen.aws.step;

import io.bluegreen.schemas.common.ClusterRef;
import io.bluegreen.schemas.common.FailureReason;
import io.bluegreen.schemas.result.StepFailed;
import io.bluegreen.schemas.result.StepInProgress;
import io.bluegreen.schemas.result.StepSucceeded;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.specific.SpecificRecord;

import java.time.Clock;
import java.time.Instant;
import java.util.Map;

/**
 * The command being answered: its ids for every result, and whether this pass continues earlier ones (then
 * nothing found done counts as "already done").
 */
public record StepContext(String upgradeId, String commandId, String step, int attempt, boolean continuation,
                          Clock clock) {

    public static StepContext of(SpecificRecord command, boolean continuation, Clock clock) {
        GenericRecord fields = (GenericRecord) command;
        Object attempt = fields.get("attempt");
        return new StepContext(String.valueOf(fields.get("upgradeId")), String.valueOf(fields.get("commandId")),
                command.getSchema().getName(), attempt == null ? 1 : (Integer) attempt, continuation, clock);
    }

    public Instant now() {
        return clock.instant();
    }

    public StepSucceeded succeeded(String summary, boolean alreadyDone, Map<String, String> details) {
        return StepSucceeded.newBuilder().setUpgradeId(upgradeId).setCausationId(commandId).setStep(step)
                .setAttempt(attempt).setOccurredAt(now()).setSummary(summary)
                .setAlreadyDone(alreadyDone && !continuation).setDetails(details).build();
    }

    public StepFailed failed(FailureReason reason, boolean retryable, String errorCode, String message) {
        return StepFailed.newBuilder().setUpgradeId(upgradeId).setCausationId(commandId).setStep(step)
                .setAttempt(attempt).setOccurredAt(now()).setReason(reason).setRetryable(retryable)
                .setErrorCode(errorCode).setMessage(message).build();
    }

    public StepInProgress inProgress(String detail) {
        return StepInProgress.newBuilder().setUpgradeId(upgradeId).setCausationId(commandId).setStep(step)
                .setAttempt(attempt).setOccurredAt(now()).setDetail(detail).build();
    }

    /** A copy of a cluster reference with a new identifier and endpoint. */
    public static ClusterRef withEndpoint(ClusterRef ref, String identifier, String host, Integer port) {
        return ClusterRef.newBuilder(ref).setIdentifier(identifier).setHost(host).setPort(port).build();
    }
}
