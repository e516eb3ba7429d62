package io.bluegreen.demo.rehearsal;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What the comparison reads from one database: its user tables (every schema but the system ones and the agent's
 * {@value #AGENT_SCHEMA}) with their figures, its sequences, the columns fed by sequences, and the ledger.
 */
public final class Catalogs {

    /** The pg-agent's helpers (drain marker, fence): dropped during cleanup, not the application's data. */
    static final String AGENT_SCHEMA = "bluegreen";

    /** Session settings that fix how a row prints as text, the same on both sides of the comparison. */
    public static final String TEXT_SETTINGS = "SET TimeZone = 'UTC'; SET DateStyle = 'ISO, MDY';"
            + " SET IntervalStyle = 'postgres'; SET extra_float_digits = 1; SET bytea_output = 'hex'";

    private static final String USER_SCHEMA = "n.nspname NOT IN ('pg_catalog', 'information_schema', 'pg_toast', '"
            + AGENT_SCHEMA + "') AND n.nspname !~ '^pg_(toast_)?temp_'";

    private Catalogs() {
    }

    /** Every user table, {@code schema.table} -> its figures, read in the session's current transaction. */
    public static Map<String, TableFigures> tables(Connection session) throws SQLException {
        List<String[]> names = new ArrayList<>();
        try (Statement s = session.createStatement(); ResultSet rs = s.executeQuery(
                "SELECT n.nspname || '.' || c.relname, format('%I.%I', n.nspname, c.relname) FROM pg_class c"
                        + " JOIN pg_namespace n ON n.oid = c.relnamespace WHERE c.relkind = 'r' AND " + USER_SCHEMA
                        + " ORDER BY 1")) {
            while (rs.next()) {
                names.add(new String[] {rs.getString(1), rs.getString(2)});
            }
        }
        Map<String, TableFigures> figures = new LinkedHashMap<>();
        for (String[] name : names) {
            try (Statement s = session.createStatement(); ResultSet rs = s.executeQuery(TableFigures.query(name[1]))) {
                rs.next();
                figures.put(name[0], new TableFigures(rs.getLong(1), rs.getBigDecimal(2)));
            }
        }
        return figures;
    }

    /**
     * The replication slots of the server and the publications of the session's database whose names begin with
     * {@code prefix} (the plan's {@code namePrefix}), as {@code slot <name>} and {@code publication <name>}: what an
     * upgrade's clean-up should have dropped from old Blue.
     */
    public static List<String> replicationObjects(Connection session, String prefix) throws SQLException {
        List<String> left = new ArrayList<>();
        try (PreparedStatement s = session.prepareStatement("SELECT 'slot ' || slot_name FROM pg_replication_slots"
                + " WHERE starts_with(slot_name::text, ?) UNION ALL SELECT 'publication ' || pubname FROM pg_publication"
                + " WHERE starts_with(pubname::text, ?) ORDER BY 1")) {
            s.setString(1, prefix);
            s.setString(2, prefix);
            try (ResultSet rs = s.executeQuery()) {
                while (rs.next()) {
                    left.add(rs.getString(1));
                }
            }
        }
        return left;
    }

    /** Every sequence, {@code schema.sequence} -> its {@code last_value} (null: never used). */
    public static Map<String, Long> sequences(Connection session) throws SQLException {
        Map<String, Long> values = new LinkedHashMap<>();
        try (Statement s = session.createStatement(); ResultSet rs = s.executeQuery(
                "SELECT schemaname || '.' || sequencename, last_value FROM pg_sequences n"
                        + " WHERE " + USER_SCHEMA.replace("n.nspname", "n.schemaname") + " ORDER BY 1")) {
            while (rs.next()) {
                long value = rs.getLong(2);
                values.put(rs.getString(1), rs.wasNull() ? null : value);
            }
        }
        return values;
    }

    /**
     * Integer columns fed by a sequence (identity, serial, or a {@code nextval} default on a sequence of its own), with
     * the value the sequence gives next (read, not taken) and the column's largest value.
     */
    public static List<Comparison.SequenceColumn> sequenceColumns(Connection session) throws SQLException {
        List<String[]> found = new ArrayList<>();
        try (Statement s = session.createStatement(); ResultSet rs = s.executeQuery(
                "SELECT DISTINCT n.nspname || '.' || c.relname || '.' || a.attname, format('%I.%I', n.nspname, c.relname),"
                        + " quote_ident(a.attname), q.oid::regclass::text, ps.last_value, ps.start_value, ps.increment_by"
                        + " FROM pg_depend d JOIN pg_class q ON q.oid = d.objid AND q.relkind = 'S'"
                        + " JOIN pg_class c ON c.oid = d.refobjid JOIN pg_namespace n ON n.oid = c.relnamespace"
                        + " JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum = d.refobjsubid"
                        + " JOIN pg_namespace qn ON qn.oid = q.relnamespace"
                        + " JOIN pg_sequences ps ON ps.schemaname = qn.nspname AND ps.sequencename = q.relname"
                        + " WHERE d.classid = 'pg_class'::regclass AND d.refclassid = 'pg_class'::regclass"
                        + " AND d.deptype IN ('a', 'i') AND a.atttypid IN ('int2'::regtype, 'int4'::regtype, 'int8'::regtype)"
                        + " AND " + USER_SCHEMA
                        + " UNION"
                        + " SELECT DISTINCT n.nspname || '.' || c.relname || '.' || a.attname, format('%I.%I', n.nspname, c.relname),"
                        + " quote_ident(a.attname), q.oid::regclass::text, ps.last_value, ps.start_value, ps.increment_by"
                        + " FROM pg_attrdef ad JOIN pg_depend d ON d.classid = 'pg_attrdef'::regclass AND d.objid = ad.oid"
                        + " AND d.refclassid = 'pg_class'::regclass"
                        + " JOIN pg_class q ON q.oid = d.refobjid AND q.relkind = 'S'"
                        + " JOIN pg_class c ON c.oid = ad.adrelid JOIN pg_namespace n ON n.oid = c.relnamespace"
                        + " JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum = ad.adnum"
                        + " JOIN pg_namespace qn ON qn.oid = q.relnamespace"
                        + " JOIN pg_sequences ps ON ps.schemaname = qn.nspname AND ps.sequencename = q.relname"
                        + " WHERE a.atttypid IN ('int2'::regtype, 'int4'::regtype, 'int8'::regtype) AND " + USER_SCHEMA
                        + " ORDER BY 1")) {
            while (rs.next()) {
                long increment = rs.getLong(7);
                if (increment <= 0) {
                    continue; // a descending sequence: "above the largest value" does not apply
                }
                long last = rs.getLong(5);
                long next = rs.wasNull() ? rs.getLong(6) : last + increment;
                found.add(new String[] {rs.getString(1), rs.getString(2), rs.getString(3), rs.getString(4),
                        Long.toString(next)});
            }
        }
        List<Comparison.SequenceColumn> columns = new ArrayList<>();
        for (String[] column : found) {
            try (Statement s = session.createStatement();
                 ResultSet rs = s.executeQuery("SELECT max(" + column[2] + ") FROM ONLY " + column[1])) {
                rs.next();
                long max = rs.getLong(1);
                columns.add(new Comparison.SequenceColumn(column[0], column[3], Long.parseLong(column[4]),
                        rs.wasNull() ? null : max));
            }
        }
        return columns;
    }

    /** How many times each ack is in the ledger. */
    public static Map<Ledger.Ack, Long> acks(Connection session) throws SQLException {
        Map<Ledger.Ack, Long> counts = new HashMap<>();
        try (PreparedStatement s = session.prepareStatement(Ledger.COUNTS); ResultSet rs = s.executeQuery()) {
            while (rs.next()) {
                counts.put(new Ledger.Ack(rs.getInt(1), rs.getLong(2)), rs.getLong(3));
            }
        }
        return counts;
    }
}
