package io.bluegreen.aws.step;

import io.bluegreen.runtime.agent.StepFailure;
import io.bluegreen.aws.rds.AwsErrors;
import io.bluegreen.runtime.agent.StepContext;
import io.bluegreen.aws.lsn.StartupLogParser;
import io.bluegreen.aws.rds.DbResource;
import io.bluegreen.aws.rds.EngineVersions;
import io.bluegreen.aws.rds.RdsOperations;
import io.bluegreen.schemas.command.aws.ReadSnapshotLsnFromLog;
import io.bluegreen.schemas.common.FailureReason;
import io.bluegreen.schemas.common.SnapshotLsnMethod;
import io.bluegreen.schemas.result.SnapshotLsnCaptured;

import java.util.List;

/**
 * The seed's method 2: download every log file of Green's writer (every page, oldest file first) and take the
 * {@code invalid record length at} LSN of its first recovery ({@link StartupLogParser}). Must run before Green's
 * engine is upgraded: the upgraded server's log holds no such recovery.
 */
final class ReadSnapshotLsnFromLogStep implements AwsStep {

    private final ReadSnapshotLsnFromLog command;
    private final RdsOperations rds;
    private final StepContext context;
    private final AgentSettings settings;

    ReadSnapshotLsnFromLogStep(ReadSnapshotLsnFromLog command, RdsOperations rds, StepContext context, AgentSettings settings) {
        this.command = command;
        this.rds = rds;
        this.context = context;
        this.settings = settings;
    }

    @Override
    public String describe() {
        return "reading the snapshot LSN from the log of " + command.getCluster().getIdentifier();
    }

    @Override
    public Pass advance() {
        boolean aurora = EngineVersions.isAurora(command.getCluster().getEngine());
        String id = command.getCluster().getIdentifier();
        DbResource green = rds.resource(id, aurora).orElseThrow(() -> AwsErrors.notFound(aurora,
                "Green " + id + " does not exist: clone it first"));
        String instance = green.writerInstance().orElseThrow(() -> new StepFailure(FailureReason.PRECONDITION_FAILED, false,
                "Green " + id + " has no writer instance yet"));
        if (!green.available()) {
            return Pass.waiting("Green " + id + " is " + green.status() + "; its log is read once it is available");
        }
        List<String> files = rds.logFiles(instance);
        StringBuilder log = new StringBuilder();
        for (String file : files) {
            log.append(rds.downloadLog(instance, file, settings.logLinesPerPage()));
            if (log.length() > 0 && log.charAt(log.length() - 1) != '\n') {
                log.append('\n');
            }
        }
        StartupLogParser.SnapshotLsn found = StartupLogParser.parse(log.toString()).orElseThrow(() -> new StepFailure(
                FailureReason.PRECONDITION_FAILED, false, "No first recovery with an end-of-WAL line ('invalid record length at') in "
                + files.size() + " log file(s) of " + instance + ": the log may have rotated away, or " + id
                + " was upgraded or not made by a clone. Read the LSN another way (AURORA_FUNCTION on Aurora, "
                + "CURRENT_LSN_FENCED with Blue's writes fenced) or recreate the clone"));
        SnapshotLsnCaptured captured = SnapshotLsnCaptured.newBuilder().setUpgradeId(context.upgradeId())
                .setCausationId(context.commandId()).setStep(context.step()).setAttempt(context.attempt())
                .setOccurredAt(context.now()).setLsn(found.lsn().toString()).setMethod(SnapshotLsnMethod.STARTUP_LOG)
                .setEvidence(found.evidence()).build();
        return new Pass.Done(captured);
    }
}
