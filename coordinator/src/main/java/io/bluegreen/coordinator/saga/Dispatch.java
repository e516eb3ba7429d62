package io.bluegreen.coordinator.saga;

import io.bluegreen.schemas.common.UpgradePhase;

import java.time.Instant;
import java.util.Optional;

/**
 * A command sent and not answered yet.
 *
 * @param phase        the phase it was sent in (a rollback awaits the commands sent before it, then undoes)
 * @param dispatchedAt when it was first sent
 * @param deadline     when {@link Saga#onTick} acts if it is still unanswered: re-sends it once, then fails its step
 *                     ({@link Step#RUN_SWITCHOVER}: the switchover deadline plus the grace, then the attempt aborts)
 * @param resends      how many times it was re-sent with the same id
 * @param progress     what the agent last reported while working on it
 */
public record Dispatch(String commandId, Step step, String database, int attempt, UpgradePhase phase,
                       Instant dispatchedAt, Instant deadline, int resends, Optional<Progress> progress) {

    /** A progress report of a long step. */
    public record Progress(Instant at, String detail, Integer percent) {
    }

    public StepKey key() {
        return new StepKey(step, database);
    }

    Dispatch resent(Instant newDeadline) {
        return new Dispatch(commandId, step, database, attempt, phase, dispatchedAt, newDeadline, resends + 1, progress);
    }

    Dispatch progressed(Progress report, Instant newDeadline) {
        return new Dispatch(commandId, step, database, attempt, phase, dispatchedAt, newDeadline, resends,
                Optional.of(report));
    }

    /** "CreateSlot on database app" or "CloneCluster". */
    public String describe() {
        return database == null ? step.recordedName() : step.recordedName() + " on database " + database;
    }
}
