package io.bluegreen.demo.bench;

import java.util.function.Supplier;

/**
 * Follows the rename repoint the way an application on RDS does: it keeps writing to what Blue's name resolves to,
 * and re-resolves the name (DescribeDBInstances) after every failed write. While the name still answers the failed
 * endpoint, or is briefly unknown during the rename, it pauses {@code retryPause} before the retry.
 */
final class RenameTarget implements WriterTarget {

    private final Supplier<Endpoint> resolveBlueName;
    private final Endpoint blue;
    private final long retryPauseNanos;
    private volatile Endpoint current;
    private volatile long switchedAtMicros = -1;

    RenameTarget(Endpoint blue, Supplier<Endpoint> resolveBlueName, long retryPauseNanos) {
        this.blue = blue;
        this.current = blue;
        this.resolveBlueName = resolveBlueName;
        this.retryPauseNanos = retryPauseNanos;
    }

    @Override
    public Endpoint current() {
        return current;
    }

    @Override
    public Endpoint afterFailure(Endpoint failed) throws InterruptedException {
        Endpoint resolved;
        try {
            resolved = resolveBlueName.get();
        } catch (RuntimeException e) {
            resolved = null; // the name is briefly gone during the rename
        }
        if (resolved != null) {
            synchronized (this) {
                current = resolved;
                if (!resolved.equals(blue) && switchedAtMicros < 0) {
                    switchedAtMicros = BenchClock.nowMicros();
                }
            }
        }
        if (resolved == null || resolved.equals(failed)) {
            awaitChange(failed, retryPauseNanos);
        }
        return current;
    }

    @Override
    public void awaitChange(Endpoint seen, long nanos) throws InterruptedException {
        Thread.sleep(nanos / 1_000_000, (int) (nanos % 1_000_000));
    }

    @Override
    public long switchedAtMicros() {
        return switchedAtMicros;
    }
}
