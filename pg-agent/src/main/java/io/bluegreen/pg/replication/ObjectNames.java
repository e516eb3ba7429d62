package io.bluegreen.pg.replication;

import io.bluegreen.schemas.common.ReplicationNames;

import java.util.Locale;

/**
 * Names of what the agent creates. Replication objects follow the seed ({@code <prefix>_pub_<db>},
 * {@code <prefix>_slot_<db>}, {@code <prefix>_sub_<db>}, prefix {@code blue_green} by default); the agent's
 * own helpers (drain marker table, write-fence function) live in schema {@value #SCHEMA}.
 */
public final class ObjectNames {

    public static final String DEFAULT_PREFIX = "blue_green";
    /** Schema of the drain marker table and the fence function, on Blue and on Green. */
    public static final String SCHEMA = "bluegreen";
    public static final String MARKER_TABLE = "drain_marker";
    public static final String FENCE_FUNCTION = "refuse_write";
    public static final String FENCE_TRIGGER = "bluegreen_write_fence";

    private ObjectNames() {
    }

    public static ReplicationNames forDatabase(String prefix, String database) {
        String p = prefix == null || prefix.isBlank() ? DEFAULT_PREFIX : prefix;
        return new ReplicationNames(name(p, "pub", database), name(p, "slot", database), name(p, "sub", database));
    }

    /**
     * A slot name may only hold lower-case letters, digits and underscores (63 bytes at most); every other
     * character of the database name becomes an underscore.
     */
    static String name(String prefix, String kind, String database) {
        String raw = (prefix + "_" + kind + "_" + database).toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9_]", "_");
        return raw.length() <= 63 ? raw : raw.substring(0, 63);
    }

    /** The replication origin PostgreSQL makes for a subscription: {@code pg_<subscription oid>}. */
    public static String originOf(long subscriptionOid) {
        return "pg_" + subscriptionOid;
    }
}
