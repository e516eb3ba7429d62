package io.bluegreen.coordinator.saga;

import io.bluegreen.schemas.Topics;
import io.bluegreen.schemas.command.aws.CloneCluster;
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
import io.bluegreen.schemas.command.pg.CreatePublication;
import io.bluegreen.schemas.command.pg.CreateSlot;
import io.bluegreen.schemas.command.pg.CreateSubscription;
import io.bluegreen.schemas.command.pg.DropClonedReplicationObjects;
import io.bluegreen.schemas.command.pg.DropPublicationAndSlot;
import io.bluegreen.schemas.command.pg.DropSubscription;
import io.bluegreen.schemas.command.pg.ReadSnapshotLsn;
import io.bluegreen.schemas.command.pg.RunPreflight;
import io.bluegreen.schemas.command.pg.RunSwitchover;
import io.bluegreen.schemas.command.pg.UnfenceWrites;
import io.bluegreen.schemas.command.pg.VerifyData;
import org.apache.avro.specific.SpecificRecord;

import java.time.Duration;
import java.util.Arrays;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * Every step the saga dispatches. A step knows the name the events record it under, the command it sends (and so
 * the agent and topic), whether it runs once or once per database, how long its command may go without an answer
 * or a progress report by default, and the step that undoes it in a rollback.
 *
 * <p>The recorded name is the command's name except for {@link #RELEASE_FENCE}, an {@code UnfenceWrites} that keeps
 * the disarmed guards after an aborted switchover, told apart from the rollback's {@link #UNFENCE_WRITES}.
 */
public enum Step {

    RUN_PREFLIGHT("RunPreflight", RunPreflight.class, Scope.ONCE, Duration.ofMinutes(2), null),
    ENABLE_LOGICAL_REPLICATION("EnableLogicalReplication", EnableLogicalReplication.class, Scope.ONCE,
            Duration.ofMinutes(10), null),
    CREATE_PUBLICATION("CreatePublication", CreatePublication.class, Scope.EACH_DATABASE, Duration.ofMinutes(2),
            "DropPublicationAndSlot"),
    CREATE_SLOT("CreateSlot", CreateSlot.class, Scope.EACH_DATABASE, Duration.ofMinutes(2), "DropPublicationAndSlot"),
    CLONE_CLUSTER("CloneCluster", CloneCluster.class, Scope.ONCE, Duration.ofMinutes(10), "DeleteCluster"),
    READ_SNAPSHOT_LSN("ReadSnapshotLsn", ReadSnapshotLsn.class, Scope.ONCE, Duration.ofMinutes(2), null),
    READ_SNAPSHOT_LSN_FROM_LOG("ReadSnapshotLsnFromLog", ReadSnapshotLsnFromLog.class, Scope.ONCE, Duration.ofMinutes(5),
            null),
    DROP_CLONED_REPLICATION_OBJECTS("DropClonedReplicationObjects", DropClonedReplicationObjects.class,
            Scope.EACH_DATABASE, Duration.ofMinutes(2), null),
    /** Undone with Green itself (DeleteCluster). */
    UPGRADE_ENGINE("UpgradeEngine", UpgradeEngine.class, Scope.ONCE, Duration.ofMinutes(10), null),
    /** Undone with the slot (DropPublicationAndSlot). */
    ADVANCE_SLOT("AdvanceSlot", AdvanceSlot.class, Scope.EACH_DATABASE, Duration.ofMinutes(2), null),
    /** Creates the subscription on Green, so its undo drops it. */
    ADVANCE_ORIGIN("AdvanceOrigin", AdvanceOrigin.class, Scope.EACH_DATABASE, Duration.ofMinutes(2), "DropSubscription"),
    CREATE_SUBSCRIPTION("CreateSubscription", CreateSubscription.class, Scope.EACH_DATABASE, Duration.ofMinutes(2),
            "DropSubscription"),
    ANALYZE_DATABASE("AnalyzeDatabase", AnalyzeDatabase.class, Scope.EACH_DATABASE, Duration.ofMinutes(10), null),
    /**
     * The fenced program. Its deadline is the plan's switchover timeout (recorded in {@code SwitchoverStarted}) plus
     * the grace for one hop; it is never re-sent: no proof by then aborts the attempt.
     */
    RUN_SWITCHOVER("RunSwitchover", RunSwitchover.class, Scope.ONCE, Duration.ofSeconds(60), "UnfenceWrites"),
    /** Unfences Blue after an aborted attempt and leaves the disarmed guards for the next one. */
    RELEASE_FENCE("ReleaseFence", UnfenceWrites.class, Scope.EACH_DATABASE, Duration.ofMinutes(2), null),
    SWAP_ENDPOINTS("SwapEndpoints", SwapEndpoints.class, Scope.ONCE, Duration.ofMinutes(10), null),
    VERIFY_DATA("VerifyData", VerifyData.class, Scope.EACH_DATABASE, Duration.ofMinutes(10), null),
    DROP_SUBSCRIPTION("DropSubscription", DropSubscription.class, Scope.EACH_DATABASE, Duration.ofMinutes(2), null),
    DROP_PUBLICATION_AND_SLOT("DropPublicationAndSlot", DropPublicationAndSlot.class, Scope.EACH_DATABASE,
            Duration.ofMinutes(2), null),
    /** After the switchover: the snapshots made for Green (the RDS seed), which the rollback no longer needs. */
    DELETE_UPGRADE_SNAPSHOTS("DeleteUpgradeSnapshots", DeleteUpgradeSnapshots.class, Scope.ONCE, Duration.ofMinutes(10),
            null),
    /** After the plan's retention: old Blue deleted with a final snapshot (never undone: a rollback is refused by then). */
    RETIRE_OLD_BLUE("RetireOldBlue", RetireOldBlue.class, Scope.ONCE, Duration.ofMinutes(30), null),
    /** The rollback's unfence: removes the guards as well. */
    UNFENCE_WRITES("UnfenceWrites", UnfenceWrites.class, Scope.EACH_DATABASE, Duration.ofMinutes(2), null),
    DELETE_CLUSTER("DeleteCluster", DeleteCluster.class, Scope.ONCE, Duration.ofMinutes(10), null);

    /** Once for the upgrade, or once for each database of the plan (the databases of a stage run in parallel). */
    public enum Scope { ONCE, EACH_DATABASE }

    private static final Map<String, Step> BY_NAME = Arrays.stream(values())
            .collect(Collectors.toUnmodifiableMap(Step::recordedName, Function.identity()));

    /**
     * The steps of the removed logical-copy strategy, as histories recorded before its removal name them, each with
     * the step a rollback counts it as: {@code CreateCluster} made Green, which {@code DeleteCluster} removes as it
     * removes a clone; {@code AwaitInitialCopy} only waited. They are never dispatched again.
     */
    private static final Map<String, Optional<Step>> RETIRED = Map.of(
            "CreateCluster", Optional.of(CLONE_CLUSTER),
            "AwaitInitialCopy", Optional.empty());

    private final String recordedName;
    private final Class<? extends SpecificRecord> command;
    private final Scope scope;
    private final Duration defaultTimeout;
    private final String undoName;

    Step(String recordedName, Class<? extends SpecificRecord> command, Scope scope, Duration defaultTimeout,
         String undoName) {
        this.recordedName = recordedName;
        this.command = command;
        this.scope = scope;
        this.defaultTimeout = defaultTimeout;
        this.undoName = undoName;
    }

    /** The name events record ({@code StepDispatched.step}, {@code StepCompleted.step}, ...). */
    public String recordedName() {
        return recordedName;
    }

    /** The command's type as sent on the wire. */
    public Class<? extends SpecificRecord> command() {
        return command;
    }

    /** The command's name as sent on the wire, e.g. {@code UnfenceWrites} for {@link #RELEASE_FENCE}. */
    public String commandName() {
        return command.getSimpleName();
    }

    /** The topic the command goes to, which names its agent. */
    public String topic() {
        return Topics.topicOf(command).name();
    }

    /** The agent that carries the command out. */
    public String agent() {
        return topic().equals(Topics.AWS_COMMANDS) ? "aws-agent" : "pg-agent";
    }

    public Scope scope() {
        return scope;
    }

    public boolean perDatabase() {
        return scope == Scope.EACH_DATABASE;
    }

    /** How long the command may go without an answer or progress before it is re-sent (once), then fails. */
    public Duration defaultTimeout() {
        return defaultTimeout;
    }

    /** The step a rollback runs when this one was attempted. */
    public Optional<Step> undo() {
        return Optional.ofNullable(undoName).map(Step::of);
    }

    /** The step recorded under {@code name} in the events. */
    public static Step of(String name) {
        Step step = BY_NAME.get(name);
        if (step == null && retired(name)) {
            throw new IllegalArgumentException("'" + name + "' was a step of the removed logical-copy strategy: it is never "
                    + "dispatched, so it has no timeout or command; known steps: " + BY_NAME.keySet());
        }
        if (step == null) {
            throw new IllegalArgumentException("No step is recorded as '" + name + "'; known steps: " + BY_NAME.keySet());
        }
        return step;
    }

    /** Whether {@code name} is a step of the removed logical-copy strategy, found only in older histories. */
    public static boolean retired(String name) {
        return RETIRED.containsKey(name);
    }

    /** The step a rollback counts the retired step {@code name} as, if it made anything to undo. */
    static Optional<Step> undoneAs(String name) {
        return RETIRED.getOrDefault(name, Optional.empty());
    }

    @Override
    public String toString() {
        return recordedName;
    }
}
