package io.bluegreen.coordinator.saga;

import io.bluegreen.schemas.command.aws.CloneCluster;
import io.bluegreen.schemas.command.aws.ReadSnapshotLsnFromLog;
import io.bluegreen.schemas.command.aws.UpgradeEngine;
import io.bluegreen.schemas.command.pg.AdvanceSlot;
import io.bluegreen.schemas.command.pg.CreateSubscription;
import io.bluegreen.schemas.command.pg.ReadSnapshotLsn;
import io.bluegreen.schemas.command.aws.RetireOldBlue;
import io.bluegreen.schemas.command.aws.SwapEndpoints;
import io.bluegreen.schemas.command.pg.RunPreflight;
import io.bluegreen.schemas.command.pg.RunSwitchover;
import io.bluegreen.schemas.command.pg.VerifyData;
import io.bluegreen.schemas.common.DatabaseHandover;
import io.bluegreen.schemas.common.FailureReason;
import io.bluegreen.schemas.common.TableVerification;
import io.bluegreen.schemas.result.DataVerified;
import io.bluegreen.schemas.result.EndpointsSwapped;
import io.bluegreen.schemas.result.OldBlueRetired;
import io.bluegreen.schemas.result.SwitchoverProven;
import io.bluegreen.schemas.common.ClusterRef;
import io.bluegreen.schemas.common.SnapshotLsnMethod;
import io.bluegreen.schemas.result.ClusterReady;
import io.bluegreen.schemas.result.EngineUpgraded;
import io.bluegreen.schemas.result.PreflightCompleted;
import io.bluegreen.schemas.result.SnapshotLsnCaptured;
import io.bluegreen.schemas.result.SlotAdvanced;
import io.bluegreen.schemas.result.StepFailed;
import io.bluegreen.schemas.result.SubscriptionCreated;
import io.bluegreen.schemas.result.StepInProgress;
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
            return new EngineUpgraded(up, id, step, attempt, at, upgrade.getCluster(), "17.9", List.of());
        }
        if (command instanceof RunSwitchover run) {
            // each database drains to its own LSN and syncs its own number of sequences
            List<DatabaseHandover> handovers = run.getDatabases().stream().map(db -> {
                int n = run.getDatabases().indexOf(db);
                return new DatabaseHandover(db.getBlue().getDatabase(), "0/5000000", "0/50001" + n + "0", 1, 2 + n, 3,
                        "snap-" + db.getBlue().getDatabase(), null);
            }).toList();
            return new SwitchoverProven(up, id, step, attempt, at, at.minusMillis(40), at, handovers,
                    Map.of("fence", 3L, "drain", 30L, "sequences", 4L));
        }
        if (command instanceof AdvanceSlot advance) {
            return new SlotAdvanced(up, id, step, attempt, at, advance.getNames().getSlot(), "0/1000000", advance.getLsn());
        }
        if (command instanceof CreateSubscription create) {
            return new SubscriptionCreated(up, id, step, attempt, at, create.getNames().getSubscription(),
                    Map.of("copy_data", String.valueOf(create.getCopyData())));
        }
        if (command instanceof VerifyData verify) {
            return new DataVerified(up, id, step, attempt, at, true, verify.getMode(),
                    List.of(new TableVerification("public.orders", 10L, 10L, null, null, true)));
        }
        if (command instanceof SwapEndpoints) {
            // as on AWS: Blue's name (and endpoint) reaches Green; old Blue has an endpoint of its new name
            return new EndpointsSwapped(up, id, step, attempt, at, "orders.local", 5432, "orders", "orders-old",
                    "orders-old.local", 5433);
        }
        if (command instanceof RetireOldBlue retire) {
            return new OldBlueRetired(up, id, step, attempt, at, retire.getOldBlue().getIdentifier(),
                    retire.getFinalSnapshotIdentifier(), false);
        }
        return new StepSucceeded(up, id, step, attempt, at, step + " done", false, Map.of());
    }

    /** The agent could not do the command. */
    public static StepFailed failure(SpecificRecord command, FailureReason reason, boolean retryable, String message,
                                     Instant at) {
        GenericRecord c = (GenericRecord) command;
        return new StepFailed((String) c.get("upgradeId"), (String) c.get("commandId"), command.getSchema().getName(),
                (Integer) c.get("attempt"), at, reason, retryable, null, message);
    }

    /** The agent is still working on the command. */
    public static StepInProgress progress(SpecificRecord command, String detail, Integer percent, Instant at) {
        GenericRecord c = (GenericRecord) command;
        return new StepInProgress((String) c.get("upgradeId"), (String) c.get("commandId"), command.getSchema().getName(),
                (Integer) c.get("attempt"), at, detail, percent);
    }
}
