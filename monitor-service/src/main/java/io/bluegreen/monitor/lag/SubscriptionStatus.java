package io.bluegreen.monitor.lag;

/**
 * One subscription on Green, from {@code pg_subscription}, {@code pg_stat_subscription} (its leader apply worker)
 * and {@code pg_stat_subscription_stats}.
 */
public record SubscriptionStatus(String database, String subscription, boolean enabled, boolean workerAlive,
                                 String receivedLsn, String latestEndLsn, Long lastMessageAgeMs, Long applyErrors,
                                 Long syncErrors) {
}
