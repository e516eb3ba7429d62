package io.bluegreen.schemas;

import io.bluegreen.schemas.command.aws.CloneCluster;
import io.bluegreen.schemas.command.aws.CreateCluster;
import io.bluegreen.schemas.command.aws.DeleteCluster;
import io.bluegreen.schemas.command.aws.DeleteUpgradeSnapshots;
import io.bluegreen.schemas.command.aws.EnableLogicalReplication;
import io.bluegreen.schemas.command.aws.ReadSnapshotLsnFromLog;
import io.bluegreen.schemas.command.aws.RetireOldBlue;
import io.bluegreen.schemas.command.aws.SwapEndpoints;
import io.bluegreen.schemas.command.aws.UpgradeEngine;
import io.bluegreen.schemas.command.pg.AdvanceOrigin;
import io.bluegreen.schemas.command.pg.AdvanceSlot;
import io.bluegreen.schemas.command.pg.AnalyzeDatabase;
import io.bluegreen.schemas.command.pg.AwaitInitialCopy;
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
import io.bluegreen.schemas.command.pg.RunSwitchover;
import io.bluegreen.schemas.command.pg.RunPreflight;
import io.bluegreen.schemas.command.pg.SyncSequences;
import io.bluegreen.schemas.command.pg.UnfenceWrites;
import io.bluegreen.schemas.command.pg.VerifyData;
import io.bluegreen.schemas.event.DataVerificationRecorded;
import io.bluegreen.schemas.event.PhaseEntered;
import io.bluegreen.schemas.event.ReplicationEstablished;
import io.bluegreen.schemas.event.RetryRequested;
import io.bluegreen.schemas.event.VerificationWaived;
import io.bluegreen.schemas.event.RollbackStarted;
import io.bluegreen.schemas.event.RolledBack;
import io.bluegreen.schemas.event.StepCompleted;
import io.bluegreen.schemas.event.CommandResent;
import io.bluegreen.schemas.event.StepDispatched;
import io.bluegreen.schemas.event.StepProgressed;
import io.bluegreen.schemas.request.DecideUpgrade;
import io.bluegreen.schemas.request.RequestAnswered;
import io.bluegreen.schemas.request.StartUpgrade;
import io.bluegreen.schemas.event.StepFailureRecorded;
import io.bluegreen.schemas.event.SwitchoverAborted;
import io.bluegreen.schemas.event.SwitchoverApproved;
import io.bluegreen.schemas.event.SwitchoverStarted;
import io.bluegreen.schemas.event.UpgradeCompleted;
import io.bluegreen.schemas.event.UpgradeFailed;
import io.bluegreen.schemas.event.UpgradeRequested;
import io.bluegreen.schemas.event.WriterEndpointChanged;
import io.bluegreen.schemas.monitor.AlertCleared;
import io.bluegreen.schemas.monitor.AlertRaised;
import io.bluegreen.schemas.monitor.ReplicationLagMeasured;
import io.bluegreen.schemas.result.ClusterReady;
import io.bluegreen.schemas.result.DataVerified;
import io.bluegreen.schemas.result.EndpointsSwapped;
import io.bluegreen.schemas.result.EngineUpgraded;
import io.bluegreen.schemas.result.OldBlueRetired;
import io.bluegreen.schemas.result.PreflightCompleted;
import io.bluegreen.schemas.result.ReplicationDrained;
import io.bluegreen.schemas.result.SequencesSynced;
import io.bluegreen.schemas.result.SlotAdvanced;
import io.bluegreen.schemas.result.SnapshotLsnCaptured;
import io.bluegreen.schemas.result.StepFailed;
import io.bluegreen.schemas.result.StepInProgress;
import io.bluegreen.schemas.result.StepSucceeded;
import io.bluegreen.schemas.result.SubscriptionCreated;
import io.bluegreen.schemas.result.SwitchoverAbandoned;
import io.bluegreen.schemas.result.SwitchoverProven;
import io.bluegreen.schemas.result.WritesFenced;
import org.apache.avro.specific.SpecificRecord;

import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * The topic catalogue: every topic, what it carries, how long it keeps it. Every record of an upgrade is keyed by
 * its Blue (Blue's identifier, or {@code host:port}); an answer carries its command's key. All topics have the same
 * number of partitions, so every message of every upgrade of one Blue stays in order on one partition number of
 * each topic, where one coordinator owns them all.
 */
public final class Topics {

    public static final String PG_COMMANDS = "bluegreen.pg.commands";
    public static final String AWS_COMMANDS = "bluegreen.aws.commands";
    public static final String RESULTS = "bluegreen.results";
    public static final String LAG = "bluegreen.lag";
    public static final String ALERTS = "bluegreen.alerts";
    public static final String UPGRADE_EVENTS = "bluegreen.upgrade.events";
    public static final String DEAD_LETTER = "bluegreen.dead-letter";
    public static final String ENDPOINTS = "bluegreen.endpoints";
    public static final String REQUESTS = "bluegreen.upgrade.requests";
    public static final String REPLIES = "bluegreen.upgrade.replies";

    /** Commands for the pg-agent. */
    public static final TopicSpec PG_COMMANDS_TOPIC = new TopicSpec(PG_COMMANDS, Optional.of(Duration.ofDays(14)),
            "Commands for the pg-agent: SQL steps on Blue and Green", List.of(
            RunPreflight.class, CreatePublication.class, CreateSlot.class, ReadSnapshotLsn.class,
            DropClonedReplicationObjects.class, AdvanceSlot.class, AdvanceOrigin.class, CreateSubscription.class,
            EnableSubscription.class, DisableSubscription.class, AwaitInitialCopy.class, FenceWrites.class,
            UnfenceWrites.class, DrainReplication.class, SyncSequences.class, VerifyData.class,
            DropSubscription.class, DropPublicationAndSlot.class, AnalyzeDatabase.class, RunSwitchover.class));

    /** Commands for the aws-agent. */
    public static final TopicSpec AWS_COMMANDS_TOPIC = new TopicSpec(AWS_COMMANDS, Optional.of(Duration.ofDays(14)),
            "Commands for the aws-agent: RDS / Aurora control plane", List.of(
            EnableLogicalReplication.class, CloneCluster.class, CreateCluster.class, ReadSnapshotLsnFromLog.class,
            UpgradeEngine.class, SwapEndpoints.class, DeleteCluster.class, DeleteUpgradeSnapshots.class,
            RetireOldBlue.class));

    /** What the agents did. */
    public static final TopicSpec RESULTS_TOPIC = new TopicSpec(RESULTS, Optional.of(Duration.ofDays(30)),
            "Answers of the agents: succeeded (with data), failed (classified), in progress", List.of(
            StepSucceeded.class, StepFailed.class, StepInProgress.class, PreflightCompleted.class,
            SnapshotLsnCaptured.class, ClusterReady.class, EngineUpgraded.class, SlotAdvanced.class,
            SubscriptionCreated.class, WritesFenced.class, ReplicationDrained.class, SequencesSynced.class,
            DataVerified.class, EndpointsSwapped.class, SwitchoverProven.class, SwitchoverAbandoned.class,
            OldBlueRetired.class));

    /** Lag samples; alerting systems consume them directly. */
    public static final TopicSpec LAG_TOPIC = new TopicSpec(LAG, Optional.of(Duration.ofDays(7)),
            "One replication sample per upgrade and database", List.of(ReplicationLagMeasured.class));

    /** Raised and cleared alerts. */
    public static final TopicSpec ALERTS_TOPIC = new TopicSpec(ALERTS, Optional.of(Duration.ofDays(90)),
            "Alerts raised and cleared, with hysteresis", List.of(AlertRaised.class, AlertCleared.class));

    /** The audit trail and the coordinator's source of truth: kept forever, never compacted. */
    public static final TopicSpec UPGRADE_EVENTS_TOPIC = new TopicSpec(UPGRADE_EVENTS, Optional.empty(),
            "Every decision of the coordinator; the state of an upgrade is the fold of its events", List.of(
            UpgradeRequested.class, PhaseEntered.class, ReplicationEstablished.class, StepDispatched.class, StepCompleted.class,
            StepFailureRecorded.class, SwitchoverApproved.class, SwitchoverAborted.class, UpgradeCompleted.class,
            UpgradeFailed.class, RetryRequested.class, RollbackStarted.class, RolledBack.class, SwitchoverStarted.class,
            WriterEndpointChanged.class, DataVerificationRecorded.class, StepProgressed.class, CommandResent.class,
            VerificationWaived.class));

    /**
     * Users' requests (a plan, an approval, a retry, a rollback) from any coordinator's API to the coordinator that
     * owns the upgrade's partition; they are inputs of the saga like the agents' results.
     */
    public static final TopicSpec REQUESTS_TOPIC = new TopicSpec(REQUESTS, Optional.of(Duration.ofDays(30)),
            "Users' requests for the coordinator owning the upgrade", List.of(StartUpgrade.class, DecideUpgrade.class));

    /** The owning coordinator's answer to each request, committed with the events the request caused. */
    public static final TopicSpec REPLIES_TOPIC = new TopicSpec(REPLIES, Optional.of(Duration.ofDays(1)),
            "Answers to users' requests, read by the API instance that is waiting", List.of(RequestAnswered.class));

    /**
     * Where applications must write: {@code WriterEndpointChanged} the moment a switchover is proven (event repoint)
     * or the identifiers are swapped (rename repoint). Applications and service discovery consume it.
     */
    public static final TopicSpec ENDPOINTS_TOPIC = new TopicSpec(ENDPOINTS, Optional.of(Duration.ofDays(90)),
            "The writer endpoint applications must use after a switchover", List.of(WriterEndpointChanged.class));

    /** Records that could not be decoded or handled, with the reason in headers. */
    public static final TopicSpec DEAD_LETTER_TOPIC = new TopicSpec(DEAD_LETTER, Optional.of(Duration.ofDays(90)),
            "Records no service could decode or handle: raw bytes plus source topic, partition, offset, reason",
            List.of());

    public static final List<TopicSpec> ALL = List.of(PG_COMMANDS_TOPIC, AWS_COMMANDS_TOPIC, RESULTS_TOPIC, LAG_TOPIC,
            ALERTS_TOPIC, UPGRADE_EVENTS_TOPIC, ENDPOINTS_TOPIC, REQUESTS_TOPIC, REPLIES_TOPIC, DEAD_LETTER_TOPIC);

    static {
        AvroTrust.install();
    }

    private Topics() {
    }

    /** Every message type of every topic. */
    public static List<Class<? extends SpecificRecord>> messageTypes() {
        return ALL.stream().flatMap(topic -> topic.messageTypes().stream()).toList();
    }

    /** The topic a message type travels on. */
    public static TopicSpec topicOf(Class<? extends SpecificRecord> type) {
        return ALL.stream().filter(topic -> topic.messageTypes().contains(type)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException(type.getName() + " is not a message of any topic"));
    }

    public static Optional<TopicSpec> byName(String name) {
        return Stream.of(ALL.toArray(TopicSpec[]::new)).filter(topic -> topic.name().equals(name)).findFirst();
    }
}
