package io.bluegreen.coordinator.api;

import io.bluegreen.coordinator.saga.DatabaseState;
import io.bluegreen.coordinator.saga.Dispatch;
import io.bluegreen.coordinator.saga.SwitchoverPlan;
import io.bluegreen.coordinator.saga.SwitchoverState;
import io.bluegreen.coordinator.saga.UpgradeState;
import io.bluegreen.coordinator.saga.UpgradeValues;
import io.bluegreen.schemas.event.WriterEndpointChanged;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.serde.annotation.Serdeable;
import org.apache.avro.specific.SpecificRecord;

import java.time.Instant;
import java.util.List;

/**
 * An upgrade as the REST API shows it.
 *
 * @param waitingFor the commands in flight, with their deadline and what the agent last reported
 * @param green      Green as the agents reported it
 * @param perDatabase what the steps produced for each database
 * @param startedAt   when the plan was accepted
 * @param requestedBy the user who submitted it
 * @param progress    how far along its plan's phases it is (none while rolling back)
 * @param accepts     the users' decisions it accepts now, by route: approve, retry, rollback, waive-verification
 */
@Serdeable
public record UpgradeView(String upgradeId, String phase, @Nullable String failedPhase, @Nullable String lastFailure,
                          String blue, String targetVersion, List<String> databases, List<Pending> waitingFor,
                          Green green, @Nullable String snapshotLsn, @Nullable String snapshotLsnMethod,
                          List<Database> perDatabase, @Nullable Writer writer, Switchover switchover,
                          @Nullable String startedAt, @Nullable String requestedBy, @Nullable Progress progress,
                          List<String> accepts) {

    /**
     * Where the upgrade is among its plan's phases from PREFLIGHT (0) to COMPLETED ({@code phases}); a stopped
     * upgrade counts the phase it stopped in.
     */
    @Serdeable
    public record Progress(int phase, int phases, int percent) {
    }

    /** A command sent and not answered yet. */
    @Serdeable
    public record Pending(String step, @Nullable String database, String commandId, int attempt, String dispatchedAt,
                          String deadline, int resends, @Nullable String progress, @Nullable Integer percent,
                          @Nullable String progressAt) {

        static Pending of(Dispatch d) {
            return new Pending(d.step().recordedName(), d.database(), d.commandId(), d.attempt(), d.dispatchedAt().toString(),
                    d.deadline().toString(), d.resends(), d.progress().map(Dispatch.Progress::detail).orElse(null),
                    d.progress().map(Dispatch.Progress::percent).orElse(null),
                    d.progress().map(p -> p.at().toString()).orElse(null));
        }
    }

    /** Green's identifier, endpoint and version as reported, and the snapshots made for it. */
    @Serdeable
    public record Green(@Nullable String identifier, @Nullable String host, @Nullable Integer port,
                        @Nullable String engineVersion, List<String> snapshots) {
    }

    /** What the steps produced for one database. */
    @Serdeable
    public record Database(String database, @Nullable String slotAdvancedTo, @Nullable String subscription,
                           @Nullable String drainedLsn, @Nullable Integer sequences, @Nullable Boolean verified) {

        static Database of(DatabaseState s) {
            return new Database(s.database(), s.slotAdvancedTo().orElse(null), s.subscription().orElse(null),
                    s.drainedLsn().orElse(null), s.sequences().orElse(null), s.verified().orElse(null));
        }
    }

    /** The endpoint applications must write to, once the switchover is proven (event) or renamed (rename). */
    @Serdeable
    public record Writer(String host, int port, String method, @Nullable String fencedAt, @Nullable String provenAt) {
    }

    /** Switchover attempts since the plan started or the last retry, the allowed number, and their outcome. */
    @Serdeable
    public record Switchover(int attempts, int allowed, long timeoutMs, String repoint, @Nullable String deadline,
                             boolean dataMismatch) {
    }

    /** The upgrade without the decisions it accepts (none listed). */
    public static UpgradeView of(UpgradeState state, List<SpecificRecord> events) {
        return of(state, events, List.of());
    }

    /**
     * @param events  the upgrade's history (the latest WriterEndpointChanged names the writer)
     * @param accepts the users' decisions the saga accepts now
     */
    public static UpgradeView of(UpgradeState state, List<SpecificRecord> events, List<String> accepts) {
        UpgradeValues values = state.values();
        Writer writer = null;
        String startedAt = null;
        String requestedBy = null;
        for (SpecificRecord event : events) {
            if (event instanceof io.bluegreen.schemas.event.UpgradeRequested requested) {
                startedAt = requested.getOccurredAt().toString();
                requestedBy = requested.getRequestedBy();
            }
            if (event instanceof WriterEndpointChanged changed) {
                writer = new Writer(changed.getHost(), changed.getPort(), changed.getMethod().name(),
                        text(values.fencedAt().orElse(null)), text(values.provenAt().orElse(null)));
            }
        }
        SwitchoverState s = state.switchover();
        Switchover switchover = new Switchover(s.attempts(), SwitchoverPlan.attempts(state.plan()),
                SwitchoverPlan.timeout(state.plan()).toMillis(), SwitchoverPlan.repoint(state.plan()).name(),
                s.deadline().map(Object::toString).orElse(null), s.mismatch());
        UpgradeValues.Green g = values.green();
        Green green = new Green(g.identifier().orElse(null), g.host().orElse(null), g.port().orElse(null),
                g.engineVersion().orElse(null), g.snapshots());
        return new UpgradeView(state.upgradeId(), state.phase().name(), state.failedPhase().map(Enum::name).orElse(null),
                state.lastFailure().orElse(null), String.valueOf(state.plan().getBlue().getIdentifier()),
                state.plan().getTargetVersion(), state.plan().getDatabases(),
                state.pending().values().stream().map(Pending::of).toList(), green,
                values.snapshotLsn().orElse(null), values.snapshotLsnMethod().map(Enum::name).orElse(null),
                state.databases().values().stream().map(Database::of).toList(), writer, switchover, startedAt, requestedBy,
                Accepted.progress(state), List.copyOf(accepts));
    }

    private static String text(Instant at) {
        return at == null ? null : at.toString();
    }
}
