package io.bluegreen.monitor.lag;

/**
 * One logical slot on Blue, from {@code pg_replication_slots}: bytes not yet confirmed by Green
 * ({@code pg_current_wal_lsn() - confirmed_flush_lsn}), WAL it keeps ({@code pg_current_wal_lsn() - restart_lsn}),
 * {@code wal_status}, {@code safe_wal_size} (null when unlimited) and whether a walsender streams from it.
 */
public record SlotStatus(String slot, Long lagBytes, Long retainedWalBytes, String walStatus, Long safeWalSizeBytes,
                         boolean active) {
}
