package io.bluegreen.demo.bench;

/**
 * One write a writer tried: its key (writer id, sequence number), when it started and ended (epoch µs), which
 * server answered, whether it was acknowledged ({@code sqlState} names the error of a failed one), and how long of
 * it went into opening a connection (0 when the writer's connection was reused).
 */
record Attempt(int writer, long seq, long startMicros, long endMicros, Server server, boolean acknowledged,
               String sqlState, long connectMicros) {

    static Attempt acknowledged(int writer, long seq, long startMicros, long endMicros, Server server) {
        return acknowledged(writer, seq, startMicros, endMicros, server, 0);
    }

    static Attempt acknowledged(int writer, long seq, long startMicros, long endMicros, Server server, long connectMicros) {
        return new Attempt(writer, seq, startMicros, endMicros, server, true, null, connectMicros);
    }

    static Attempt failed(int writer, long seq, long startMicros, long endMicros, Server server, String sqlState) {
        return failed(writer, seq, startMicros, endMicros, server, sqlState, 0);
    }

    static Attempt failed(int writer, long seq, long startMicros, long endMicros, Server server, String sqlState,
                          long connectMicros) {
        return new Attempt(writer, seq, startMicros, endMicros, server, false, sqlState == null ? "none" : sqlState,
                connectMicros);
    }

    long key() {
        return WriteKeys.of(writer, seq);
    }
}
