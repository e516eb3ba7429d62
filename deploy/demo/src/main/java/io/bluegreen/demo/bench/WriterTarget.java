package io.bluegreen.demo.bench;

/**
 * Where the writers write, the way an application learns it: from the endpoint event, or by re-resolving Blue's
 * name after a failed write. Thread-safe: every writer shares one.
 */
interface WriterTarget {

    /** The endpoint to write to now. */
    Endpoint current();

    /**
     * A write on {@code failed} raised an error: find out where to retry (may wait a few ms for news) and answer it.
     */
    Endpoint afterFailure(Endpoint failed) throws InterruptedException;

    /** Waits up to {@code nanos} (returns early when the endpoint is no longer {@code seen}, if this target can tell). */
    void awaitChange(Endpoint seen, long nanos) throws InterruptedException;

    /** When the writers were first pointed away from Blue (epoch µs), or -1. */
    long switchedAtMicros();
}
