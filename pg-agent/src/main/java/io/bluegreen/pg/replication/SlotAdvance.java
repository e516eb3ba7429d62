package io.bluegreen.pg.replication;

import io.bluegreen.schemas.Lsn;
/**
 * Whether advancing a slot (or seeding an origin) to the snapshot LSN is safe: a position already past the
 * snapshot would skip changes Green does not have, so it is refused; equal means nothing to do.
 */
public final class SlotAdvance {

    public sealed interface Decision permits Advance, AlreadyThere, Refuse {
    }

    public record Advance(Lsn from, Lsn to) implements Decision {
    }

    public record AlreadyThere(Lsn at) implements Decision {
    }

    public record Refuse(String message) implements Decision {
    }

    private SlotAdvance() {
    }

    /**
     * @param confirmedFlush the slot's {@code confirmed_flush_lsn} (null when it never confirmed anything)
     */
    public static Decision decide(String slot, Lsn confirmedFlush, Lsn snapshot) {
        if (confirmedFlush == null || confirmedFlush.isBefore(snapshot)) {
            return new Advance(confirmedFlush, snapshot);
        }
        if (confirmedFlush.equals(snapshot)) {
            return new AlreadyThere(snapshot);
        }
        return new Refuse("slot " + slot + " is at " + confirmedFlush + ", past the snapshot LSN " + snapshot
                + ": advancing would lose changes; recreate the clone");
    }
}
