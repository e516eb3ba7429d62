package io.bluegreen.pg;

import io.bluegreen.pg.preflight.Preflight;
import io.bluegreen.pg.replication.PublisherSteps;
import io.bluegreen.pg.replication.ReplicationAdmin;
import io.bluegreen.pg.replication.SubscriberSteps;
import io.bluegreen.pg.switchover.DataVerification;
import io.bluegreen.pg.switchover.Drain;
import io.bluegreen.pg.switchover.DrainMethod;
import io.bluegreen.pg.switchover.Guardrails;
import io.bluegreen.pg.switchover.SequenceSync;
import io.bluegreen.pg.switchover.SnapshotKeeper;
import io.bluegreen.pg.switchover.SwitchoverProgram;
import io.bluegreen.pg.switchover.WriteFence;
import io.bluegreen.runtime.agent.AgentSteps;
import io.bluegreen.schemas.command.pg.AdvanceOrigin;
import io.bluegreen.schemas.command.pg.AdvanceSlot;
import io.bluegreen.schemas.command.pg.AnalyzeDatabase;
import io.bluegreen.schemas.command.pg.CreatePublication;
import io.bluegreen.schemas.command.pg.CreateSlot;
import io.bluegreen.schemas.command.pg.CreateSubscription;
import io.bluegreen.schemas.command.pg.DisableSubscription;
import io.bluegreen.schemas.command.pg.DrainReplication;
import io.bluegreen.schemas.command.pg.DropClonedReplicationObjects;
import io.bluegreen.schemas.command.pg.DropPublicationAndSlot;
import io.bluegreen.schemas.command.pg.DropSubscription;
import io.bluegreen.schemas.command.pg.EnableSubscription;
import io.bluegreen.schemas.command.pg.FenceWrites;
import io.bluegreen.schemas.command.pg.ReadSnapshotLsn;
import io.bluegreen.schemas.command.pg.RunPreflight;
import io.bluegreen.schemas.command.pg.RunSwitchover;
import io.bluegreen.schemas.command.pg.SyncSequences;
import io.bluegreen.schemas.command.pg.UnfenceWrites;
import io.bluegreen.schemas.command.pg.VerifyData;

import java.time.Clock;
import java.time.Duration;

/** The pg-agent's steps: which plain-Java step answers which pg command. */
public final class PgSteps {

    private PgSteps() {
    }

    public static AgentSteps of(ReplicationAdmin admin, Duration terminationTimeout, DrainMethod drainMethod,
                                SnapshotKeeper snapshots) {
        Preflight preflight = new Preflight(admin);
        PublisherSteps publisher = new PublisherSteps(admin);
        SubscriberSteps subscriber = new SubscriberSteps(admin);
        WriteFence fence = new WriteFence(admin, terminationTimeout);
        Drain drain = new Drain(admin, drainMethod);
        SequenceSync sequences = new SequenceSync(admin);
        DataVerification verification = new DataVerification(admin, snapshots);
        SwitchoverProgram switchover = new SwitchoverProgram(admin, fence, new Guardrails(), drain, sequences,
                verification, snapshots, Clock.systemUTC());
        return AgentSteps.builder()
                .on(RunPreflight.class, (c, ctx) -> preflight.run(ctx, c))
                .on(CreatePublication.class, (c, ctx) -> publisher.createPublication(ctx, c))
                .on(CreateSlot.class, (c, ctx) -> publisher.createSlot(ctx, c))
                .on(ReadSnapshotLsn.class, (c, ctx) -> publisher.readSnapshotLsn(ctx, c))
                .on(AdvanceSlot.class, (c, ctx) -> publisher.advanceSlot(ctx, c))
                .on(DropPublicationAndSlot.class, (c, ctx) -> publisher.dropPublicationAndSlot(ctx, c))
                .on(DropClonedReplicationObjects.class, (c, ctx) -> subscriber.dropClonedObjects(ctx, c))
                .on(CreateSubscription.class, (c, ctx) -> subscriber.createSubscription(ctx, c))
                .on(AdvanceOrigin.class, (c, ctx) -> subscriber.advanceOrigin(ctx, c))
                .on(EnableSubscription.class, (c, ctx) -> subscriber.enableSubscription(ctx, c))
                .on(DisableSubscription.class, (c, ctx) -> subscriber.disableSubscription(ctx, c))
                .on(DropSubscription.class, (c, ctx) -> subscriber.dropSubscription(ctx, c))
                .on(AnalyzeDatabase.class, (c, ctx) -> subscriber.analyze(ctx, c))
                .on(FenceWrites.class, (c, ctx) -> fence.fence(ctx, c))
                .on(UnfenceWrites.class, (c, ctx) -> fence.unfence(ctx, c))
                .on(DrainReplication.class, (c, ctx) -> drain.drain(ctx, c))
                .on(SyncSequences.class, (c, ctx) -> sequences.sync(ctx, c))
                .on(VerifyData.class, (c, ctx) -> verification.verify(ctx, c))
                .on(RunSwitchover.class, (c, ctx) -> switchover.run(ctx, c))
                .build();
    }
}
