package io.bluegreen.monitor.lag;

import java.time.Instant;
import java.util.Map;

/**
 * What only a connection to the database itself can read: the schema fingerprint and, on Green, the tables of
 * the subscription that are not ready yet ({@code pg_subscription_rel}; empty once the initial copy is done).
 */
public record DatabaseDetail(String fingerprint, int tables, Map<String, String> tablesNotReady, Instant takenAt) {

    public DatabaseDetail {
        tablesNotReady = Map.copyOf(tablesNotReady);
    }

    /** Table states while copying: 'i' init, 'd' copying data, 'f' copy finished, 's' synchronized, 'r' ready. */
    public static String stateName(String code) {
        return switch (code) {
            case "i" -> "init";
            case "d" -> "data_copy";
            case "f" -> "finished_copy";
            case "s" -> "synchronized";
            case "r" -> "ready";
            default -> code;
        };
    }
}
