package io.bluegreen.pg.replication;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Builders for the statements that cannot take bind parameters (DDL and replication commands). Every name
 * is quoted as an identifier and every value as a literal here, nowhere else.
 */
public final class Sql {

    private Sql() {
    }

    /** {@code "name"} with embedded double quotes doubled. */
    public static String ident(String name) {
        if (name == null || name.isEmpty()) {
            throw new IllegalArgumentException("an SQL identifier must not be empty");
        }
        if (name.indexOf('\0') >= 0) {
            throw new IllegalArgumentException("an SQL identifier must not contain a NUL character");
        }
        return '"' + name.replace("\"", "\"\"") + '"';
    }

    /** {@code schema.table} given as {@code schema.table} or {@code table} (public), each part quoted. */
    public static String qualified(String name) {
        int dot = name.indexOf('.');
        return dot < 0 ? ident("public") + "." + ident(name)
                : ident(name.substring(0, dot)) + "." + ident(name.substring(dot + 1));
    }

    /** {@code 'value'} with single quotes doubled (standard_conforming_strings = on, the default since 9.1). */
    public static String literal(String value) {
        if (value.indexOf('\0') >= 0) {
            throw new IllegalArgumentException("an SQL literal must not contain a NUL character");
        }
        return '\'' + value.replace("'", "''") + '\'';
    }

    /** One libpq conninfo value, quoted when needed ({@code \} and {@code '} escaped with a backslash). */
    public static String conninfoValue(String value) {
        if (!value.isEmpty() && value.chars().allMatch(c -> c > ' ' && c != '\'' && c != '\\' && c != '=')) {
            return value;
        }
        return '\'' + value.replace("\\", "\\\\").replace("'", "\\'") + '\'';
    }

    /** A libpq connection string from ordered key/value pairs. */
    public static String conninfo(Map<String, String> parameters) {
        StringBuilder out = new StringBuilder();
        parameters.forEach((key, value) -> {
            if (value != null) {
                if (out.length() > 0) {
                    out.append(' ');
                }
                out.append(key).append('=').append(conninfoValue(value));
            }
        });
        return out.toString();
    }

    public static String createPublication(String publication, List<String> tables) {
        if (tables == null || tables.isEmpty()) {
            return "CREATE PUBLICATION " + ident(publication) + " FOR ALL TABLES";
        }
        return "CREATE PUBLICATION " + ident(publication) + " FOR TABLE "
                + String.join(", ", tables.stream().map(Sql::qualified).toList());
    }

    /**
     * {@code CREATE SUBSCRIPTION} with the given options in order; boolean and numeric values are written bare,
     * everything else as a literal. The connection string holds a secret: never log the result.
     */
    public static String createSubscription(String subscription, String conninfo, String publication,
                                            Map<String, String> options) {
        List<String> with = new ArrayList<>();
        options.forEach((key, value) -> with.add(key + " = " + optionValue(value)));
        return "CREATE SUBSCRIPTION " + ident(subscription) + " CONNECTION " + literal(conninfo)
                + " PUBLICATION " + ident(publication) + (with.isEmpty() ? "" : " WITH (" + String.join(", ", with) + ")");
    }

    private static String optionValue(String value) {
        if (value.equals("true") || value.equals("false") || value.matches("-?[0-9]+")) {
            return value;
        }
        return literal(value);
    }

    /** Subscription options for one run, in the order written (a helper for readers of results). */
    public static Map<String, String> options() {
        return new LinkedHashMap<>();
    }

    public static String alterDatabaseSet(String database, String setting, String value) {
        return "ALTER DATABASE " + ident(database) + " SET " + setting + " = " + value;
    }

    public static String alterDatabaseReset(String database, String setting) {
        return "ALTER DATABASE " + ident(database) + " RESET " + setting;
    }

    // ---- the write fence (see WriteFence) ----

    /** {@code pg_trigger.tgtype} of a guard: BEFORE, FOR EACH STATEMENT, INSERT | DELETE | UPDATE | TRUNCATE. */
    public static final int FENCE_TRIGGER_TYPE = 2 | 4 | 8 | 16 | 32;

    /** The body of the guard function while the fence is engaged: every statement that reaches it is refused. */
    public static final String GUARD_ENGAGED = "BEGIN RAISE EXCEPTION USING ERRCODE = 'read_only_sql_transaction', "
            + "MESSAGE = format('database %s is fenced for a blue/green switchover: %s on %I.%I is refused', "
            + "current_database(), TG_OP, TG_TABLE_SCHEMA, TG_TABLE_NAME), "
            + "HINT = 'Write to Green once the switchover is done, or to Blue again once UnfenceWrites has run.'; END";
    /** The body of the guard function while disarmed: nothing happens. */
    public static final String GUARD_DISARMED = "BEGIN RETURN NULL; END";
    /** The body of the DDL guard while engaged: only a session presenting the operator token may run DDL. */
    public static final String DDL_GUARD_ENGAGED = "BEGIN IF current_setting(" + literal(ObjectNames.OPERATOR_SETTING)
            + ", true) = (SELECT token FROM " + ident(ObjectNames.SCHEMA) + "." + ident(ObjectNames.OPERATOR_TOKEN)
            + ") THEN RETURN; END IF; RAISE EXCEPTION USING ERRCODE = 'read_only_sql_transaction', "
            + "MESSAGE = format('database %s is fenced for a blue/green switchover: %s is refused', "
            + "current_database(), TG_TAG), "
            + "HINT = 'Change the schema on Green once the switchover is done, or on Blue once UnfenceWrites has run.'; END";
    public static final String DDL_GUARD_DISARMED = "BEGIN RETURN; END";

    /**
     * The functions that write large objects. They touch no user table, so no trigger sees them; the engaged
     * fence revokes them from PUBLIC in the fenced database ({@code lo_import} is not PUBLIC's by default).
     */
    public static final List<String> LARGE_OBJECT_WRITES = List.of("lo_creat(integer)", "lo_create(oid)",
            "lo_from_bytea(oid, bytea)", "lo_put(oid, bigint, bytea)", "lowrite(integer, bytea)",
            "lo_truncate(integer, integer)", "lo_truncate64(integer, bigint)", "lo_unlink(oid)", "lo_import(text)",
            "lo_import(text, oid)");

    /** {@code "bluegreen"."name"}. */
    public static String helper(String name) {
        return ident(ObjectNames.SCHEMA) + "." + ident(name);
    }

    /** The guard function every fence trigger calls, with the given body. */
    public static String guardFunction(String body) {
        return "CREATE OR REPLACE FUNCTION " + helper(ObjectNames.FENCE_FUNCTION) + "() RETURNS trigger "
                + "LANGUAGE plpgsql AS $guard$" + body + "$guard$";
    }

    /**
     * The DDL guard with the given body. It runs as its owner (the agent's role) so it can read the operator
     * token that nobody else may read.
     */
    public static String ddlGuardFunction(String body) {
        return "CREATE OR REPLACE FUNCTION " + helper(ObjectNames.DDL_GUARD_FUNCTION) + "() RETURNS event_trigger "
                + "LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $guard$" + body + "$guard$";
    }

    public static String createDdlGuardTrigger() {
        return "CREATE EVENT TRIGGER " + ident(ObjectNames.DDL_GUARD_TRIGGER) + " ON ddl_command_start EXECUTE FUNCTION "
                + helper(ObjectNames.DDL_GUARD_FUNCTION) + "()";
    }

    /** Fires under {@code session_replication_role = replica} too. */
    public static String enableDdlGuardAlways() {
        return "ALTER EVENT TRIGGER " + ident(ObjectNames.DDL_GUARD_TRIGGER) + " ENABLE ALWAYS";
    }

    /**
     * The operator token: a random value in a materialized view, because a materialized view is kept across a
     * crash (an unlogged table is emptied) and is never published (a table would be, by {@code FOR ALL TABLES},
     * and its rows would stop the apply worker on Green, which has no such table).
     */
    public static String createOperatorToken() {
        return "CREATE MATERIALIZED VIEW " + helper(ObjectNames.OPERATOR_TOKEN) + " AS SELECT gen_random_uuid()::text AS token";
    }

    /**
     * Sets {@value ObjectNames#OPERATOR_SETTING} of the current session to the operator token when the database
     * has one and the session's role may read it; otherwise does nothing. The token never leaves the server.
     */
    public static String presentOperator() {
        String token = helper(ObjectNames.OPERATOR_TOKEN);
        return "DO $operator$ BEGIN IF to_regclass(" + literal(token) + ") IS NOT NULL THEN PERFORM set_config("
                + literal(ObjectNames.OPERATOR_SETTING) + ", (SELECT token FROM " + token + "), false); END IF; "
                + "EXCEPTION WHEN insufficient_privilege THEN NULL; END $operator$";
    }

    /** A statement-level trigger that calls the guard function on every write to one table. */
    public static String createFenceTrigger(String schema, String table, String trigger, String function) {
        return "CREATE TRIGGER " + ident(trigger) + " BEFORE INSERT OR UPDATE OR DELETE OR TRUNCATE ON "
                + ident(schema) + "." + ident(table) + " FOR EACH STATEMENT EXECUTE FUNCTION " + function + "()";
    }

    /** Makes a trigger fire whatever {@code session_replication_role} says (and enables a disabled one). */
    public static String enableTriggerAlways(String schema, String table, String trigger) {
        return "ALTER TABLE " + ident(schema) + "." + ident(table) + " ENABLE ALWAYS TRIGGER " + ident(trigger);
    }

    public static String dropTrigger(String schema, String table, String trigger) {
        return "DROP TRIGGER IF EXISTS " + ident(trigger) + " ON " + ident(schema) + "." + ident(table);
    }

    /** {@code REVOKE EXECUTE … FROM PUBLIC} of built-in functions given by their signatures. */
    public static String revokeFromPublic(List<String> signatures) {
        return "REVOKE EXECUTE ON FUNCTION " + builtins(signatures) + " FROM PUBLIC";
    }

    public static String grantToPublic(List<String> signatures) {
        return "GRANT EXECUTE ON FUNCTION " + builtins(signatures) + " TO PUBLIC";
    }

    private static String builtins(List<String> signatures) {
        if (signatures.isEmpty()) {
            throw new IllegalArgumentException("no function to grant or revoke");
        }
        return String.join(", ", signatures.stream().map(s -> "pg_catalog." + s).toList());
    }

    /**
     * Records the large-object functions the engaged fence revokes (those PUBLIC could execute when the fence was
     * armed), so releasing it grants back exactly those.
     */
    public static String recordLargeObjectFunctions(List<String> signatures) {
        return "CREATE MATERIALIZED VIEW " + helper(ObjectNames.LARGE_OBJECT_REVOKES) + " AS SELECT unnest(ARRAY["
                + String.join(", ", signatures.stream().map(Sql::literal).toList()) + "]::text[]) AS signature";
    }

    /** {@code setval} with its values inlined (numbers and a boolean), for one statement setting many sequences. */
    public static String setvalOf(String schema, String sequence, long value, boolean called) {
        return "setval(" + literal(ident(schema) + "." + ident(sequence)) + "::regclass, " + value + ", " + called + ")";
    }


    /** Rows of one table, and (when asked) an order-independent md5 of their text forms. */
    public static String tableDigest(String schema, String table, boolean checksum) {
        String from = ident(schema) + "." + ident(table);
        return checksum
                ? "SELECT count(*), md5(coalesce(string_agg(h, '' ORDER BY h), '')) FROM (SELECT md5(t::text) AS h FROM "
                + from + " t) s"
                : "SELECT count(*), NULL FROM " + from;
    }
}
