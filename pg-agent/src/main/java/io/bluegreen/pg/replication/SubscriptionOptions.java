package io.bluegreen.pg.replication;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Subscription options both ends support: {@code binary} (publisher and subscriber 14+; binary initial copy
 * from 16) and {@code streaming = on} for large in-progress transactions (14+). {@code streaming = parallel}
 * (16+) is left out: not verified for blue/green (PITFALLS 11).
 */
public final class SubscriptionOptions {

    private SubscriptionOptions() {
    }

    public static Map<String, String> forVersions(int publisherMajor, int subscriberMajor) {
        Map<String, String> options = new LinkedHashMap<>();
        int both = Math.min(publisherMajor, subscriberMajor);
        if (both >= 14) {
            options.put("binary", "true");
            options.put("streaming", "on");
        }
        return options;
    }
}
