package io.bluegreen.demo.bench;

/**
 * One write a writer tried: its key (writer id, sequence number), when it started and ended (epoch µs), which
 * server answered, and whether it was acknowledged; {@code sqlState} names the error of a failed one.
 */
record Attempt(int writer, long seq, long startMicros, long endMicros, Server server, boolean acknowledged,
               String sqlState) {

    static Attempt acknowledged(int writer, long seq, long startMicros, long endMicros, Server server) {
        return new Attempt(writer, seq, startMicros, endMicros, server, true, null);
    }

    static Attempt failed(int writer, long seq, long startMicros, long endMicros, Server server, String sqlState) {
        return new Attempt(writer, seq, startMicros, endMicros, server, false, sqlState == null ? "none" : sqlState);
    }

    long key() {
        return WriteKeys.of(writer, seq);
    }
}
