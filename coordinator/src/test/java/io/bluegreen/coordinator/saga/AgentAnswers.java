package io.bluegreen.coordinator.saga;

import io.bluegreen.schemas.command.aws.CloneCluster;
import io.bluegreen.schemas.command.aws.ReadSnapshotLsnFromLog;
import io.bluegreen.schemas.command.aws.UpgradeEngine;
import io.bluegreen.schemas.command.pg.ReadSnapshotLsn;
import io.bluegreen.schemas.command.pg.RunPreflight;
import io.bluegreen.schemas.common.ClusterRef;
import io.bluegreen.schemas.common.SnapshotLsnMethod;
import io.bluegreen.schemas.result.ClusterReady;
import io.bluegreen.schemas.result.EngineUpgraded;
import io.bluegreen.schemas.result.PreflightCompleted;
import io.bluegreen.schemas.result.SnapshotLsnCaptured;
import io.bluegreen.schemas.result.StepSucceeded;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.specific.SpecificRecord;

import java.time.Instant;
import java.util.List;
import java.util.Map;

/** Successful answers to any command, as the agents would give them; tests play the agents with these. */
public final class AgentAnswers {

    private AgentAnswers() {
    }

    public static SpecificRecord success(SpecificRecord command, Instant at) {
        GenericRecord c = (GenericRecord) command;
        String up = (String) c.get("upgradeId");
        String id = (String) c.get("commandId");
        int attempt = (Integer) c.get("attempt");
        String step = command.getSchema().getName();
        if (command instanceof RunPreflight) {
            return new PreflightCompleted(up, id, step, attempt, at, true, List.of(), 16, null);
        }
        if (command instanceof CloneCluster clone) {
            ClusterRef green = ClusterRef.newBuilder(clone.getSource()).setIdentifier(clone.getTargetIdentifier())
                    .setHost("green.local").setPort(6543).build();
            return new ClusterReady(up, id, step, attempt, at, green, "16.13", clone.getMethod(), List.of("snap-1"));
        }
        if (command instanceof ReadSnapshotLsnFromLog) {
            return new SnapshotLsnCaptured(up, id, step, attempt, at, "0/3000938", SnapshotLsnMethod.STARTUP_LOG, List.of());
        }
        if (command instanceof ReadSnapshotLsn) {
            return new SnapshotLsnCaptured(up, id, step, attempt, at, "0/3000938", SnapshotLsnMethod.AURORA_FUNCTION, List.of());
        }
        if (command instanceof UpgradeEngine upgrade) {
            return new EngineUpgraded(up, id, step, attempt, at, upgrade.getCluster(), "17.9");
        }
        return new StepSucceeded(up, id, step, attempt, at, step + " done", false, Map.of());
    }
}
