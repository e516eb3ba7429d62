package io.bluegreen.aws.step;

import io.bluegreen.aws.rds.AwsErrors;
import io.bluegreen.runtime.aws.RdsClients;
import io.bluegreen.aws.rds.RdsOperations;
import io.bluegreen.runtime.agent.AgentSteps;
import io.bluegreen.runtime.agent.ErrorClassifier;
import io.bluegreen.runtime.agent.Step;
import io.bluegreen.runtime.agent.StepContext;
import io.bluegreen.runtime.agent.StepFailure;
import io.bluegreen.schemas.command.aws.CloneCluster;
import io.bluegreen.schemas.command.aws.DeleteCluster;
import io.bluegreen.schemas.command.aws.DeleteUpgradeSnapshots;
import io.bluegreen.schemas.command.aws.EnableLogicalReplication;
import io.bluegreen.schemas.command.aws.ReadSnapshotLsnFromLog;
import io.bluegreen.schemas.command.aws.RetireOldBlue;
import io.bluegreen.schemas.command.aws.SwapEndpoints;
import io.bluegreen.schemas.command.aws.UpgradeEngine;
import io.bluegreen.schemas.common.ClusterRef;
import io.bluegreen.schemas.common.FailureReason;
import org.apache.avro.specific.SpecificRecord;

import java.time.Duration;
import java.util.function.Function;

/**
 * The aws-agent's steps: which reconcile step answers which aws command, and the loop that runs a step's passes a
 * poll interval apart until it is done. Waiting is reported through the step context (the runtime sends it with
 * each {@code StepInProgress}); retryable AWS errors (throttling, {@code Invalid...State}, connection loss) are
 * waited out with backoff like any other wait; permanent ones end the step with the AWS error code; a step still
 * waiting past {@code bluegreen.aws.step-timeout} fails with TIMEOUT.
 */
public final class AwsSteps {

    /** Pauses between passes; tests may replace it. */
    public interface Pause {
        void sleep(Duration duration) throws InterruptedException;
    }

    /** Builds a command's step against the RDS API of the command's region. */
    private interface StepFactory<C extends SpecificRecord> {
        AwsStep create(C command, RdsOperations rds, StepContext context);
    }

    private final RdsClients clients;
    private final AgentSettings settings;
    private final Pause pause;

    AwsSteps(RdsClients clients, AgentSettings settings, Pause pause) {
        this.clients = clients;
        this.settings = settings;
        this.pause = pause;
    }

    public static AgentSteps of(RdsClients clients, AgentSettings settings, Pause pause) {
        AwsSteps steps = new AwsSteps(clients, settings, pause);
        return AgentSteps.builder()
                .on(EnableLogicalReplication.class, steps.reconciled(EnableLogicalReplication::getCluster,
                        EnableLogicalReplicationStep::new))
                .on(CloneCluster.class, steps.reconciled(CloneCluster::getSource, CloneClusterStep::new))
                .on(ReadSnapshotLsnFromLog.class, steps.reconciled(ReadSnapshotLsnFromLog::getCluster,
                        (c, rds, ctx) -> new ReadSnapshotLsnFromLogStep(c, rds, ctx, settings)))
                .on(UpgradeEngine.class, steps.reconciled(UpgradeEngine::getCluster,
                        UpgradeEngineStep::new))
                .on(SwapEndpoints.class, steps.reconciled(SwapEndpoints::getGreen, SwapEndpointsStep::new))
                .on(DeleteCluster.class, steps.reconciled(DeleteCluster::getCluster, DeleteClusterStep::new))
                .on(DeleteUpgradeSnapshots.class, steps.reconciled(DeleteUpgradeSnapshots::getCluster,
                        DeleteUpgradeSnapshotsStep::new))
                .on(RetireOldBlue.class, steps.reconciled(RetireOldBlue::getOldBlue, RetireOldBlueStep::new))
                .build();
    }

    /** What escapes a step (a region the SDK does not know, a bug): classified by AWS error code. */
    public static ErrorClassifier.Classified classify(Throwable error, SpecificRecord command, StepContext context) {
        return AwsErrors.classify(error, context.step() + " " + context.commandId());
    }

    private <C extends SpecificRecord> Step<C> reconciled(Function<C, ClusterRef> cluster, StepFactory<C> factory) {
        return (command, context) -> reconcile(factory.create(command,
                new RdsOperations(clients.forRegion(cluster.apply(command).getRegion())), context), context);
    }

    /** Runs the step's passes until it is done, fails, or waits past the step timeout. */
    public SpecificRecord reconcile(AwsStep step, StepContext context) throws InterruptedException {
        int retryableErrors = 0;
        while (true) {
            Duration wait = settings.pollInterval();
            String lastSeen;
            try {
                Pass pass = step.advance();
                if (pass instanceof Pass.Done done) {
                    return done.result();
                }
                lastSeen = ((Pass.Waiting) pass).detail();
                retryableErrors = 0;
            } catch (StepFailure failure) {
                throw failure;
            } catch (RuntimeException error) {
                ErrorClassifier.Classified classified = AwsErrors.classify(error, step.describe());
                if (!classified.retryable()) {
                    throw new StepFailure(classified.reason(), false, classified.errorCode(), classified.message());
                }
                lastSeen = classified.message();
                retryableErrors++;
                wait = wait.multipliedBy(1L << Math.min(retryableErrors, 4));
            }
            context.progress(lastSeen, null);
            if (Duration.between(context.startedAt(), context.now()).compareTo(settings.stepTimeout()) > 0) {
                throw new StepFailure(FailureReason.TIMEOUT, true, step.describe() + " did not finish within "
                        + settings.stepTimeout() + "; last seen: " + lastSeen
                        + ". Check the resource in the RDS console, then retry the upgrade");
            }
            pause.sleep(wait);
        }
    }

    /** A copy of a cluster reference with a new identifier and endpoint. */
    public static ClusterRef withEndpoint(ClusterRef ref, String identifier, String host, Integer port) {
        return ClusterRef.newBuilder(ref).setIdentifier(identifier).setHost(host).setPort(port).build();
    }
}
