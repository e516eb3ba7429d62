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

    /** A statement-level trigger that refuses every write to one table while the fence stands. */
    public static String createFenceTrigger(String schema, String table, String trigger, String function) {
        return "CREATE TRIGGER " + ident(trigger) + " BEFORE INSERT OR UPDATE OR DELETE OR TRUNCATE ON "
                + ident(schema) + "." + ident(table) + " FOR EACH STATEMENT EXECUTE FUNCTION " + function + "()";
    }

    /** {@code setval} of one sequence, by its qualified name as a regclass. */
    public static String setval(String schema, String sequence) {
        return "SELECT setval(" + literal(ident(schema) + "." + ident(sequence)) + "::regclass, ?, ?)";
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
