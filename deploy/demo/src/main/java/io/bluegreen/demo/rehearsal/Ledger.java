package io.bluegreen.demo.rehearsal;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The proof of acknowledged writes: every workload transaction also inserts {@code (client, seq)} into
 * {@value #TABLE} of its database, in the same transaction. A client records the pair only once its commit returned.
 * The table has no key, so a transaction applied twice on Green shows as two rows.
 */
public final class Ledger {

    public static final String SCHEMA = "bluegreen_rehearsal";
    public static final String TABLE = SCHEMA + ".acks";
    static final String INSERT = "INSERT INTO " + TABLE + " (client, seq) VALUES (?, ?)";
    /** Insert-only, no key: REPLICA IDENTITY FULL satisfies the preflight without hiding a duplicate. */
    public static final String CREATE = "CREATE SCHEMA IF NOT EXISTS " + SCHEMA + "; "
            + "CREATE TABLE " + TABLE + " (client int NOT NULL, seq bigint NOT NULL, at timestamptz NOT NULL DEFAULT now()); "
            + "ALTER TABLE " + TABLE + " REPLICA IDENTITY FULL";
    static final String COUNTS = "SELECT client, seq, count(*) FROM " + TABLE + " GROUP BY client, seq";

    /** One acknowledgement: the client and its attempt number. */
    public record Ack(int client, long seq) {
    }

    /**
     * @param lost       acknowledged, not on Green: a write the application was told was committed is gone
     * @param duplicated on Green more than once (acknowledged or not)
     * @param examples   a few of each, for the report
     */
    public record Check(long lost, long duplicated, List<String> examples) {
    }

    private Ledger() {
    }

    /** Compares what the clients were told (acknowledged) with how many times each ack is on Green. */
    public static Check check(String database, Set<Ack> acknowledged, Map<Ack, Long> onGreen) {
        long lost = 0;
        long duplicated = 0;
        List<String> examples = new ArrayList<>();
        for (Ack ack : acknowledged) {
            if (!onGreen.containsKey(ack)) {
                lost++;
                if (examples.size() < 5) {
                    examples.add(database + ": acknowledged write client " + ack.client() + " seq " + ack.seq()
                            + " is missing");
                }
            }
        }
        for (Map.Entry<Ack, Long> entry : onGreen.entrySet()) {
            if (entry.getValue() > 1) {
                duplicated++;
                if (examples.size() < 10) {
                    examples.add(database + ": write client " + entry.getKey().client() + " seq " + entry.getKey().seq()
                            + " is there " + entry.getValue() + " times");
                }
            }
        }
        return new Check(lost, duplicated, List.copyOf(examples));
    }
}
