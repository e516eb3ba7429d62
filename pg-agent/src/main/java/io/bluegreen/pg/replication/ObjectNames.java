package io.bluegreen.pg.replication;

import io.bluegreen.schemas.common.ReplicationNames;

import java.util.Locale;

/**
 * Names of what the agent creates. Replication objects follow the seed ({@code <prefix>_pub_<db>},
 * {@code <prefix>_slot_<db>}, {@code <prefix>_sub_<db>}, prefix {@code blue_green} by default); the agent's
 * own helpers (drain marker table, write-fence functions and their state) live in schema {@value #SCHEMA}.
 */
public final class ObjectNames {

    public static final String DEFAULT_PREFIX = "blue_green";
    /** Schema of the drain marker table and the fence objects, on Blue and on Green. */
    public static final String SCHEMA = "bluegreen";
    public static final String MARKER_TABLE = "drain_marker";
    /** The one trigger function every table guard calls: a no-op while disarmed, raising while engaged. */
    public static final String FENCE_FUNCTION = "write_guard";
    /** The statement-level trigger on each table, {@code ENABLE ALWAYS}. */
    public static final String FENCE_TRIGGER = "bluegreen_write_fence";
    /** The event trigger function that refuses DDL while the fence is engaged, except from the operator. */
    public static final String DDL_GUARD_FUNCTION = "ddl_guard";
    /** The {@code ddl_command_start} event trigger of the database, {@code ENABLE ALWAYS}. */
    public static final String DDL_GUARD_TRIGGER = "bluegreen_ddl_fence";
    /** Materialized view holding the operator token; readable by its owner only. */
    public static final String OPERATOR_TOKEN = "fence_operator";
    /** Materialized view listing the large-object functions the engaged fence revoked from PUBLIC. */
    public static final String LARGE_OBJECT_REVOKES = "fence_lo_revoked";
    /** The session setting through which the agent's sessions present the operator token. */
    public static final String OPERATOR_SETTING = "bluegreen.operator";

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
