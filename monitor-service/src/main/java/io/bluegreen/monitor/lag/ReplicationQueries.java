package io.bluegreen.monitor.lag;

import io.bluegreen.schemas.SchemaFingerprint;

import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The monitor's SQL. {@code pg_replication_slots}, {@code pg_subscription}, {@code pg_stat_subscription} and
 * {@code pg_stat_subscription_stats} are cluster-wide, so one query per server answers for every database on it;
 * only the schema fingerprint ({@link SchemaFingerprint}, shared with the pg-agent's guardrails) and
 * {@code pg_subscription_rel} need a connection to the database itself.
 */
public final class ReplicationQueries {

    /** Blue: every watched slot of this server, by name. */
    static final String SLOTS = """
            SELECT slot_name, active,
                   pg_wal_lsn_diff(pg_current_wal_lsn(), confirmed_flush_lsn)::bigint AS lag_bytes,
                   pg_wal_lsn_diff(pg_current_wal_lsn(), restart_lsn)::bigint AS retained_wal_bytes,
                   wal_status, safe_wal_size
              FROM pg_replication_slots
             WHERE slot_name = ANY (?)""";

    /**
     * Green: every watched subscription of this server. The leader apply worker is the row of
     * {@code pg_stat_subscription} with no table ({@code relid}) and no leader (parallel apply workers have one).
     */
    static final String SUBSCRIPTIONS = """
            SELECT d.datname, s.subname, s.subenabled, w.pid IS NOT NULL AS worker_alive,
                   w.received_lsn::text AS received_lsn, w.latest_end_lsn::text AS latest_end_lsn,
                   (extract(epoch FROM clock_timestamp() - w.last_msg_receipt_time) * 1000)::bigint AS last_message_age_ms,
                   st.apply_error_count, st.sync_error_count
              FROM pg_subscription s
              JOIN pg_database d ON d.oid = s.subdbid
              LEFT JOIN pg_stat_subscription w ON w.subid = s.oid AND w.relid IS NULL AND w.leader_pid IS NULL
              LEFT JOIN pg_stat_subscription_stats st ON st.subid = s.oid
             WHERE s.subname = ANY (?)""";

    /** Green: the subscription's tables that are not ready yet (an initial copy is under way). */
    static final String TABLES_NOT_READY = """
            SELECT r.srrelid::regclass::text, r.srsubstate
              FROM pg_subscription_rel r
              JOIN pg_subscription s ON s.oid = r.srsubid
             WHERE s.subname = ? AND s.subdbid = (SELECT oid FROM pg_database WHERE datname = current_database())
               AND r.srsubstate <> 'r'
             ORDER BY 1""";

    private ReplicationQueries() {
    }

    public static Map<String, SlotStatus> slots(Connection connection, Collection<String> slotNames, int timeoutSeconds)
            throws SQLException {
        Map<String, SlotStatus> slots = new HashMap<>();
        try (PreparedStatement statement = connection.prepareStatement(SLOTS)) {
            statement.setQueryTimeout(timeoutSeconds);
            Array names = connection.createArrayOf("text", slotNames.toArray());
            statement.setArray(1, names);
            try (ResultSet rs = statement.executeQuery()) {
                while (rs.next()) {
                    String slot = rs.getString("slot_name");
                    slots.put(slot, new SlotStatus(slot, nullableLong(rs, "lag_bytes"),
                            nullableLong(rs, "retained_wal_bytes"), rs.getString("wal_status"),
                            nullableLong(rs, "safe_wal_size"), rs.getBoolean("active")));
                }
            }
        }
        return slots;
    }

    /** Subscriptions keyed by {@link #subscriptionKey(String, String)}. */
    public static Map<String, SubscriptionStatus> subscriptions(Connection connection, Collection<String> names,
                                                                int timeoutSeconds) throws SQLException {
        Map<String, SubscriptionStatus> subscriptions = new HashMap<>();
        try (PreparedStatement statement = connection.prepareStatement(SUBSCRIPTIONS)) {
            statement.setQueryTimeout(timeoutSeconds);
            statement.setArray(1, connection.createArrayOf("text", names.toArray()));
            try (ResultSet rs = statement.executeQuery()) {
                while (rs.next()) {
                    SubscriptionStatus status = new SubscriptionStatus(rs.getString("datname"), rs.getString("subname"),
                            rs.getBoolean("subenabled"), rs.getBoolean("worker_alive"), rs.getString("received_lsn"),
                            rs.getString("latest_end_lsn"), nullableLong(rs, "last_message_age_ms"),
                            nullableLong(rs, "apply_error_count"), nullableLong(rs, "sync_error_count"));
                    subscriptions.put(subscriptionKey(status.database(), status.subscription()), status);
                }
            }
        }
        return subscriptions;
    }

    public static String subscriptionKey(String database, String subscription) {
        return database + "\u0000" + subscription;
    }

    /** Fingerprint (and, given a subscription, its tables not ready) of the database the connection is in. */
    public static DatabaseDetail detail(Connection connection, String subscriptionOrNull, int timeoutSeconds,
                                        Instant now) throws SQLException {
        String fingerprint;
        int tables;
        try (PreparedStatement statement = connection.prepareStatement(SchemaFingerprint.QUERY)) {
            statement.setQueryTimeout(timeoutSeconds);
            try (ResultSet rs = statement.executeQuery()) {
                rs.next();
                fingerprint = rs.getString(1);
                tables = rs.getInt(2);
            }
        }
        Map<String, String> notReady = new LinkedHashMap<>();
        if (subscriptionOrNull != null) {
            try (PreparedStatement statement = connection.prepareStatement(TABLES_NOT_READY)) {
                statement.setQueryTimeout(timeoutSeconds);
                statement.setString(1, subscriptionOrNull);
                try (ResultSet rs = statement.executeQuery()) {
                    while (rs.next()) {
                        notReady.put(rs.getString(1), DatabaseDetail.stateName(rs.getString(2)));
                    }
                }
            }
        }
        return new DatabaseDetail(fingerprint, tables, notReady, now);
    }

    private static Long nullableLong(ResultSet rs, String column) throws SQLException {
        long value = rs.getLong(column);
        return rs.wasNull() ? null : value;
    }
}
