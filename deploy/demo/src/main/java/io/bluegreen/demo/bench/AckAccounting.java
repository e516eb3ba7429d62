package io.bluegreen.demo.bench;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * What Green holds against what the writers were told: {@code lost} acknowledged keys missing on Green,
 * {@code duplicated} keys present more than once (acknowledged or not: a row applied twice), and
 * {@code unacknowledgedPresent} keys of failed attempts that committed anyway (not an error: the client never
 * learnt the outcome).
 */
record AckAccounting(long acknowledged, long lost, long duplicated, long unacknowledgedPresent,
                     List<String> lostSample, List<String> duplicatedSample) {

    private static final int SAMPLE = 10;

    /**
     * @param acknowledgedKeys keys of acknowledged writes (each once)
     * @param foundOnGreen     every writer key read back from Green, one entry per row
     */
    static AckAccounting of(long[] acknowledgedKeys, long[] foundOnGreen) {
        long[] acked = acknowledgedKeys.clone();
        long[] found = foundOnGreen.clone();
        Arrays.sort(acked);
        Arrays.sort(found);
        long lost = 0;
        long duplicated = 0;
        long unacknowledgedPresent = 0;
        List<String> lostSample = new ArrayList<>();
        List<String> duplicatedSample = new ArrayList<>();
        int a = 0;
        int f = 0;
        while (a < acked.length || f < found.length) {
            if (a > 0 && a < acked.length && acked[a] == acked[a - 1]) {
                throw new IllegalArgumentException("key " + WriteKeys.format(acked[a]) + " acknowledged twice");
            }
            if (f >= found.length || (a < acked.length && acked[a] < found[f])) {
                lost++;
                if (lostSample.size() < SAMPLE) {
                    lostSample.add(WriteKeys.format(acked[a]));
                }
                a++;
                continue;
            }
            long key = found[f];
            int copies = 0;
            while (f < found.length && found[f] == key) {
                copies++;
                f++;
            }
            if (copies > 1) {
                duplicated++;
                if (duplicatedSample.size() < SAMPLE) {
                    duplicatedSample.add(WriteKeys.format(key) + " x" + copies);
                }
            }
            if (a < acked.length && acked[a] == key) {
                a++;
            } else {
                unacknowledgedPresent++;
            }
        }
        return new AckAccounting(acked.length, lost, duplicated, unacknowledgedPresent, List.copyOf(lostSample),
                List.copyOf(duplicatedSample));
    }
}
