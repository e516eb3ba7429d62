package io.bluegreen.local.rds;

import io.bluegreen.local.postgres.LocalPostgres;
import org.postgresql.PGConnection;
import org.postgresql.copy.CopyIn;
import org.postgresql.copy.CopyManager;
import org.postgresql.copy.CopyOut;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;

/**
 * The major-version upgrade fallback: {@code pg_upgrade} and {@code pg_dump} do not exist for PostgreSQL 16/17
 * on these machines, so a fresh cluster of the target major is filled from the source by a schema copy read
 * from the catalogs ({@code pg_get_*def}) plus {@code COPY ... (FORMAT binary)}, one consistent
 * ({@code REPEATABLE READ}) snapshot of the source per database.
 *
 * <p><b>Copied:</b> roles (attributes, password hashes, memberships); databases (owner, encoding, collation);
 * per database: schemas, extensions (created by name: the target must ship them), enum types, SQL and PL/pgSQL
 * functions and procedures, sequences (options, ownership, current value), ordinary and unlogged tables (column
 * types, collations, defaults, NOT NULL, identity columns, stored generated columns, rows), primary-key, unique,
 * check, exclusion and foreign-key constraints, indexes, replica identity, views, triggers (and their enabled
 * state), publications (all tables or a table list), and object owners.
 *
 * <p><b>Not copied, and refused by {@link #unsupported} before the upgrade starts:</b> partitioned and
 * inherited tables, materialized views, foreign tables, domains, composite and range types, aggregates, rules
 * other than views', row-level security policies, event triggers, extended statistics, large objects,
 * subscriptions, publications with row filters, column lists or schemas, tablespaces other than the default.
 * <b>Silently not copied:</b> privileges (GRANTs), comments, security labels, per-role and per-database settings,
 * and planner statistics (run ANALYZE afterwards, as after {@code pg_upgrade}). The emulator's own
 * {@value #AURORA_FUNCTION}() is not carried over: the upgraded cluster is a new WAL lineage.
 */
final class SchemaCopy {

    static final String AURORA_FUNCTION = "aurora_volume_logical_start_lsn";
    private static final Logger LOG = LoggerFactory.getLogger(SchemaCopy.class);

    private static final String USER_NAMESPACES = "SELECT oid, nspname FROM pg_namespace WHERE nspname NOT IN"
            + " ('pg_catalog', 'information_schema', 'pg_toast') AND nspname !~ '^pg_(toast_)?temp_'"
            + " AND NOT " + extensionMember("pg_namespace", "pg_namespace.oid");

    private SchemaCopy() {
    }

    private static String extensionMember(String catalog, String oid) {
        return "EXISTS (SELECT 1 FROM pg_depend d WHERE d.classid = '" + catalog + "'::regclass AND d.objid = " + oid
                + " AND d.deptype = 'e')";
    }

    /** What the copy cannot carry, one line per object ({@code database: kind name}); empty when all is supported. */
    static List<String> unsupported(LocalPostgres source) {
        List<String> found = new ArrayList<>();
        found.addAll(Catalog.strings(source, "postgres", "SELECT 'tablespace ' || spcname FROM pg_tablespace"
                + " WHERE spcname NOT IN ('pg_default', 'pg_global')"));
        String ns = "(" + USER_NAMESPACES + ")";
        String sql = String.join("\nUNION ALL ",
                "SELECT 'partitioned table ' || c.oid::regclass FROM pg_class c JOIN " + ns + " n ON n.oid = c.relnamespace WHERE c.relkind = 'p'",
                "SELECT 'materialized view ' || c.oid::regclass FROM pg_class c JOIN " + ns + " n ON n.oid = c.relnamespace WHERE c.relkind = 'm'",
                "SELECT 'foreign table ' || c.oid::regclass FROM pg_class c JOIN " + ns + " n ON n.oid = c.relnamespace WHERE c.relkind = 'f'",
                "SELECT 'inherited table ' || inhrelid::regclass FROM pg_inherits",
                "SELECT 'type ' || t.oid::regtype FROM pg_type t JOIN " + ns + " n ON n.oid = t.typnamespace"
                        + " WHERE (t.typtype IN ('d', 'r', 'm') OR (t.typtype = 'c' AND (SELECT relkind FROM pg_class WHERE oid = t.typrelid) = 'c'))"
                        + " AND NOT " + extensionMember("pg_type", "t.oid"),
                "SELECT 'aggregate ' || p.oid::regprocedure FROM pg_proc p JOIN " + ns + " n ON n.oid = p.pronamespace"
                        + " WHERE p.prokind IN ('a', 'w') AND NOT " + extensionMember("pg_proc", "p.oid"),
                "SELECT 'rule ' || r.rulename || ' on ' || r.ev_class::regclass FROM pg_rewrite r JOIN pg_class c ON c.oid = r.ev_class"
                        + " JOIN " + ns + " n ON n.oid = c.relnamespace WHERE r.rulename <> '_RETURN'",
                "SELECT 'policy ' || polname || ' on ' || polrelid::regclass FROM pg_policy",
                "SELECT 'event trigger ' || evtname FROM pg_event_trigger",
                "SELECT 'extended statistics ' || stxname FROM pg_statistic_ext",
                "(SELECT 'large objects' FROM pg_largeobject_metadata LIMIT 1)",
                "SELECT 'subscription ' || subname FROM pg_subscription WHERE subdbid = (SELECT oid FROM pg_database WHERE datname = current_database())",
                "SELECT 'publication with a row filter or column list ' || p.pubname FROM pg_publication_rel r"
                        + " JOIN pg_publication p ON p.oid = r.prpubid WHERE r.prqual IS NOT NULL OR r.prattrs IS NOT NULL",
                "SELECT 'publication for tables in schema ' || p.pubname FROM pg_publication_namespace pn JOIN pg_publication p ON p.oid = pn.pnpubid");
        for (String database : Catalog.databases(source, false)) {
            for (String object : Catalog.strings(source, database, sql)) {
                found.add(database + ": " + object);
            }
        }
        return found;
    }

    /** Copies everything from {@code source} into the fresh {@code target}; run {@link #unsupported} first. */
    static void copy(LocalPostgres source, LocalPostgres target) {
        try {
            copyGlobals(source, target);
            for (String database : Catalog.databases(source, false)) {
                long began = System.nanoTime();
                copyDatabase(source, target, database);
                LOG.info("Copied database {} from {} to {} in {} ms", database, source, target,
                        (System.nanoTime() - began) / 1_000_000);
            }
        } catch (SQLException e) {
            throw new IllegalStateException("Copy from " + source + " to " + target + " failed (SQLSTATE "
                    + e.getSQLState() + "): " + e.getMessage(), e);
        }
    }

    private static void copyGlobals(LocalPostgres source, LocalPostgres target) throws SQLException {
        try (Connection src = source.connect("postgres"); Connection tgt = target.connect("postgres");
             Statement s = src.createStatement(); Statement t = tgt.createStatement()) {
            try (ResultSet rs = s.executeQuery("SELECT rolname, rolsuper, rolinherit, rolcreaterole, rolcreatedb,"
                    + " rolcanlogin, rolreplication, rolbypassrls, rolconnlimit, rolpassword, rolvaliduntil"
                    + " FROM pg_authid WHERE rolname !~ '^pg_' AND oid <> 10 ORDER BY oid")) {
                while (rs.next()) {
                    StringBuilder role = new StringBuilder("CREATE ROLE ").append(ident(rs.getString(1))).append(" WITH")
                            .append(rs.getBoolean(2) ? " SUPERUSER" : " NOSUPERUSER")
                            .append(rs.getBoolean(3) ? " INHERIT" : " NOINHERIT")
                            .append(rs.getBoolean(4) ? " CREATEROLE" : " NOCREATEROLE")
                            .append(rs.getBoolean(5) ? " CREATEDB" : " NOCREATEDB")
                            .append(rs.getBoolean(6) ? " LOGIN" : " NOLOGIN")
                            .append(rs.getBoolean(7) ? " REPLICATION" : " NOREPLICATION")
                            .append(rs.getBoolean(8) ? " BYPASSRLS" : " NOBYPASSRLS")
                            .append(" CONNECTION LIMIT ").append(rs.getInt(9));
                    if (rs.getString(10) != null) {
                        role.append(" PASSWORD ").append(literal(rs.getString(10))); // a hash, never the password
                    }
                    if (rs.getString(11) != null) {
                        role.append(" VALID UNTIL ").append(literal(rs.getString(11)));
                    }
                    t.execute(role.toString());
                }
            }
            try (ResultSet rs = s.executeQuery("SELECT DISTINCT r.rolname, m.rolname, am.admin_option"
                    + " FROM pg_auth_members am JOIN pg_authid r ON r.oid = am.roleid JOIN pg_authid m ON m.oid = am.member"
                    + " WHERE m.oid <> 10 AND m.rolname !~ '^pg_'")) {
                while (rs.next()) {
                    t.execute("GRANT " + ident(rs.getString(1)) + " TO " + ident(rs.getString(2))
                            + (rs.getBoolean(3) ? " WITH ADMIN OPTION" : ""));
                }
            }
            try (ResultSet rs = s.executeQuery("SELECT datname, pg_get_userbyid(datdba), pg_encoding_to_char(encoding),"
                    + " datcollate, datctype FROM pg_database WHERE datallowconn AND NOT datistemplate ORDER BY oid")) {
                while (rs.next()) {
                    String name = rs.getString(1);
                    if (name.equals("postgres")) {
                        t.execute("ALTER DATABASE postgres OWNER TO " + ident(rs.getString(2)));
                    } else {
                        t.execute("CREATE DATABASE " + ident(name) + " OWNER " + ident(rs.getString(2))
                                + " TEMPLATE template0 ENCODING " + literal(rs.getString(3))
                                + " LC_COLLATE " + literal(rs.getString(4)) + " LC_CTYPE " + literal(rs.getString(5)));
                    }
                }
            }
        }
    }

    private static void copyDatabase(LocalPostgres source, LocalPostgres target, String database) throws SQLException {
        try (Connection src = source.connect(database); Connection tgt = target.connect(database);
             Statement s = src.createStatement(); Statement t = tgt.createStatement()) {
            src.setAutoCommit(false);
            s.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY");
            t.execute("SET check_function_bodies = off");
            List<String> owners = new ArrayList<>();
            String ns = "(" + USER_NAMESPACES + ")";

            for (String[] row : rows(s, "SELECT n.nspname, pg_get_userbyid(p.nspowner) FROM " + ns + " n"
                    + " JOIN pg_namespace p ON p.oid = n.oid ORDER BY n.oid")) {
                t.execute("CREATE SCHEMA IF NOT EXISTS " + ident(row[0]));
                owners.add("ALTER SCHEMA " + ident(row[0]) + " OWNER TO " + ident(row[1]));
            }
            for (String[] row : rows(s, "SELECT e.extname, n.nspname FROM pg_extension e JOIN pg_namespace n"
                    + " ON n.oid = e.extnamespace WHERE e.extname <> 'plpgsql' ORDER BY e.oid")) {
                t.execute("CREATE EXTENSION IF NOT EXISTS " + ident(row[0]) + " SCHEMA " + ident(row[1]));
            }
            for (String[] row : rows(s, "SELECT format('%I.%I', n.nspname, t.typname),"
                    + " (SELECT string_agg(quote_literal(e.enumlabel), ', ' ORDER BY e.enumsortorder) FROM pg_enum e WHERE e.enumtypid = t.oid),"
                    + " pg_get_userbyid(t.typowner) FROM pg_type t JOIN " + ns + " n ON n.oid = t.typnamespace"
                    + " WHERE t.typtype = 'e' AND NOT " + extensionMember("pg_type", "t.oid") + " ORDER BY t.oid")) {
                t.execute("CREATE TYPE " + row[0] + " AS ENUM (" + (row[1] == null ? "" : row[1]) + ")");
                owners.add("ALTER TYPE " + row[0] + " OWNER TO " + ident(row[2]));
            }
            for (String[] row : rows(s, "SELECT pg_get_functiondef(p.oid), p.oid::regprocedure::text,"
                    + " pg_get_userbyid(p.proowner) FROM pg_proc p JOIN " + ns + " n ON n.oid = p.pronamespace"
                    + " WHERE p.prokind IN ('f', 'p') AND p.proname <> '" + AURORA_FUNCTION + "'"
                    + " AND NOT " + extensionMember("pg_proc", "p.oid") + " ORDER BY p.oid")) {
                t.execute(row[0]);
                owners.add("ALTER ROUTINE " + row[1] + " OWNER TO " + ident(row[2]));
            }
            // sequences of their own (identity sequences come with their columns)
            List<String[]> sequences = rows(s, "SELECT format('%I.%I', n.nspname, c.relname), format_type(q.seqtypid, NULL),"
                    + " q.seqstart, q.seqincrement, q.seqmin, q.seqmax, q.seqcache, q.seqcycle, pg_get_userbyid(c.relowner),"
                    + " EXISTS (SELECT 1 FROM pg_depend d WHERE d.classid = 'pg_class'::regclass AND d.objid = c.oid"
                    + " AND d.deptype = 'a')::text"
                    + " FROM pg_sequence q JOIN pg_class c ON c.oid = q.seqrelid JOIN " + ns + " n ON n.oid = c.relnamespace"
                    + " WHERE NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.classid = 'pg_class'::regclass AND d.objid = c.oid AND d.deptype = 'i')"
                    + " AND NOT " + extensionMember("pg_class", "c.oid") + " ORDER BY c.oid");
            for (String[] row : sequences) {
                t.execute("CREATE SEQUENCE " + row[0] + " AS " + row[1] + sequenceOptions(row, 2));
                if (!"true".equals(row[9])) {
                    owners.add("ALTER SEQUENCE " + row[0] + " OWNER TO " + ident(row[8])); // owned ones follow their table
                }
            }

            List<String[]> tables = rows(s, "SELECT c.oid::text, format('%I.%I', n.nspname, c.relname), c.relpersistence::text,"
                    + " c.relreplident::text, pg_get_userbyid(c.relowner) FROM pg_class c JOIN " + ns + " n ON n.oid = c.relnamespace"
                    + " WHERE c.relkind = 'r' AND NOT c.relispartition AND NOT " + extensionMember("pg_class", "c.oid")
                    + " ORDER BY c.oid");
            List<String> afterData = new ArrayList<>();
            List<String> foreignKeys = new ArrayList<>();
            for (String[] table : tables) {
                String oid = table[0];
                String name = table[1];
                List<String[]> columns = rows(s, "SELECT quote_ident(a.attname), format_type(a.atttypid, a.atttypmod),"
                        + " a.attnotnull::text, pg_get_expr(d.adbin, d.adrelid), a.attidentity::text, a.attgenerated::text,"
                        + " CASE WHEN a.attcollation <> ty.typcollation THEN format('%I.%I', cn.nspname, co.collname) END,"
                        + " a.attname FROM pg_attribute a JOIN pg_type ty ON ty.oid = a.atttypid"
                        + " LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum"
                        + " LEFT JOIN pg_collation co ON co.oid = a.attcollation LEFT JOIN pg_namespace cn ON cn.oid = co.collnamespace"
                        + " WHERE a.attrelid = " + oid + " AND a.attnum > 0 AND NOT a.attisdropped ORDER BY a.attnum");
                List<String> definitions = new ArrayList<>();
                List<String> copied = new ArrayList<>();
                for (String[] column : columns) {
                    StringBuilder definition = new StringBuilder(column[0]).append(' ').append(column[1]);
                    if (column[6] != null) {
                        definition.append(" COLLATE ").append(column[6]);
                    }
                    boolean generated = "s".equals(column[5]);
                    if (generated) {
                        definition.append(" GENERATED ALWAYS AS (").append(column[3]).append(") STORED");
                    } else {
                        copied.add(column[0]);
                        if (column[3] != null) {
                            definition.append(" DEFAULT ").append(column[3]);
                        }
                    }
                    if ("true".equals(column[2])) {
                        definition.append(" NOT NULL");
                    }
                    definitions.add(definition.toString());
                    if (!column[4].isEmpty()) {
                        String[] identity = rows(s, "SELECT format_type(q.seqtypid, NULL), q.seqstart, q.seqincrement,"
                                + " q.seqmin, q.seqmax, q.seqcache, q.seqcycle FROM pg_sequence q WHERE q.seqrelid = "
                                + "pg_get_serial_sequence(" + literal(name) + ", " + literal(column[7]) + ")::regclass").get(0);
                        afterData.add("ALTER TABLE " + name + " ALTER COLUMN " + column[0] + " ADD GENERATED "
                                + ("a".equals(column[4]) ? "ALWAYS" : "BY DEFAULT") + " AS IDENTITY ("
                                + sequenceOptions(identity, 1).strip() + ")");
                    }
                }
                t.execute("CREATE " + ("u".equals(table[2]) ? "UNLOGGED " : "") + "TABLE " + name + " ("
                        + String.join(", ", definitions) + ")");
                owners.add("ALTER TABLE " + name + " OWNER TO " + ident(table[4]));
                if (!copied.isEmpty()) {
                    copyRows(src, tgt, name, String.join(", ", copied));
                }
                for (String[] constraint : rows(s, "SELECT quote_ident(conname), pg_get_constraintdef(oid), contype::text"
                        + " FROM pg_constraint WHERE conrelid = " + oid + " AND contype IN ('p', 'u', 'x', 'c', 'f')"
                        + " ORDER BY contype = 'c', oid")) {
                    String add = "ALTER TABLE " + name + " ADD CONSTRAINT " + constraint[0] + " " + constraint[1];
                    if ("f".equals(constraint[2])) {
                        foreignKeys.add(add);
                    } else {
                        afterData.add(add);
                    }
                }
                for (String[] index : rows(s, "SELECT pg_get_indexdef(i.indexrelid) FROM pg_index i WHERE i.indrelid = " + oid
                        + " AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = i.indexrelid"
                        + " AND c.conrelid = i.indrelid AND c.contype IN ('p', 'u', 'x')) ORDER BY i.indexrelid")) {
                    afterData.add(index[0]);
                }
                switch (table[3]) {
                    case "f" -> afterData.add("ALTER TABLE " + name + " REPLICA IDENTITY FULL");
                    case "n" -> afterData.add("ALTER TABLE " + name + " REPLICA IDENTITY NOTHING");
                    case "i" -> rows(s, "SELECT quote_ident(c.relname) FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid"
                            + " WHERE i.indrelid = " + oid + " AND i.indisreplident").forEach(index ->
                            afterData.add("ALTER TABLE " + name + " REPLICA IDENTITY USING INDEX " + index[0]));
                    default -> {
                    }
                }
            }
            for (String statement : afterData) {
                t.execute(statement);
            }
            for (String statement : foreignKeys) {
                t.execute(statement);
            }
            // sequence ownership and current values (identity sequences: found by column on both sides)
            for (String[] row : rows(s, "SELECT d.objid::regclass::text, d.refobjid::regclass::text, quote_ident(a.attname)"
                    + " FROM pg_depend d JOIN pg_class c ON c.oid = d.objid AND c.relkind = 'S'"
                    + " JOIN pg_attribute a ON a.attrelid = d.refobjid AND a.attnum = d.refobjsubid"
                    + " WHERE d.classid = 'pg_class'::regclass AND d.refclassid = 'pg_class'::regclass AND d.deptype = 'a'")) {
                t.execute("ALTER SEQUENCE " + row[0] + " OWNED BY " + row[1] + "." + row[2]);
            }
            for (String[] row : sequences) {
                copySequenceValue(s, tgt, row[0], row[0]);
            }
            for (String[] row : rows(s, "SELECT d.objid::regclass::text, d.refobjid::regclass::text, a.attname"
                    + " FROM pg_depend d JOIN pg_class c ON c.oid = d.objid AND c.relkind = 'S'"
                    + " JOIN pg_attribute a ON a.attrelid = d.refobjid AND a.attnum = d.refobjsubid"
                    + " WHERE d.classid = 'pg_class'::regclass AND d.refclassid = 'pg_class'::regclass AND d.deptype = 'i'")) {
                String[] targetSequence = rows(t, "SELECT pg_get_serial_sequence(" + literal(row[1]) + ", " + literal(row[2]) + ")").get(0);
                copySequenceValue(s, tgt, row[0], targetSequence[0]);
            }
            for (String[] row : rows(s, "SELECT format('%I.%I', n.nspname, c.relname), pg_get_viewdef(c.oid), pg_get_userbyid(c.relowner)"
                    + " FROM pg_class c JOIN " + ns + " n ON n.oid = c.relnamespace WHERE c.relkind = 'v'"
                    + " AND NOT " + extensionMember("pg_class", "c.oid") + " ORDER BY c.oid")) {
                t.execute("CREATE VIEW " + row[0] + " AS " + row[1]);
                owners.add("ALTER VIEW " + row[0] + " OWNER TO " + ident(row[2]));
            }
            for (String[] row : rows(s, "SELECT pg_get_triggerdef(tg.oid), tg.tgenabled::text, quote_ident(tg.tgname),"
                    + " format('%I.%I', n.nspname, c.relname) FROM pg_trigger tg JOIN pg_class c ON c.oid = tg.tgrelid"
                    + " JOIN " + ns + " n ON n.oid = c.relnamespace WHERE NOT tg.tgisinternal ORDER BY tg.oid")) {
                t.execute(row[0]);
                String enable = switch (row[1]) {
                    case "D" -> "DISABLE TRIGGER ";
                    case "R" -> "ENABLE REPLICA TRIGGER ";
                    case "A" -> "ENABLE ALWAYS TRIGGER ";
                    default -> null;
                };
                if (enable != null) {
                    t.execute("ALTER TABLE " + row[3] + " " + enable + row[2]);
                }
            }
            for (String[] row : rows(s, "SELECT p.oid::text, quote_ident(p.pubname), p.puballtables::text,"
                    + " concat_ws(', ', CASE WHEN p.pubinsert THEN 'insert' END, CASE WHEN p.pubupdate THEN 'update' END,"
                    + " CASE WHEN p.pubdelete THEN 'delete' END, CASE WHEN p.pubtruncate THEN 'truncate' END),"
                    + " p.pubviaroot::text, pg_get_userbyid(p.pubowner) FROM pg_publication p ORDER BY p.oid")) {
                List<String> members = new ArrayList<>();
                rows(s, "SELECT prrelid::regclass::text FROM pg_publication_rel WHERE prpubid = " + row[0])
                        .forEach(member -> members.add(member[0]));
                String scope = "true".equals(row[2]) ? " FOR ALL TABLES"
                        : members.isEmpty() ? "" : " FOR TABLE " + String.join(", ", members);
                t.execute("CREATE PUBLICATION " + row[1] + scope + " WITH (publish = " + literal(row[3])
                        + ", publish_via_partition_root = " + row[4] + ")");
                owners.add("ALTER PUBLICATION " + row[1] + " OWNER TO " + ident(row[5]));
            }
            for (String statement : owners) {
                t.execute(statement);
            }
            src.commit();
        }
    }

    private static String sequenceOptions(String[] row, int from) {
        return " START WITH " + row[from] + " INCREMENT BY " + row[from + 1] + " MINVALUE " + row[from + 2]
                + " MAXVALUE " + row[from + 3] + " CACHE " + row[from + 4] + ("t".equals(row[from + 5])
                || "true".equals(row[from + 5]) ? " CYCLE" : " NO CYCLE");
    }

    private static void copySequenceValue(Statement source, Connection target, String sourceSequence,
                                          String targetSequence) throws SQLException {
        String[] value = rows(source, "SELECT last_value::text, is_called::text FROM " + sourceSequence).get(0);
        try (PreparedStatement setval = target.prepareStatement("SELECT setval(?::regclass, ?::bigint, ?::boolean)")) {
            setval.setString(1, targetSequence);
            setval.setString(2, value[0]);
            setval.setString(3, value[1]);
            setval.execute();
        }
    }

    private static void copyRows(Connection src, Connection tgt, String table, String columns) throws SQLException {
        CopyManager out = src.unwrap(PGConnection.class).getCopyAPI();
        CopyManager in = tgt.unwrap(PGConnection.class).getCopyAPI();
        CopyOut reader = out.copyOut("COPY (SELECT " + columns + " FROM ONLY " + table + ") TO STDOUT (FORMAT binary)");
        CopyIn writer = in.copyIn("COPY " + table + " (" + columns + ") FROM STDIN (FORMAT binary)");
        try {
            byte[] chunk;
            while ((chunk = reader.readFromCopy()) != null) {
                writer.writeToCopy(chunk, 0, chunk.length);
            }
            writer.endCopy();
        } finally {
            if (writer.isActive()) {
                writer.cancelCopy();
            }
            if (reader.isActive()) {
                reader.cancelCopy();
            }
        }
    }

    private static List<String[]> rows(Statement statement, String sql) throws SQLException {
        List<String[]> rows = new ArrayList<>();
        try (ResultSet rs = statement.executeQuery(sql)) {
            int columns = rs.getMetaData().getColumnCount();
            while (rs.next()) {
                String[] row = new String[columns];
                for (int i = 0; i < columns; i++) {
                    row[i] = rs.getString(i + 1);
                }
                rows.add(row);
            }
        }
        return rows;
    }

    static String ident(String name) {
        return "\"" + name.replace("\"", "\"\"") + "\"";
    }

    static String literal(String value) {
        return "'" + value.replace("'", "''") + "'";
    }
}
