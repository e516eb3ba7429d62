package io.bluegreen.demo.bench;

/** A write's unique key (writer id, sequence number) packed into one long: 23 bits of writer, 40 of sequence. */
final class WriteKeys {

    private static final int SEQ_BITS = 40;
    private static final long SEQ_MASK = (1L << SEQ_BITS) - 1;

    private WriteKeys() {
    }

    static long of(int writer, long seq) {
        if (writer < 0 || seq < 0 || seq > SEQ_MASK) {
            throw new IllegalArgumentException("writer " + writer + ", seq " + seq + " out of range");
        }
        return ((long) writer << SEQ_BITS) | seq;
    }

    static int writer(long key) {
        return (int) (key >>> SEQ_BITS);
    }

    static long seq(long key) {
        return key & SEQ_MASK;
    }

    static String format(long key) {
        return "w" + writer(key) + "#" + seq(key);
    }
}
