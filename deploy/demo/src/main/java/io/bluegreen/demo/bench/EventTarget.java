package io.bluegreen.demo.bench;

import java.util.concurrent.TimeUnit;

/**
 * Follows the event repoint: {@link #moveTo} is called by the endpoint follower the moment a
 * {@code WriterEndpointChanged} of this upgrade arrives, and wakes every writer waiting on it. A failed write waits
 * up to {@code retryPause} for that news, then retries where the target points.
 */
final class EventTarget implements WriterTarget {

    private final Object monitor = new Object();
    private final long retryPauseNanos;
    private volatile Endpoint current;
    private volatile long switchedAtMicros = -1;

    EventTarget(Endpoint blue, long retryPauseNanos) {
        this.current = blue;
        this.retryPauseNanos = retryPauseNanos;
    }

    void moveTo(Endpoint endpoint, long atMicros) {
        synchronized (monitor) {
            if (!endpoint.equals(current)) {
                current = endpoint;
                if (switchedAtMicros < 0) {
                    switchedAtMicros = atMicros;
                }
                monitor.notifyAll();
            }
        }
    }

    @Override
    public Endpoint current() {
        return current;
    }

    @Override
    public Endpoint afterFailure(Endpoint failed) throws InterruptedException {
        awaitChange(failed, retryPauseNanos);
        return current;
    }

    @Override
    public void awaitChange(Endpoint seen, long nanos) throws InterruptedException {
        long deadline = System.nanoTime() + nanos;
        synchronized (monitor) {
            long left;
            while (current.equals(seen) && (left = deadline - System.nanoTime()) > 0) {
                TimeUnit.NANOSECONDS.timedWait(monitor, left);
            }
        }
    }

    @Override
    public long switchedAtMicros() {
        return switchedAtMicros;
    }
}
