package io.bluegreen.pg.switchover;

/** How {@link Drain} proves that Green has applied every commit Blue made before its fence. */
public enum DrainMethod {
    /**
     * Writes a marker row on Blue after the fence (into {@code bluegreen.drain_marker}, published with the rest)
     * and waits until Green shows it: the apply worker applies in commit order, so every earlier commit is in.
     */
    MARKER,
    /**
     * Takes Blue's {@code pg_current_wal_lsn()} after the fence and waits until the slot's
     * {@code confirmed_flush_lsn} reaches it: trails by the subscriber's flush and status reports.
     */
    SLOT_FEEDBACK
}
