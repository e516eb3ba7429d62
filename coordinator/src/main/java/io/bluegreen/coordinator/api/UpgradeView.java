package io.bluegreen.coordinator.api;

import io.bluegreen.coordinator.saga.SwitchoverPlan;
import io.bluegreen.coordinator.saga.SwitchoverState;
import io.bluegreen.coordinator.saga.UpgradeState;
import io.bluegreen.schemas.event.WriterEndpointChanged;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.serde.annotation.Serdeable;
import org.apache.avro.specific.SpecificRecord;

import java.util.List;
import java.util.Map;

/** An upgrade as the REST API shows it. */
@Serdeable
public record UpgradeView(String upgradeId, String phase, @Nullable String failedPhase, @Nullable String lastFailure,
                          String blue, String targetVersion, List<String> databases, List<String> waitingFor,
                          Map<String, String> data, @Nullable Writer writer, Switchover switchover,
                          Map<String, String> progress) {

    /** The endpoint applications must write to, once the switchover is proven (event) or renamed (rename). */
    @Serdeable
    public record Writer(String host, int port, String method) {
    }

    /** Switchover attempts since the plan started or the last retry, the allowed number, and their outcome. */
    @Serdeable
    public record Switchover(int attempts, int allowed, long timeoutMs, String repoint, @Nullable String deadline,
                             boolean dataMismatch) {
    }

    /** @param events the upgrade's history (the latest WriterEndpointChanged names the writer); progress of long steps */
    public static UpgradeView of(UpgradeState state, List<SpecificRecord> events, Map<String, String> progress) {
        Writer writer = null;
        for (SpecificRecord event : events) {
            if (event instanceof WriterEndpointChanged changed) {
                writer = new Writer(changed.getHost(), changed.getPort(), changed.getMethod().name());
            }
        }
        SwitchoverState s = state.switchover();
        Switchover switchover = new Switchover(s.attempts(), SwitchoverPlan.attempts(state.plan()),
                SwitchoverPlan.timeout(state.plan()).toMillis(), SwitchoverPlan.repoint(state.plan()).name(),
                s.deadline().map(Object::toString).orElse(null), s.mismatch());
        return new UpgradeView(state.upgradeId(), state.phase().name(), state.failedPhase().map(Enum::name).orElse(null),
                state.lastFailure().orElse(null), String.valueOf(state.plan().getBlue().getIdentifier()),
                state.plan().getTargetVersion(), state.plan().getDatabases(),
                state.pending().values().stream().map(d -> d.key() + " (attempt " + d.attempt() + ")").toList(),
                state.data(), writer, switchover, progress);
    }
}
