package io.bluegreen.demo.bench;

import java.time.Instant;

/**
 * Wall-clock time in epoch microseconds. The services run in this JVM and stamp their events with the same clock
 * (epoch milliseconds), so a writer's acknowledgement and the coordinator's decisions can be put on one time line.
 */
final class BenchClock {

    private BenchClock() {
    }

    static long nowMicros() {
        Instant now = Instant.now();
        return now.getEpochSecond() * 1_000_000L + now.getNano() / 1_000;
    }

    static double millisBetween(long fromMicros, long toMicros) {
        return (toMicros - fromMicros) / 1000.0;
    }
}
