package io.bluegreen.aws.step;

import io.bluegreen.aws.rds.AwsErrors;
import io.bluegreen.runtime.agent.StepFailure;
import io.bluegreen.runtime.agent.StepContext;
import io.bluegreen.aws.rds.DbResource;
import io.bluegreen.aws.rds.EngineVersions;
import io.bluegreen.aws.rds.RdsOperations;
import io.bluegreen.schemas.command.aws.SwapEndpoints;
import io.bluegreen.schemas.common.FailureReason;
import io.bluegreen.schemas.result.EndpointsSwapped;

import java.util.Optional;

/**
 * Repoint. With {@code renameIdentifiers}, as AWS Blue/Green does: Blue becomes {@code <blue>-old}, then Green
 * takes Blue's identifier, so Blue's endpoint name now reaches Green. Without it, nothing is renamed. Either way
 * the result publishes the endpoint that now reaches Green, for service discovery, and, after a rename, old Blue's
 * identifier and endpoint as described then (on AWS an endpoint follows its identifier, so Blue's former endpoint
 * reaches Green): the clean-up reaches old Blue there. Each pass reads which renames
 * already happened, so a restart in between finishes the swap instead of repeating it.
 */
final class SwapEndpointsStep implements AwsStep {

    private final SwapEndpoints command;
    private final RdsOperations rds;
    private final StepContext context;

    SwapEndpointsStep(SwapEndpoints command, RdsOperations rds, StepContext context) {
        this.command = command;
        this.rds = rds;
        this.context = context;
    }

    static String oldIdentifier(String blue) {
        return blue + "-old";
    }

    @Override
    public String describe() {
        return "repointing " + command.getBlue().getIdentifier() + " to " + command.getGreen().getIdentifier();
    }

    @Override
    public Pass advance() {
        boolean aurora = EngineVersions.isAurora(command.getGreen().getEngine());
        String blueId = command.getBlue().getIdentifier();
        String greenId = command.getGreen().getIdentifier();
        if (!command.getRenameIdentifiers()) {
            DbResource green = rds.resource(greenId, aurora).orElseThrow(() -> missing(greenId));
            return green.available() ? done(green, null) : Pass.waiting(greenId + " is " + green.status());
        }
        String oldId = oldIdentifier(blueId);
        Optional<DbResource> blue = rds.resource(blueId, aurora);
        Optional<DbResource> green = rds.resource(greenId, aurora);
        Optional<DbResource> old = rds.resource(oldId, aurora);
        if (old.isEmpty()) {
            DbResource b = blue.orElseThrow(() -> missing(blueId));
            green.orElseThrow(() -> missing(greenId));
            if (!b.available()) {
                return Pass.waiting(blueId + " is " + b.status());
            }
            rds.rename(b, oldId);
            return Pass.waiting("renaming Blue " + blueId + " to " + oldId);
        }
        if (green.isPresent()) {
            if (blue.isPresent()) {
                return Pass.waiting(blueId + " is still being renamed to " + oldId);
            }
            if (!green.get().available()) {
                return Pass.waiting(greenId + " is " + green.get().status());
            }
            rds.rename(green.get(), blueId);
            return Pass.waiting("renaming Green " + greenId + " to " + blueId);
        }
        DbResource swapped = blue.orElseThrow(() -> new StepFailure(FailureReason.PRECONDITION_FAILED, false,
                "Neither " + greenId + " nor " + blueId + " exists while " + oldId + " does: Green was deleted during the swap"));
        if (!swapped.available()) {
            return Pass.waiting(blueId + " (Green) is " + swapped.status());
        }
        DbResource oldBlue = old.get();
        if (!oldBlue.available() || oldBlue.host() == null) {
            // on AWS the endpoint follows the identifier: old Blue's new one is known once its rename is done
            return Pass.waiting(oldId + " (old Blue) is " + oldBlue.status() + "; its endpoint after the rename is read "
                    + "once it is available");
        }
        return done(swapped, oldBlue);
    }

    private StepFailure missing(String id) {
        return AwsErrors.notFound(EngineVersions.isAurora(command.getGreen().getEngine()), id + " does not exist: cannot repoint");
    }

    /** The endpoint that reaches Green, and old Blue's identifier and endpoint after a rename (null without one). */
    private Pass done(DbResource green, DbResource oldBlue) {
        return new Pass.Done(EndpointsSwapped.newBuilder().setUpgradeId(context.upgradeId())
                .setCausationId(context.commandId()).setStep(context.step()).setAttempt(context.attempt())
                .setOccurredAt(context.now()).setWriterHost(green.host()).setWriterPort(green.port() == null ? 0 : green.port())
                .setIdentifier(green.identifier()).setOldBlueIdentifier(oldBlue == null ? null : oldBlue.identifier())
                .setOldBlueHost(oldBlue == null ? null : oldBlue.host()).setOldBluePort(oldBlue == null ? null : oldBlue.port())
                .build());
    }
}
