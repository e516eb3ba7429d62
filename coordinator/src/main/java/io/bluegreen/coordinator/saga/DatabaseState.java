package io.bluegreen.coordinator.saga;

import java.util.Optional;

/**
 * What the steps produced for one database of the plan; each database has its own, so one database's values never
 * overwrite another's.
 *
 * @param slotAdvancedTo     the LSN Blue's slot was advanced to (slot-advance seeding)
 * @param subscription       Green's subscription, once created
 * @param drainedLsn         the LSN Green had applied when the switchover proved the drain
 * @param sequences          sequences synced inside the fenced window
 * @param terminatedSessions sessions the fence terminated on Blue
 * @param verified           whether Green matched the fenced Blue, once verified
 */
public record DatabaseState(String database, Optional<String> slotAdvancedTo, Optional<String> subscription,
                            Optional<String> drainedLsn, Optional<Integer> sequences,
                            Optional<Integer> terminatedSessions, Optional<Boolean> verified) {

    static DatabaseState empty(String database) {
        return new DatabaseState(database, Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty(),
                Optional.empty(), Optional.empty());
    }

    DatabaseState withSlotAdvancedTo(String lsn) {
        return new DatabaseState(database, Optional.of(lsn), subscription, drainedLsn, sequences, terminatedSessions,
                verified);
    }

    DatabaseState withSubscription(String name) {
        return new DatabaseState(database, slotAdvancedTo, Optional.of(name), drainedLsn, sequences, terminatedSessions,
                verified);
    }

    DatabaseState withHandover(String drained, int synced, int terminated) {
        return new DatabaseState(database, slotAdvancedTo, subscription, Optional.of(drained), Optional.of(synced),
                Optional.of(terminated), verified);
    }

    DatabaseState withVerified(boolean matched) {
        return new DatabaseState(database, slotAdvancedTo, subscription, drainedLsn, sequences, terminatedSessions,
                Optional.of(matched && verified.orElse(true)));
    }
}
