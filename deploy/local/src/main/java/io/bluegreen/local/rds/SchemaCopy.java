package io.bluegreen.local.rds;

import io.bluegreen.local.postgres.LocalPostgres;
import io.bluegreen.local.rds.DependencyOrder.Edge;
import io.bluegreen.local.rds.DependencyOrder.Node;
import io.bluegreen.local.rds.DependencyOrder.Ref;
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
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * The major-version upgrade fallback: {@code pg_upgrade} and {@code pg_dump} do not exist for PostgreSQL 16/17
 * on these machines, so a fresh cluster of the target major is filled from the source by a schema copy read
 * from the catalogs ({@code pg_get_*def}, {@code format_type}, {@code pg_get_expr}) plus
 * {@code COPY ... (FORMAT binary)} (text for columns whose binary form names type oids), one consistent
 * ({@code REPEATABLE READ}) snapshot of the source per database.
 *
 * <p><b>Order</b>, as {@code pg_dump} restores: definitions (schemas, extensions, collations, types, functions,
 * sequences, tables, views, materialized views) sorted by their pg_depend dependencies; then every table's rows
 * (partitions through their leaf tables, once); then sequence values, materialized view refreshes, constraints,
 * indexes and their partition attachments, identity columns, foreign keys, triggers, rules, row-level security
 * and policies, extended statistics, publications; last owners, privileges, default privileges and comments.
 *
 * <p><b>Copied:</b> roles (attributes, password hashes, memberships with their admin, inherit and set options
 * and grantors, comments); databases (owner, encoding, collation and locale provider, privileges, comments); per database: schemas,
 * extensions (at the source's version when the target offers it, else its default), collations (libc and ICU),
 * enum, composite, domain (defaults, NOT NULL, checks) and range types, SQL and PL/pgSQL functions and
 * procedures, sequences (options, ownership, current value), ordinary, unlogged, partitioned (range, list, hash;
 * default and sub-partitions) and inherited tables (column types, collations, defaults, NOT NULL, identity
 * columns, stored generated columns, storage options, rows), primary-key, unique, check, exclusion and foreign-key
 * constraints (deferrable, NOT VALID, to partitioned tables), indexes of every access method (partial,
 * expression, INCLUDE; partitioned indexes attached as on the source), replica identity, views (with their
 * options), materialized views (populated or not, as on the source), triggers (constraint triggers, triggers on
 * partitioned tables, enabled state), rules (and their enabled state), row-level security (ENABLE, FORCE) and
 * policies, extended statistics, publications (all tables or a table list), owners, privileges (schemas,
 * tables, columns, sequences, routines, types), default privileges and comments on all of these.
 *
 * <p><b>Not copied, and refused by {@link #unsupported} before the upgrade starts:</b> foreign tables, foreign
 * data wrappers and servers, aggregates, range types with a canonical function, functions in languages other
 * than SQL, PL/pgSQL and internal outside an extension, user-defined casts, operators, operator classes and
 * families, text search objects, conversions, access methods, procedural languages and transforms outside an
 * extension, event triggers, large objects, subscriptions, publications with row filters, column lists or
 * schemas, tablespaces other than the default, partitions whose columns are in another order than their
 * parent's, rows in an extension's configuration tables. <b>Not copied:</b> security labels (no label provider is loaded here), per-role and per-database
 * settings, and planner statistics (run ANALYZE afterwards, as after {@code pg_upgrade}). The emulator's own
 * {@value #AURORA_FUNCTION}() is not carried over: the upgraded cluster is a new WAL lineage.
 */
final class SchemaCopy {

    static final String AURORA_FUNCTION = "aurora_volume_logical_start_lsn";
    private static final Logger LOG = LoggerFactory.getLogger(SchemaCopy.class);

    private static final String USER_NAMESPACES = "SELECT oid, nspname FROM pg_namespace WHERE nspname NOT IN"
            + " ('pg_catalog', 'information_schema', 'pg_toast') AND nspname !~ '^pg_(toast_)?temp_'"
            + " AND NOT " + extensionMember("pg_namespace", "pg_namespace.oid");
    private static final String NS = "(" + USER_NAMESPACES + ")";

    /** Definitions, in the order they go when nothing else decides (pg_dump's object type priorities). */
    private static final int SCHEMA = 1;
    private static final int EXTENSION = 2;
    private static final int COLLATION = 3;
    private static final int TYPE = 4;
    private static final int FUNCTION = 5;
    private static final int SEQUENCE = 6;
    private static final int TABLE = 7;
    private static final int VIEW = 8;

    private SchemaCopy() {
    }

    private static String extensionMember(String catalog, String oid) {
        return "EXISTS (SELECT 1 FROM pg_depend member WHERE member.classid = '" + catalog + "'::regclass AND member.objid = " + oid
                + " AND member.deptype = 'e')";
    }

    /** What the copy cannot carry, one line per object ({@code database: kind name}); empty when all is supported. */
    static List<String> unsupported(LocalPostgres source) {
        List<String> found = new ArrayList<>();
        found.addAll(Catalog.strings(source, "postgres", "SELECT 'tablespace ' || spcname FROM pg_tablespace"
                + " WHERE spcname NOT IN ('pg_default', 'pg_global')"));
        String notExtension = " AND NOT " + extensionMember("%s", "%s");
        String sql = String.join("\nUNION ALL ",
                "SELECT 'foreign table ' || c.oid::regclass FROM pg_class c JOIN " + NS + " n ON n.oid = c.relnamespace WHERE c.relkind = 'f'",
                "SELECT 'range type with a canonical function ' || t.oid::regtype FROM pg_type t JOIN pg_range r ON r.rngtypid = t.oid"
                        + " JOIN " + NS + " n ON n.oid = t.typnamespace WHERE r.rngcanonical <> 0" + notExtension.formatted("pg_type", "t.oid"),
                "SELECT 'base type ' || t.oid::regtype FROM pg_type t JOIN " + NS + " n ON n.oid = t.typnamespace"
                        + " WHERE t.typtype IN ('b', 'p') AND t.typelem = 0" + notExtension.formatted("pg_type", "t.oid"),
                "SELECT 'aggregate ' || p.oid::regprocedure FROM pg_proc p JOIN " + NS + " n ON n.oid = p.pronamespace"
                        + " WHERE p.prokind IN ('a', 'w')" + notExtension.formatted("pg_proc", "p.oid"),
                "SELECT 'function in language ' || l.lanname || ' ' || p.oid::regprocedure FROM pg_proc p"
                        + " JOIN pg_language l ON l.oid = p.prolang JOIN " + NS + " n ON n.oid = p.pronamespace"
                        + " WHERE p.prokind IN ('f', 'p') AND l.lanname NOT IN ('sql', 'plpgsql', 'internal')"
                        + notExtension.formatted("pg_proc", "p.oid")
                        + " AND NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.classid = 'pg_proc'::regclass AND d.objid = p.oid AND d.deptype = 'i')",
                "SELECT 'cast ' || format_type(c.castsource, NULL) || ' AS ' || format_type(c.casttarget, NULL) FROM pg_cast c"
                        + " WHERE c.oid >= 16384" + notExtension.formatted("pg_cast", "c.oid")
                        + " AND NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.classid = 'pg_cast'::regclass AND d.objid = c.oid AND d.deptype = 'i')",
                "SELECT 'operator ' || o.oid::regoperator FROM pg_operator o WHERE o.oid >= 16384" + notExtension.formatted("pg_operator", "o.oid"),
                "SELECT 'operator class ' || c.opcname FROM pg_opclass c WHERE c.oid >= 16384" + notExtension.formatted("pg_opclass", "c.oid"),
                "SELECT 'operator family ' || f.opfname FROM pg_opfamily f WHERE f.oid >= 16384" + notExtension.formatted("pg_opfamily", "f.oid")
                        + " AND NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.classid = 'pg_opfamily'::regclass AND d.objid = f.oid"
                        + " AND d.refclassid = 'pg_extension'::regclass)",
                "SELECT 'text search configuration ' || c.cfgname FROM pg_ts_config c WHERE c.oid >= 16384" + notExtension.formatted("pg_ts_config", "c.oid"),
                "SELECT 'text search dictionary ' || td.dictname FROM pg_ts_dict td WHERE td.oid >= 16384" + notExtension.formatted("pg_ts_dict", "td.oid"),
                "SELECT 'text search parser ' || p.prsname FROM pg_ts_parser p WHERE p.oid >= 16384" + notExtension.formatted("pg_ts_parser", "p.oid"),
                "SELECT 'text search template ' || t.tmplname FROM pg_ts_template t WHERE t.oid >= 16384" + notExtension.formatted("pg_ts_template", "t.oid"),
                "SELECT 'conversion ' || c.conname FROM pg_conversion c WHERE c.oid >= 16384" + notExtension.formatted("pg_conversion", "c.oid"),
                "SELECT 'access method ' || a.amname FROM pg_am a WHERE a.oid >= 16384" + notExtension.formatted("pg_am", "a.oid"),
                "SELECT 'language ' || l.lanname FROM pg_language l WHERE l.oid >= 16384" + notExtension.formatted("pg_language", "l.oid"),
                "SELECT 'transform for ' || format_type(t.trftype, NULL) FROM pg_transform t WHERE t.oid >= 16384" + notExtension.formatted("pg_transform", "t.oid"),
                "SELECT 'foreign-data wrapper ' || w.fdwname FROM pg_foreign_data_wrapper w WHERE w.oid >= 16384" + notExtension.formatted("pg_foreign_data_wrapper", "w.oid"),
                "SELECT 'foreign server ' || s.srvname FROM pg_foreign_server s",
                "SELECT 'partition ' || c.oid::regclass || ' (columns in another order than its parent ' || i.inhparent::regclass || ')'"
                        + " FROM pg_class c JOIN pg_inherits i ON i.inhrelid = c.oid WHERE c.relispartition AND c.relkind IN ('r', 'p')"
                        + " AND (SELECT array_agg(attname ORDER BY attnum) FROM pg_attribute WHERE attrelid = c.oid AND attnum > 0 AND NOT attisdropped)"
                        + " IS DISTINCT FROM (SELECT array_agg(attname ORDER BY attnum) FROM pg_attribute WHERE attrelid = i.inhparent AND attnum > 0 AND NOT attisdropped)",
                "SELECT 'event trigger ' || evtname FROM pg_event_trigger",
                // an extension's configuration tables hold the user's rows, which CREATE EXTENSION does not bring back
                "SELECT 'rows in configuration table ' || c::regclass || ' of extension ' || e.extname"
                        + " FROM pg_extension e CROSS JOIN LATERAL unnest(e.extconfig) c WHERE (xpath('/row/n/text()',"
                        + " query_to_xml(format('SELECT count(*) AS n FROM %s', c::regclass), false, true, '')))[1]::text <> '0'",
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
            s.execute("SET search_path = pg_catalog");
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
            // memberships with their options (16+) and grantor; grants by the bootstrap superuser first, as they
            // give the ADMIN OPTION that other grantors need
            for (String[] row : rows(s, "SELECT quote_ident(r.rolname), quote_ident(m.rolname), am.admin_option::text,"
                    + " to_jsonb(am)->>'inherit_option', to_jsonb(am)->>'set_option',"
                    + " CASE WHEN am.grantor <> 10 THEN quote_ident(pg_get_userbyid(am.grantor)) END"
                    + " FROM pg_auth_members am JOIN pg_authid r ON r.oid = am.roleid JOIN pg_authid m ON m.oid = am.member"
                    + " WHERE m.oid <> 10 AND m.rolname !~ '^pg_' ORDER BY am.grantor <> 10, r.oid, m.oid")) {
                List<String> options = new ArrayList<>();
                options.add("ADMIN " + row[2]);
                if (row[3] != null) {
                    options.add("INHERIT " + row[3]);
                }
                if (row[4] != null) {
                    options.add("SET " + row[4]);
                }
                t.execute("GRANT " + row[0] + " TO " + row[1] + " WITH " + String.join(", ", options)
                        + (row[5] == null ? "" : " GRANTED BY " + row[5]));
            }
            List<String> after = new ArrayList<>();
            for (String[] row : rows(s, "SELECT datname, pg_get_userbyid(datdba), pg_encoding_to_char(encoding),"
                    + " datcollate, datctype, datlocprovider::text, coalesce(to_jsonb(d)->>'datlocale', to_jsonb(d)->>'daticulocale'),"
                    + " to_jsonb(d)->>'daticurules' FROM pg_database d WHERE datallowconn AND NOT datistemplate ORDER BY oid")) {
                String name = row[0];
                if (name.equals("postgres")) {
                    t.execute("ALTER DATABASE postgres OWNER TO " + ident(row[1]));
                } else {
                    t.execute("CREATE DATABASE " + ident(name) + " OWNER " + ident(row[1])
                            + " TEMPLATE template0 ENCODING " + literal(row[2])
                            + " LC_COLLATE " + literal(row[3]) + " LC_CTYPE " + literal(row[4])
                            + ("i".equals(row[5]) ? " LOCALE_PROVIDER icu ICU_LOCALE " + literal(row[6])
                            + (row[7] == null ? "" : " ICU_RULES " + literal(row[7])) : ""));
                }
            }
            Map<List<String>, List<Privileges.Entry>> acls = new LinkedHashMap<>();
            for (String[] row : rows(s, "SELECT quote_ident(d.datname), quote_ident(pg_get_userbyid(d.datdba)),"
                    + " quote_ident(pg_get_userbyid(e.grantor)), CASE WHEN e.grantee = 0 THEN 'PUBLIC'"
                    + " ELSE quote_ident(pg_get_userbyid(e.grantee)) END, e.privilege_type, e.is_grantable::text"
                    + " FROM pg_database d LEFT JOIN LATERAL aclexplode(d.datacl) e ON true"
                    + " WHERE d.datallowconn AND NOT d.datistemplate AND d.datacl IS NOT NULL ORDER BY d.oid")) {
                List<Privileges.Entry> entries = acls.computeIfAbsent(List.of(row[0], row[1]), k -> new ArrayList<>());
                if (row[3] != null) {
                    entries.add(new Privileges.Entry(row[2], row[3], row[4], "true".equals(row[5])));
                }
            }
            acls.forEach((database, entries) -> after.addAll(Privileges.statements("DATABASE", database.get(0), null,
                    database.get(1), entries)));
            for (String[] row : rows(s, "SELECT 'ROLE ' || quote_ident(a.rolname), d.description FROM pg_shdescription d"
                    + " JOIN pg_authid a ON a.oid = d.objoid WHERE d.classoid = 'pg_authid'::regclass AND a.oid <> 10 AND a.rolname !~ '^pg_'"
                    + " UNION ALL SELECT 'DATABASE ' || quote_ident(b.datname), d.description FROM pg_shdescription d"
                    + " JOIN pg_database b ON b.oid = d.objoid WHERE d.classoid = 'pg_database'::regclass AND b.datallowconn AND NOT b.datistemplate")) {
                after.add("COMMENT ON " + row[0] + " IS " + literal(row[1]));
            }
            execute(t, "roles and databases", after);
        }
    }

    /** A definition or statement group and what it makes, for error messages. */
    private record Step(String what, List<String> statements) {
        Step(String what, String... statements) {
            this(what, List.of(statements));
        }
    }

    private static final class Plan {
        final List<Node<Step>> definitions = new ArrayList<>();
        final List<Edge> dependencies = new ArrayList<>();
        final Map<Ref, Ref> alias = new HashMap<>(); // a sub-object (row type, attrdef, rule...) -> its definition

        void define(int phase, long oid, String catalog, Step step, Ref... also) {
            Set<Ref> refs = new HashSet<>();
            refs.add(new Ref(catalog, oid));
            refs.addAll(List.of(also));
            definitions.add(new Node<>(step, phase, oid, refs));
        }
    }

    private static void copyDatabase(LocalPostgres source, LocalPostgres target, String database) throws SQLException {
        try (Connection src = source.connect(database); Connection tgt = target.connect(database);
             Statement s = src.createStatement(); Statement t = tgt.createStatement()) {
            // every name the catalog functions print is schema-qualified, and none resolves by accident on 17
            s.execute("SET search_path = pg_catalog");
            src.setAutoCommit(false);
            s.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY");
            t.execute("SET search_path = pg_catalog");
            t.execute("SET check_function_bodies = off");
            List<Step> post = new ArrayList<>();
            List<Step> last = new ArrayList<>();
            Plan plan = new Plan();

            defineSchemasExtensionsCollations(s, t, plan, last);
            defineTypes(s, plan, last);
            defineFunctions(s, plan, last);
            List<String[]> sequences = defineSequences(s, plan, last);
            Map<String, List<String[]>> columns = columns(s);
            List<String[]> tables = defineTables(s, plan, columns, post, last);
            List<String[]> refreshes = defineViews(s, plan, last);
            for (String[] dependency : rows(s, "SELECT classid::regclass::text, objid, refclassid::regclass::text, refobjid,"
                    + " deptype::text FROM pg_depend WHERE objid >= 16384 AND refobjid >= 16384 AND deptype NOT IN ('p', 'x')")) {
                Ref dependent = new Ref(dependency[0], Long.parseLong(dependency[1]));
                Ref referenced = new Ref(dependency[2], Long.parseLong(dependency[3]));
                if ("e".equals(dependency[4])) {
                    plan.alias.put(dependent, referenced); // an extension's member: the extension makes it
                } else {
                    plan.dependencies.add(new Edge(dependent, referenced));
                }
            }
            List<Edge> edges = new ArrayList<>();
            Set<Long> sequenceOids = new HashSet<>();
            sequences.forEach(row -> sequenceOids.add(Long.parseLong(row[10])));
            for (Edge edge : plan.dependencies) {
                if (edge.dependent().catalog().equals("pg_class") && sequenceOids.contains(edge.dependent().oid())) {
                    continue; // OWNED BY: set once the table exists
                }
                edges.add(new Edge(plan.alias.getOrDefault(edge.dependent(), edge.dependent()),
                        plan.alias.getOrDefault(edge.referenced(), edge.referenced())));
            }
            List<Step> afterKeys = afterKeys(s, plan.definitions, edges);
            List<Node<Step>> definitions = plan.definitions.stream().filter(node -> !afterKeys.contains(node.value())).toList();
            for (Step step : DependencyOrder.sort(definitions, edges)) {
                execute(t, step.what(), step.statements());
            }
            if (afterKeys.isEmpty()) {
                checkColumnOrder(s, t, database);
            }

            long rows = System.nanoTime();
            for (String[] table : tables) {
                if ("r".equals(table[2])) {
                    copyRows(src, tgt, table[1], columns.getOrDefault(table[0], List.of()));
                }
            }
            LOG.debug("Rows of database {} copied in {} ms", database, (System.nanoTime() - rows) / 1_000_000);

            // sequence ownership and current values (identity sequences are named as on the source)
            for (String[] row : rows(s, "SELECT d.objid::regclass::text, d.refobjid::regclass::text, quote_ident(a.attname)"
                    + " FROM pg_depend d JOIN pg_class c ON c.oid = d.objid AND c.relkind = 'S'"
                    + " JOIN pg_attribute a ON a.attrelid = d.refobjid AND a.attnum = d.refobjsubid"
                    + " WHERE d.classid = 'pg_class'::regclass AND d.refclassid = 'pg_class'::regclass AND d.deptype = 'a'"
                    + " AND NOT " + extensionMember("pg_class", "c.oid"))) {
                t.execute("ALTER SEQUENCE " + row[0] + " OWNED BY " + row[1] + "." + row[2]);
            }
            for (String[] row : sequences) {
                copySequenceValue(s, tgt, row[0], row[0]);
            }
            for (String[] row : refreshes) {
                execute(t, "materialized view " + row[0], List.of("REFRESH MATERIALIZED VIEW " + row[0]));
            }
            definePostData(s, post, afterKeys);
            for (Step step : post) {
                execute(t, step.what(), step.statements());
            }
            if (!afterKeys.isEmpty()) {
                checkColumnOrder(s, t, database);
            }
            for (String[] row : rows(s, "SELECT c.oid::regclass::text FROM pg_depend d JOIN pg_class c ON c.oid = d.objid"
                    + " AND c.relkind = 'S' WHERE d.classid = 'pg_class'::regclass AND d.refclassid = 'pg_class'::regclass"
                    + " AND d.deptype = 'i' AND NOT " + extensionMember("pg_class", "c.oid"))) {
                copySequenceValue(s, tgt, row[0], row[0]);
            }
            definePrivilegesAndComments(s, last);
            for (Step step : last) {
                execute(t, step.what(), step.statements());
            }
            src.commit();
        }
    }

    private static void defineSchemasExtensionsCollations(Statement s, Statement t, Plan plan, List<Step> last)
            throws SQLException {
        for (String[] row : rows(s, "SELECT n.oid, quote_ident(n.nspname), quote_ident(pg_get_userbyid(p.nspowner))"
                + " FROM " + NS + " n JOIN pg_namespace p ON p.oid = n.oid ORDER BY n.oid")) {
            plan.define(SCHEMA, Long.parseLong(row[0]), "pg_namespace", new Step("schema " + row[1],
                    "CREATE SCHEMA IF NOT EXISTS " + row[1]));
            last.add(new Step("owner of schema " + row[1], "ALTER SCHEMA " + row[1] + " OWNER TO " + row[2]));
        }
        List<String[]> extensions = rows(s, "SELECT e.oid, e.extname, quote_ident(n.nspname), e.extversion FROM pg_extension e"
                + " JOIN pg_namespace n ON n.oid = e.extnamespace WHERE e.extname <> 'plpgsql' ORDER BY e.oid");
        Map<String, String> offered = new HashMap<>();
        if (!extensions.isEmpty()) { // reading every control file on the target takes a while
            for (String[] row : rows(t, "SELECT name, string_agg(version, ' ') FROM pg_available_extension_versions GROUP BY name")) {
                offered.put(row[0], " " + row[1] + " ");
            }
        }
        for (String[] row : extensions) {
            String versions = offered.get(row[1]);
            if (versions == null) {
                throw new IllegalStateException("Extension " + row[1] + " " + row[3] + " is not available on the target"
                        + " server: drop it from the source or upgrade elsewhere");
            }
            String version = versions.contains(" " + row[3] + " ") ? " VERSION " + literal(row[3]) : "";
            plan.define(EXTENSION, Long.parseLong(row[0]), "pg_extension", new Step("extension " + row[1],
                    "CREATE EXTENSION IF NOT EXISTS " + ident(row[1]) + " WITH SCHEMA " + row[2] + version));
        }
        for (String[] row : rows(s, "SELECT c.oid, format('%I.%I', n.nspname, c.collname), c.collprovider::text,"
                + " c.collcollate, c.collctype, coalesce(to_jsonb(c)->>'colllocale', to_jsonb(c)->>'colliculocale'),"
                + " to_jsonb(c)->>'collicurules', c.collisdeterministic::text, quote_ident(pg_get_userbyid(c.collowner))"
                + " FROM pg_collation c JOIN " + NS + " n ON n.oid = c.collnamespace"
                + " WHERE NOT " + extensionMember("pg_collation", "c.oid") + " ORDER BY c.oid")) {
            List<String> options = new ArrayList<>();
            options.add("provider = " + ("i".equals(row[2]) ? "icu" : "c".equals(row[2]) ? "libc" : row[2]));
            if ("i".equals(row[2])) {
                options.add("locale = " + literal(row[5]));
                if (row[6] != null) {
                    options.add("rules = " + literal(row[6]));
                }
            } else {
                options.add("lc_collate = " + literal(row[3]));
                options.add("lc_ctype = " + literal(row[4]));
            }
            options.add("deterministic = " + row[7]);
            plan.define(COLLATION, Long.parseLong(row[0]), "pg_collation", new Step("collation " + row[1],
                    "CREATE COLLATION " + row[1] + " (" + String.join(", ", options) + ")"));
            last.add(new Step("owner of collation " + row[1], "ALTER COLLATION " + row[1] + " OWNER TO " + row[8]));
        }
    }

    private static void defineTypes(Statement s, Plan plan, List<Step> last) throws SQLException {
        String userTypes = " FROM pg_type t JOIN " + NS + " n ON n.oid = t.typnamespace%s WHERE NOT "
                + extensionMember("pg_type", "t.oid");
        Map<String, List<String>> attributes = new HashMap<>();
        for (String[] row : rows(s, "SELECT t.oid, quote_ident(a.attname) || ' ' || format_type(a.atttypid, a.atttypmod)"
                + " || CASE WHEN a.attcollation <> ty.typcollation THEN ' COLLATE ' || format('%I.%I', cn.nspname, co.collname) ELSE '' END"
                + userTypes.formatted(" JOIN pg_attribute a ON a.attrelid = t.typrelid JOIN pg_type ty ON ty.oid = a.atttypid"
                + " LEFT JOIN pg_collation co ON co.oid = a.attcollation LEFT JOIN pg_namespace cn ON cn.oid = co.collnamespace")
                + " AND t.typtype = 'c' AND a.attnum > 0 AND NOT a.attisdropped ORDER BY t.oid, a.attnum")) {
            attributes.computeIfAbsent(row[0], k -> new ArrayList<>()).add(row[1]);
        }
        Map<String, List<String>> domainChecks = new HashMap<>();
        for (String[] row : rows(s, "SELECT c.contypid, 'ALTER DOMAIN ' || format_type(c.contypid, NULL) || ' ADD CONSTRAINT '"
                + " || quote_ident(c.conname) || ' ' || pg_get_constraintdef(c.oid), c.oid FROM pg_constraint c"
                + " JOIN pg_type t ON t.oid = c.contypid JOIN " + NS + " n ON n.oid = t.typnamespace"
                + " WHERE c.contype = 'c' ORDER BY c.oid")) {
            domainChecks.computeIfAbsent(row[0], k -> new ArrayList<>()).add(row[1]);
            plan.alias.put(new Ref("pg_constraint", Long.parseLong(row[2])), new Ref("pg_type", Long.parseLong(row[0])));
        }
        for (String[] row : rows(s, "SELECT t.oid, format_type(t.oid, NULL), t.typtype::text, quote_ident(pg_get_userbyid(t.typowner)),"
                + " (SELECT string_agg(quote_literal(e.enumlabel), ', ' ORDER BY e.enumsortorder) FROM pg_enum e WHERE e.enumtypid = t.oid),"
                + " format_type(t.typbasetype, t.typtypmod), t.typnotnull::text, pg_get_expr(t.typdefaultbin, 0),"
                + " CASE WHEN t.typtype = 'd' AND t.typcollation <> (SELECT typcollation FROM pg_type WHERE oid = t.typbasetype)"
                + " THEN (SELECT format('%I.%I', cn.nspname, co.collname) FROM pg_collation co JOIN pg_namespace cn ON cn.oid = co.collnamespace WHERE co.oid = t.typcollation) END,"
                + " r.rngsubtype::regtype::text,"
                + " CASE WHEN NOT oc.opcdefault THEN format('%I.%I', ocn.nspname, oc.opcname) END,"
                + " CASE WHEN r.rngcollation <> 0 AND r.rngcollation <> (SELECT typcollation FROM pg_type WHERE oid = r.rngsubtype)"
                + " THEN (SELECT format('%I.%I', cn.nspname, co.collname) FROM pg_collation co JOIN pg_namespace cn ON cn.oid = co.collnamespace WHERE co.oid = r.rngcollation) END,"
                + " CASE WHEN r.rngsubdiff <> 0 THEN r.rngsubdiff::regprocedure::text END, format_type(r.rngmultitypid, NULL),"
                + " t.typarray, t.typrelid, r.rngmultitypid, (SELECT typarray FROM pg_type WHERE oid = r.rngmultitypid)"
                + userTypes.formatted(" LEFT JOIN pg_range r ON r.rngtypid = t.oid LEFT JOIN pg_opclass oc ON oc.oid = r.rngsubopc"
                + " LEFT JOIN pg_namespace ocn ON ocn.oid = oc.opcnamespace")
                + " AND (t.typtype IN ('e', 'd', 'r') OR (t.typtype = 'c' AND (SELECT relkind FROM pg_class WHERE oid = t.typrelid) = 'c'))"
                + " ORDER BY t.oid")) {
            String name = row[1];
            List<String> statements = new ArrayList<>();
            String kind = switch (row[2]) {
                case "e" -> {
                    statements.add("CREATE TYPE " + name + " AS ENUM (" + (row[4] == null ? "" : row[4]) + ")");
                    yield "TYPE";
                }
                case "c" -> {
                    statements.add("CREATE TYPE " + name + " AS (" + String.join(", ", attributes.getOrDefault(row[0], List.of())) + ")");
                    yield "TYPE";
                }
                case "r" -> {
                    StringBuilder range = new StringBuilder("CREATE TYPE " + name + " AS RANGE (subtype = " + row[9]);
                    if (row[10] != null) {
                        range.append(", subtype_opclass = ").append(row[10]);
                    }
                    if (row[11] != null) {
                        range.append(", collation = ").append(row[11]);
                    }
                    if (row[12] != null) {
                        range.append(", subtype_diff = ").append(row[12].replaceAll("\\(.*$", ""));
                    }
                    statements.add(range.append(", multirange_type_name = ").append(row[13]).append(")").toString());
                    yield "TYPE";
                }
                default -> {
                    statements.add("CREATE DOMAIN " + name + " AS " + row[5] + (row[8] == null ? "" : " COLLATE " + row[8])
                            + (row[7] == null ? "" : " DEFAULT " + row[7]) + ("true".equals(row[6]) ? " NOT NULL" : ""));
                    statements.addAll(domainChecks.getOrDefault(row[0], List.of()));
                    yield "DOMAIN";
                }
            };
            List<Ref> also = new ArrayList<>();
            also.add(new Ref("pg_type", Long.parseLong(row[14])));
            if (!"0".equals(row[15])) {
                also.add(new Ref("pg_class", Long.parseLong(row[15])));
            }
            if (row[16] != null) {
                also.add(new Ref("pg_type", Long.parseLong(row[16])));
                also.add(new Ref("pg_type", Long.parseLong(row[17])));
            }
            plan.define(TYPE, Long.parseLong(row[0]), "pg_type", new Step("type " + name, statements), also.toArray(Ref[]::new));
            last.add(new Step("owner of type " + name, "ALTER " + kind + " " + name + " OWNER TO " + row[3]));
        }
    }

    private static void defineFunctions(Statement s, Plan plan, List<Step> last) throws SQLException {
        for (String[] row : rows(s, "SELECT p.oid, pg_get_functiondef(p.oid), p.oid::regprocedure::text,"
                + " quote_ident(pg_get_userbyid(p.proowner)) FROM pg_proc p JOIN " + NS + " n ON n.oid = p.pronamespace"
                + " WHERE p.prokind IN ('f', 'p') AND p.proname <> '" + AURORA_FUNCTION + "'"
                + " AND NOT " + extensionMember("pg_proc", "p.oid")
                + " AND NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.classid = 'pg_proc'::regclass AND d.objid = p.oid AND d.deptype = 'i')"
                + " ORDER BY p.oid")) {
            plan.define(FUNCTION, Long.parseLong(row[0]), "pg_proc", new Step("routine " + row[2], row[1]));
            last.add(new Step("owner of routine " + row[2], "ALTER ROUTINE " + row[2] + " OWNER TO " + row[3]));
        }
    }

    /** Sequences of their own (identity sequences come with their columns). */
    private static List<String[]> defineSequences(Statement s, Plan plan, List<Step> last) throws SQLException {
        List<String[]> sequences = rows(s, "SELECT c.oid::regclass::text, format_type(q.seqtypid, NULL),"
                + " q.seqstart, q.seqincrement, q.seqmin, q.seqmax, q.seqcache, q.seqcycle, quote_ident(pg_get_userbyid(c.relowner)),"
                + " EXISTS (SELECT 1 FROM pg_depend d WHERE d.classid = 'pg_class'::regclass AND d.objid = c.oid"
                + " AND d.deptype = 'a')::text, c.oid, c.relpersistence::text"
                + " FROM pg_sequence q JOIN pg_class c ON c.oid = q.seqrelid JOIN " + NS + " n ON n.oid = c.relnamespace"
                + " WHERE NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.classid = 'pg_class'::regclass AND d.objid = c.oid AND d.deptype = 'i')"
                + " AND NOT " + extensionMember("pg_class", "c.oid") + " ORDER BY c.oid");
        for (String[] row : sequences) {
            plan.define(SEQUENCE, Long.parseLong(row[10]), "pg_class", new Step("sequence " + row[0],
                    "CREATE " + ("u".equals(row[11]) ? "UNLOGGED " : "") + "SEQUENCE " + row[0] + " AS " + row[1]
                            + sequenceOptions(row, 2)));
            if (!"true".equals(row[9])) {
                last.add(new Step("owner of sequence " + row[0], "ALTER SEQUENCE " + row[0] + " OWNER TO " + row[8])); // owned ones follow their table
            }
        }
        return sequences;
    }

    /**
     * Columns of every table, by table oid: quoted name, type, not null, default, identity, generated, collation,
     * name, is local, table, default's oid, storage, compression, statistics target, copied as text, options.
     */
    private static Map<String, List<String[]>> columns(Statement s) throws SQLException {
        Map<String, List<String[]>> columns = new HashMap<>();
        for (String[] column : rows(s, "SELECT quote_ident(a.attname), format_type(a.atttypid, a.atttypmod),"
                + " a.attnotnull::text, pg_get_expr(d.adbin, d.adrelid), a.attidentity::text, a.attgenerated::text,"
                + " CASE WHEN a.attcollation <> ty.typcollation THEN format('%I.%I', cn.nspname, co.collname) END,"
                + " a.attname, a.attislocal::text, a.attrelid, d.oid,"
                + " CASE WHEN a.attstorage <> ty.typstorage THEN a.attstorage::text END,"
                + " CASE WHEN a.attcompression <> '' THEN a.attcompression::text END,"
                + " CASE WHEN a.attstattarget >= 0 THEN a.attstattarget::text END,"
                // a binary COPY names the element type oid of arrays and the field type oids of composites, which
                // differ between servers for types created here: those columns travel as text
                + " (coalesce(NULLIF(ty.typbasetype, 0), ty.oid) >= 16384 AND bt.typtype <> 'e'"
                + " OR bt.typtype = 'c' OR (bt.typelem >= 16384 AND bt.typlen = -1))::text, array_to_string(a.attoptions, ', ')"
                + " FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid JOIN " + NS + " n ON n.oid = c.relnamespace"
                + " JOIN pg_type ty ON ty.oid = a.atttypid JOIN pg_type bt ON bt.oid = coalesce(NULLIF(ty.typbasetype, 0), ty.oid)"
                + " LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum"
                + " LEFT JOIN pg_collation co ON co.oid = a.attcollation LEFT JOIN pg_namespace cn ON cn.oid = co.collnamespace"
                + " WHERE c.relkind IN ('r', 'p') AND a.attnum > 0 AND NOT a.attisdropped ORDER BY a.attrelid, a.attnum")) {
            columns.computeIfAbsent(column[9], k -> new ArrayList<>()).add(column);
        }
        return columns;
    }

    private static List<String[]> defineTables(Statement s, Plan plan, Map<String, List<String[]>> columns,
                                               List<Step> post, List<Step> last) throws SQLException {
        List<String[]> tables = rows(s, "SELECT c.oid, c.oid::regclass::text, c.relkind::text, c.relpersistence::text,"
                + " c.relreplident::text, quote_ident(pg_get_userbyid(c.relowner)), c.relispartition::text,"
                + " (SELECT string_agg(i.inhparent::text, ',' ORDER BY i.inhseqno) FROM pg_inherits i WHERE i.inhrelid = c.oid),"
                + " CASE WHEN c.relispartition THEN pg_get_expr(c.relpartbound, c.oid) END,"
                + " CASE WHEN c.relkind = 'p' THEN pg_get_partkeydef(c.oid) END,"
                + " array_to_string(c.reloptions, ', '), c.relrowsecurity::text, c.relforcerowsecurity::text, c.reltype,"
                + " (SELECT typarray FROM pg_type WHERE oid = c.reltype)"
                + " FROM pg_class c JOIN " + NS + " n ON n.oid = c.relnamespace"
                + " WHERE c.relkind IN ('r', 'p') AND NOT " + extensionMember("pg_class", "c.oid") + " ORDER BY c.oid");
        Map<String, String> names = new HashMap<>();
        tables.forEach(table -> names.put(table[0], table[1]));
        for (String[] table : tables) {
            String name = table[1];
            List<String> parents = table[7] == null ? List.of() : List.of(table[7].split(","));
            Map<String, String[]> inherited = new HashMap<>();
            for (String parent : parents) {
                for (String[] column : columns.getOrDefault(parent, List.of())) {
                    inherited.putIfAbsent(column[7], column);
                }
            }
            List<String> definitions = new ArrayList<>();
            List<String> statements = new ArrayList<>();
            for (String[] column : columns.getOrDefault(table[0], List.of())) {
                String[] parent = inherited.get(column[7]);
                if (parent == null || "true".equals(column[8]) && !"true".equals(table[6])) {
                    definitions.add(columnDefinition(column));
                } else {
                    // inherited from the parent: keep what this table changed
                    if (column[3] != null && column[5].isEmpty() && !Objects.equals(column[3], parent[3])) {
                        statements.add("ALTER TABLE ONLY " + name + " ALTER COLUMN " + column[0] + " SET DEFAULT " + column[3]);
                    }
                    if ("true".equals(column[2]) && !"true".equals(parent[2])) {
                        statements.add("ALTER TABLE ONLY " + name + " ALTER COLUMN " + column[0] + " SET NOT NULL");
                    }
                }
                if (column[10] != null) {
                    plan.alias.put(new Ref("pg_attrdef", Long.parseLong(column[10])), new Ref("pg_class", Long.parseLong(table[0])));
                }
                if (column[11] != null) {
                    statements.add("ALTER TABLE ONLY " + name + " ALTER COLUMN " + column[0] + " SET STORAGE "
                            + switch (column[11]) { case "p" -> "PLAIN"; case "e" -> "EXTERNAL"; case "m" -> "MAIN"; default -> "EXTENDED"; });
                }
                if (column[12] != null) {
                    statements.add("ALTER TABLE ONLY " + name + " ALTER COLUMN " + column[0] + " SET COMPRESSION "
                            + ("l".equals(column[12]) ? "lz4" : "pglz"));
                }
                if (column[13] != null) {
                    statements.add("ALTER TABLE ONLY " + name + " ALTER COLUMN " + column[0] + " SET STATISTICS " + column[13]);
                }
                if (column[15] != null) {
                    statements.add("ALTER TABLE ONLY " + name + " ALTER COLUMN " + column[0] + " SET (" + column[15] + ")");
                }
                if (!column[4].isEmpty()) {
                    post.add(identity(s, name, column, "p".equals(table[2])));
                }
            }
            StringBuilder create = new StringBuilder("CREATE ").append("u".equals(table[3]) ? "UNLOGGED " : "")
                    .append("TABLE ").append(name);
            if ("true".equals(table[6])) {
                create.append(" PARTITION OF ").append(names.get(parents.get(0))).append(' ').append(table[8]);
            } else {
                create.append(" (").append(String.join(", ", definitions)).append(")");
                if (!parents.isEmpty()) {
                    create.append(" INHERITS (").append(String.join(", ", parents.stream().map(names::get).toList())).append(")");
                }
            }
            if (table[9] != null) {
                create.append(" PARTITION BY ").append(table[9]);
            }
            if (table[10] != null && !table[10].isEmpty()) {
                create.append(" WITH (").append(table[10]).append(")");
            }
            statements.add(0, create.toString());
            plan.define(TABLE, Long.parseLong(table[0]), "pg_class", new Step("table " + name, statements),
                    new Ref("pg_type", Long.parseLong(table[13])), new Ref("pg_type", Long.parseLong(table[14])));
            switch (table[4]) {
                case "f" -> post.add(new Step("replica identity of " + name, "ALTER TABLE ONLY " + name + " REPLICA IDENTITY FULL"));
                case "n" -> post.add(new Step("replica identity of " + name, "ALTER TABLE ONLY " + name + " REPLICA IDENTITY NOTHING"));
                default -> {
                }
            }
            if ("true".equals(table[11])) {
                post.add(new Step("row level security of " + name, "ALTER TABLE " + name + " ENABLE ROW LEVEL SECURITY"));
            }
            if ("true".equals(table[12])) {
                post.add(new Step("row level security of " + name, "ALTER TABLE " + name + " FORCE ROW LEVEL SECURITY"));
            }
            last.add(new Step("owner of table " + name, "ALTER TABLE " + name + " OWNER TO " + table[5]));
        }
        return tables;
    }

    private static String columnDefinition(String[] column) {
        StringBuilder definition = new StringBuilder(column[0]).append(' ').append(column[1]);
        if (column[6] != null) {
            definition.append(" COLLATE ").append(column[6]);
        }
        if ("s".equals(column[5])) {
            definition.append(" GENERATED ALWAYS AS (").append(column[3]).append(") STORED");
        } else if (column[3] != null) {
            definition.append(" DEFAULT ").append(column[3]);
        }
        if ("true".equals(column[2])) {
            definition.append(" NOT NULL");
        }
        return definition.toString();
    }

    /** A partitioned table's identity is added to it and its partitions (17 refuses it on the parent alone). */
    private static Step identity(Statement s, String table, String[] column, boolean partitioned) throws SQLException {
        String[] sequence = rows(s, "SELECT format_type(q.seqtypid, NULL), q.seqstart, q.seqincrement,"
                + " q.seqmin, q.seqmax, q.seqcache, q.seqcycle, q.seqrelid::regclass::text FROM pg_sequence q WHERE q.seqrelid = "
                + "pg_get_serial_sequence(" + literal(table) + ", " + literal(column[7]) + ")::regclass").get(0);
        return new Step("identity column " + table + "." + column[0], "ALTER TABLE " + (partitioned ? "" : "ONLY ") + table
                + " ALTER COLUMN " + column[0]
                + " ADD GENERATED " + ("a".equals(column[4]) ? "ALWAYS" : "BY DEFAULT") + " AS IDENTITY (SEQUENCE NAME "
                + sequence[7] + sequenceOptions(sequence, 1) + ")");
    }

    /** Views and materialized views (created empty); answers the materialized views to refresh, in order. */
    private static List<String[]> defineViews(Statement s, Plan plan, List<Step> last) throws SQLException {
        List<String[]> refresh = new ArrayList<>();
        List<String[]> views = rows(s, "SELECT c.oid::regclass::text, c.relkind::text, pg_get_viewdef(c.oid),"
                + " array_to_string(c.reloptions, ', '), c.relispopulated::text, quote_ident(pg_get_userbyid(c.relowner)),"
                + " c.oid, c.reltype, (SELECT typarray FROM pg_type WHERE oid = c.reltype),"
                + " (SELECT r.oid FROM pg_rewrite r WHERE r.ev_class = c.oid AND r.rulename = '_RETURN')"
                + " FROM pg_class c JOIN " + NS + " n ON n.oid = c.relnamespace WHERE c.relkind IN ('v', 'm')"
                + " AND NOT " + extensionMember("pg_class", "c.oid") + " ORDER BY c.oid");
        Map<Ref, String[]> byRef = new HashMap<>();
        for (String[] row : views) {
            boolean materialized = "m".equals(row[1]);
            String options = row[3] == null || row[3].isEmpty() ? "" : " WITH (" + row[3] + ")";
            String query = row[2].strip().replaceAll(";$", "");
            String kind = materialized ? "MATERIALIZED VIEW " : "VIEW ";
            plan.define(VIEW, Long.parseLong(row[6]), "pg_class", new Step(kind.toLowerCase() + row[0],
                            "CREATE " + kind + row[0] + options + " AS " + query + (materialized ? " WITH NO DATA" : "")),
                    new Ref("pg_type", Long.parseLong(row[7])), new Ref("pg_type", Long.parseLong(row[8])),
                    new Ref("pg_rewrite", Long.parseLong(row[9])));
            byRef.put(new Ref("pg_class", Long.parseLong(row[6])), row);
            last.add(new Step("owner of " + kind.toLowerCase() + row[0], "ALTER " + kind + row[0] + " OWNER TO " + row[5]));
        }
        // refreshed in creation order, which puts a materialized view after those it reads
        List<Node<String[]>> nodes = new ArrayList<>();
        for (String[] row : views) {
            if ("m".equals(row[1]) && "true".equals(row[4])) {
                nodes.add(new Node<>(row, 0, Long.parseLong(row[6]), Set.of(new Ref("pg_class", Long.parseLong(row[6])),
                        new Ref("pg_rewrite", Long.parseLong(row[9])))));
            }
        }
        if (!nodes.isEmpty()) {
            List<Edge> edges = new ArrayList<>();
            for (String[] d : rows(s, "SELECT 'pg_rewrite', d.objid, d.refobjid FROM pg_depend d JOIN pg_class c ON c.oid = d.refobjid"
                    + " WHERE d.classid = 'pg_rewrite'::regclass AND d.refclassid = 'pg_class'::regclass AND c.relkind = 'm'")) {
                edges.add(new Edge(new Ref("pg_rewrite", Long.parseLong(d[1])), new Ref("pg_class", Long.parseLong(d[2]))));
            }
            refresh.addAll(DependencyOrder.sort(nodes, edges));
        }
        return refresh;
    }

    /**
     * Views that need a primary key or unique constraint (a GROUP BY on the key lets them select the table's other
     * columns), and the views built on them: they are created once the constraints exist, after the rows. Empty
     * when anything other than a view would have to wait too: the copy then fails on that view, naming it.
     */
    private static List<Step> afterKeys(Statement s, List<Node<Step>> definitions, List<Edge> edges) throws SQLException {
        Set<Ref> keys = new HashSet<>();
        for (String[] row : rows(s, "SELECT oid FROM pg_constraint WHERE contype IN ('p', 'u', 'x') AND oid >= 16384")) {
            keys.add(new Ref("pg_constraint", Long.parseLong(row[0])));
        }
        Map<Ref, Node<Step>> owner = new HashMap<>();
        definitions.forEach(node -> node.refs().forEach(ref -> owner.putIfAbsent(ref, node)));
        Set<Node<Step>> waiting = new HashSet<>();
        for (Edge edge : edges) {
            if (keys.contains(edge.referenced()) && owner.containsKey(edge.dependent())) {
                waiting.add(owner.get(edge.dependent()));
            }
        }
        boolean grew = !waiting.isEmpty();
        while (grew) {
            grew = false;
            for (Edge edge : edges) {
                Node<Step> referenced = owner.get(edge.referenced());
                Node<Step> dependent = owner.get(edge.dependent());
                if (referenced != null && dependent != null && waiting.contains(referenced) && waiting.add(dependent)) {
                    grew = true;
                }
            }
        }
        if (waiting.stream().anyMatch(node -> !node.value().statements().get(0).startsWith("CREATE VIEW "))) {
            return List.of();
        }
        return DependencyOrder.sort(new ArrayList<>(waiting), edges);
    }

    private static void definePostData(Statement s, List<Step> post, List<Step> afterKeys) throws SQLException {
        String ofUserTable = " JOIN pg_class c ON c.oid = %s JOIN " + NS + " n ON n.oid = c.relnamespace WHERE NOT "
                + extensionMember("pg_class", "c.oid");
        List<Step> foreignKeys = new ArrayList<>();
        List<Step> checks = new ArrayList<>();
        for (String[] row : rows(s, "SELECT con.conrelid::regclass::text, quote_ident(con.conname), pg_get_constraintdef(con.oid),"
                + " con.contype::text, (con.conparentid <> 0)::text, con.conislocal::text, c.relkind::text FROM pg_constraint con"
                + ofUserTable.formatted("con.conrelid") + " AND con.contype IN ('p', 'u', 'x', 'c', 'f') ORDER BY con.oid")) {
            String what = "constraint " + row[1] + " on " + row[0];
            String only = "p".equals(row[6]) ? " " : " ONLY ";
            switch (row[3]) {
                case "f" -> {
                    if ("false".equals(row[4])) {
                        foreignKeys.add(new Step(what, "ALTER TABLE" + only + row[0] + " ADD CONSTRAINT " + row[1] + " " + row[2]));
                    }
                }
                case "c" -> {
                    if ("true".equals(row[5])) { // inherited ones come with their parent's
                        checks.add(new Step(what, "ALTER TABLE " + row[0] + " ADD CONSTRAINT " + row[1] + " " + row[2]));
                    }
                }
                default -> post.add(new Step(what, "ALTER TABLE ONLY " + row[0] + " ADD CONSTRAINT " + row[1] + " " + row[2]));
            }
        }
        post.addAll(checks);
        post.addAll(afterKeys);
        for (String[] row : rows(s, "SELECT i.indexrelid::regclass::text, pg_get_indexdef(i.indexrelid), i.indisclustered::text,"
                + " i.indrelid::regclass::text FROM pg_index i" + ofUserTable.formatted("i.indrelid")
                + " AND NOT EXISTS (SELECT 1 FROM pg_constraint k WHERE k.conindid = i.indexrelid"
                + " AND k.conrelid = i.indrelid AND k.contype IN ('p', 'u', 'x')) ORDER BY i.indexrelid")) {
            post.add(new Step("index " + row[0], row[1]));
        }
        for (String[] row : rows(s, "SELECT i.inhparent::regclass::text, i.inhrelid::regclass::text FROM pg_inherits i"
                + ofUserTable.formatted("i.inhrelid") + " AND c.relkind IN ('i', 'I') ORDER BY i.inhrelid")) {
            post.add(new Step("index " + row[1] + " as a partition of " + row[0],
                    "ALTER INDEX " + row[0] + " ATTACH PARTITION " + row[1]));
        }
        for (String[] row : rows(s, "SELECT i.indrelid::regclass::text, (SELECT quote_ident(relname) FROM pg_class WHERE oid = i.indexrelid),"
                + " i.indisclustered::text, i.indisreplident::text FROM pg_index i" + ofUserTable.formatted("i.indrelid")
                + " AND (i.indisclustered OR i.indisreplident) ORDER BY i.indexrelid")) {
            String indexName = row[1];
            if ("true".equals(row[2])) {
                post.add(new Step("clustering of " + row[0], "ALTER TABLE " + row[0] + " CLUSTER ON " + indexName));
            }
            if ("true".equals(row[3])) {
                post.add(new Step("replica identity of " + row[0], "ALTER TABLE ONLY " + row[0] + " REPLICA IDENTITY USING INDEX " + indexName));
            }
        }
        post.addAll(foreignKeys);
        for (String[] row : rows(s, "SELECT pg_get_triggerdef(tg.oid), tg.tgenabled::text, quote_ident(tg.tgname),"
                + " tg.tgrelid::regclass::text, (tg.tgparentid <> 0)::text FROM pg_trigger tg" + ofUserTable.formatted("tg.tgrelid")
                + " AND NOT tg.tgisinternal ORDER BY tg.tgparentid <> 0, tg.oid")) {
            List<String> statements = new ArrayList<>();
            if ("false".equals(row[4])) {
                statements.add(row[0]); // clones on partitions come with their parent's
            }
            String enable = enabling(row[1], "TRIGGER ");
            if (enable != null) {
                statements.add("ALTER TABLE " + ("true".equals(row[4]) ? "ONLY " : "") + row[3] + " " + enable + row[2]);
            }
            post.add(new Step("trigger " + row[2] + " on " + row[3], statements));
        }
        for (String[] row : rows(s, "SELECT pg_get_ruledef(r.oid), r.ev_enabled::text, quote_ident(r.rulename),"
                + " r.ev_class::regclass::text FROM pg_rewrite r" + ofUserTable.formatted("r.ev_class")
                + " AND r.rulename <> '_RETURN' ORDER BY r.oid")) {
            List<String> statements = new ArrayList<>();
            statements.add(row[0].strip().replaceAll(";$", ""));
            String enable = enabling(row[1], "RULE ");
            if (enable != null) {
                statements.add("ALTER TABLE " + row[3] + " " + enable + row[2]);
            }
            post.add(new Step("rule " + row[2] + " on " + row[3], statements));
        }
        for (String[] row : rows(s, "SELECT quote_ident(p.polname), p.polrelid::regclass::text, p.polpermissive::text, p.polcmd::text,"
                + " (SELECT string_agg(CASE WHEN r = 0 THEN 'PUBLIC' ELSE quote_ident(pg_get_userbyid(r)) END, ', ')"
                + " FROM unnest(p.polroles) r), pg_get_expr(p.polqual, p.polrelid), pg_get_expr(p.polwithcheck, p.polrelid)"
                + " FROM pg_policy p" + ofUserTable.formatted("p.polrelid") + " ORDER BY p.oid")) {
            String command = switch (row[3]) {
                case "r" -> "SELECT";
                case "a" -> "INSERT";
                case "w" -> "UPDATE";
                case "d" -> "DELETE";
                default -> "ALL";
            };
            post.add(new Step("policy " + row[0] + " on " + row[1], "CREATE POLICY " + row[0] + " ON " + row[1]
                    + " AS " + ("true".equals(row[2]) ? "PERMISSIVE" : "RESTRICTIVE") + " FOR " + command + " TO " + row[4]
                    + (row[5] == null ? "" : " USING (" + row[5] + ")") + (row[6] == null ? "" : " WITH CHECK (" + row[6] + ")")));
        }
        for (String[] row : rows(s, "SELECT pg_get_statisticsobjdef(x.oid), format('%I.%I', n.nspname, x.stxname),"
                + " coalesce(to_jsonb(x)->>'stxstattarget', '-1'), quote_ident(pg_get_userbyid(x.stxowner))"
                + " FROM pg_statistic_ext x JOIN " + NS + " n ON n.oid = x.stxnamespace"
                + " WHERE NOT " + extensionMember("pg_statistic_ext", "x.oid") + " ORDER BY x.oid")) {
            List<String> statements = new ArrayList<>();
            statements.add(row[0]);
            if (Integer.parseInt(row[2]) >= 0) {
                statements.add("ALTER STATISTICS " + row[1] + " SET STATISTICS " + row[2]);
            }
            statements.add("ALTER STATISTICS " + row[1] + " OWNER TO " + row[3]);
            post.add(new Step("statistics " + row[1], statements));
        }
        for (String[] row : rows(s, "SELECT p.oid::text, quote_ident(p.pubname), p.puballtables::text,"
                + " concat_ws(', ', CASE WHEN p.pubinsert THEN 'insert' END, CASE WHEN p.pubupdate THEN 'update' END,"
                + " CASE WHEN p.pubdelete THEN 'delete' END, CASE WHEN p.pubtruncate THEN 'truncate' END),"
                + " p.pubviaroot::text, quote_ident(pg_get_userbyid(p.pubowner)) FROM pg_publication p ORDER BY p.oid")) {
            List<String> members = new ArrayList<>();
            rows(s, "SELECT prrelid::regclass::text FROM pg_publication_rel WHERE prpubid = " + row[0])
                    .forEach(member -> members.add(member[0]));
            String scope = "true".equals(row[2]) ? " FOR ALL TABLES"
                    : members.isEmpty() ? "" : " FOR TABLE " + String.join(", ", members);
            post.add(new Step("publication " + row[1], "CREATE PUBLICATION " + row[1] + scope + " WITH (publish = "
                    + literal(row[3]) + ", publish_via_partition_root = " + row[4] + ")",
                    "ALTER PUBLICATION " + row[1] + " OWNER TO " + row[5]));
        }
    }

    private static String enabling(String state, String what) {
        return switch (state) {
            case "D" -> "DISABLE " + what;
            case "R" -> "ENABLE REPLICA " + what;
            case "A" -> "ENABLE ALWAYS " + what;
            default -> null;
        };
    }

    private static void definePrivilegesAndComments(Statement s, List<Step> last) throws SQLException {
        String aclEntry = " quote_ident(pg_get_userbyid(e.grantor)), CASE WHEN e.grantee = 0 THEN 'PUBLIC'"
                + " ELSE quote_ident(pg_get_userbyid(e.grantee)) END, e.privilege_type, e.is_grantable::text";
        String userRelation = " JOIN " + NS + " n ON n.oid = c.relnamespace WHERE NOT " + extensionMember("pg_class", "c.oid");
        Map<List<String>, List<Privileges.Entry>> acls = new LinkedHashMap<>();
        for (String[] row : rows(s, "SELECT x.kind, x.name, x.col, x.owner," + aclEntry + " FROM ("
                + "SELECT 'SCHEMA' AS kind, quote_ident(n.nspname) AS name, NULL AS col, p.nspowner AS owner, p.nspacl AS acl, 1 AS o, n.oid::bigint AS position"
                + " FROM " + NS + " n JOIN pg_namespace p ON p.oid = n.oid WHERE p.nspacl IS NOT NULL"
                + " UNION ALL SELECT 'TYPE', format_type(t.oid, NULL), NULL, t.typowner, t.typacl, 2, t.oid::bigint FROM pg_type t JOIN " + NS
                + " n ON n.oid = t.typnamespace WHERE t.typacl IS NOT NULL AND NOT " + extensionMember("pg_type", "t.oid")
                + " UNION ALL SELECT 'ROUTINE', p.oid::regprocedure::text, NULL, p.proowner, p.proacl, 3, p.oid::bigint FROM pg_proc p JOIN " + NS
                + " n ON n.oid = p.pronamespace WHERE p.proacl IS NOT NULL AND p.proname <> '" + AURORA_FUNCTION + "' AND NOT "
                + extensionMember("pg_proc", "p.oid")
                + " UNION ALL SELECT CASE WHEN c.relkind = 'S' THEN 'SEQUENCE' ELSE 'TABLE' END, c.oid::regclass::text, NULL,"
                + " c.relowner, c.relacl, 4, c.oid::bigint FROM pg_class c" + userRelation + " AND c.relacl IS NOT NULL AND c.relkind IN ('r', 'p', 'v', 'm', 'S')"
                + " UNION ALL SELECT 'TABLE', c.oid::regclass::text, quote_ident(a.attname), c.relowner, a.attacl, 5, c.oid::bigint * 10000 + a.attnum"
                + " FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid" + userRelation
                + " AND a.attacl IS NOT NULL AND a.attnum > 0 AND NOT a.attisdropped"
                + ") x LEFT JOIN LATERAL aclexplode(x.acl) e ON true ORDER BY x.o, x.position")) {
            List<Privileges.Entry> entries = acls.computeIfAbsent(List.of(row[0], row[1], Objects.toString(row[2], ""),
                    row[3]), k -> new ArrayList<>());
            if (row[5] != null) {
                entries.add(new Privileges.Entry(row[4], row[5], row[6], "true".equals(row[7])));
            }
        }
        Map<String, String> roleNames = new HashMap<>();
        rows(s, "SELECT oid, quote_ident(rolname) FROM pg_authid").forEach(r -> roleNames.put(r[0], r[1]));
        acls.forEach((object, entries) -> last.add(new Step("privileges on " + object.get(0).toLowerCase() + " " + object.get(1),
                Privileges.statements(object.get(0), object.get(1), object.get(2).isEmpty() ? null : object.get(2),
                        roleNames.get(object.get(3)), entries))));

        Map<List<String>, List<Privileges.Entry>> defaults = new LinkedHashMap<>();
        for (String[] row : rows(s, "SELECT quote_ident(pg_get_userbyid(d.defaclrole)), quote_ident(n.nspname),"
                + " CASE d.defaclobjtype WHEN 'r' THEN 'TABLES' WHEN 'S' THEN 'SEQUENCES' WHEN 'f' THEN 'FUNCTIONS'"
                + " WHEN 'T' THEN 'TYPES' WHEN 'n' THEN 'SCHEMAS' END," + aclEntry
                + " FROM pg_default_acl d LEFT JOIN pg_namespace n ON n.oid = d.defaclnamespace"
                + " LEFT JOIN LATERAL aclexplode(d.defaclacl) e ON true ORDER BY d.oid")) {
            List<Privileges.Entry> entries = defaults.computeIfAbsent(java.util.Arrays.asList(row[0], row[1], row[2]),
                    k -> new ArrayList<>());
            if (row[4] != null) {
                entries.add(new Privileges.Entry(row[3], row[4], row[5], "true".equals(row[6])));
            }
        }
        defaults.forEach((d, entries) -> last.add(new Step("default privileges of " + d.get(0) + " on " + d.get(2),
                Privileges.defaults(d.get(0), d.get(1), d.get(2), entries))));

        for (String[] row : rows(s, "SELECT o.type, CASE WHEN d.classoid = 'pg_constraint'::regclass AND k.contypid <> 0"
                + " THEN quote_ident(k.conname) || ' ON DOMAIN ' || format_type(k.contypid, NULL) ELSE o.identity END, d.description"
                + " FROM pg_description d CROSS JOIN LATERAL pg_identify_object(d.classoid, d.objoid, d.objsubid) o"
                + " LEFT JOIN pg_constraint k ON d.classoid = 'pg_constraint'::regclass AND k.oid = d.objoid"
                + " WHERE (d.objoid >= 16384 OR d.classoid = 'pg_namespace'::regclass AND d.objoid = 2200)"
                + " AND coalesce(o.schema, '') NOT IN ('pg_catalog', 'information_schema')"
                + " AND NOT EXISTS (SELECT 1 FROM pg_depend x WHERE x.classid = d.classoid AND x.objid = d.objoid AND x.deptype = 'e')"
                + " AND NOT (d.classoid = 'pg_proc'::regclass AND d.objoid IN (SELECT oid FROM pg_proc WHERE proname = '"
                + AURORA_FUNCTION + "'))"
                + " ORDER BY d.classoid, d.objoid, d.objsubid")) {
            String kind = switch (row[0]) {
                case "table column", "view column", "materialized view column", "composite type column" -> "COLUMN";
                case "table constraint", "domain constraint" -> "CONSTRAINT";
                case "statistics object" -> "STATISTICS";
                case "table", "view", "materialized view", "index", "sequence", "schema", "extension", "collation",
                        "function", "procedure", "trigger", "policy", "rule", "publication", "type", "domain" ->
                        row[0].toUpperCase();
                case "composite type" -> "TYPE";
                default -> throw new IllegalStateException("The comment on " + row[0] + " " + row[1]
                        + " cannot be carried by the local upgrade: drop it or the object, or upgrade elsewhere");
            };
            last.add(new Step("comment on " + row[0] + " " + row[1], "COMMENT ON " + kind + " " + row[1] + " IS " + literal(row[2])));
        }
    }

    /**
     * Fails naming the relation when a table, view or composite type came out with its columns in another order
     * than on the source (an inherited table whose columns CREATE TABLE ... INHERITS cannot order as they were).
     */
    private static void checkColumnOrder(Statement s, Statement t, String database) throws SQLException {
        String sql = "SELECT c.oid::regclass::text, string_agg(quote_ident(a.attname), ', ' ORDER BY a.attnum)"
                + " FROM pg_class c JOIN " + NS + " n ON n.oid = c.relnamespace JOIN pg_attribute a ON a.attrelid = c.oid"
                + " WHERE c.relkind IN ('r', 'p', 'v', 'm', 'c') AND a.attnum > 0 AND NOT a.attisdropped"
                + " AND NOT " + extensionMember("pg_class", "c.oid") + " GROUP BY c.oid";
        Map<String, String> created = new HashMap<>();
        rows(t, sql).forEach(row -> created.put(row[0], row[1]));
        for (String[] row : rows(s, sql)) {
            if (!row[1].equals(created.get(row[0]))) {
                throw new IllegalStateException("Database " + database + ": " + row[0] + " has its columns (" + row[1]
                        + ") in another order on the upgraded server (" + created.get(row[0]) + "); recreate it with"
                        + " its inherited columns first, or upgrade elsewhere");
            }
        }
    }

    private static void execute(Statement target, String what, List<String> statements) throws SQLException {
        for (String statement : statements) {
            try {
                target.execute(statement);
            } catch (SQLException e) {
                throw new SQLException("could not create " + what + ": " + e.getMessage(), e.getSQLState(), e);
            }
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

    private static void copyRows(Connection src, Connection tgt, String table, List<String[]> columns) throws SQLException {
        boolean asText = columns.stream().anyMatch(column -> "true".equals(column[14]));
        List<String> copied = columns.stream().filter(column -> !"s".equals(column[5])).map(column -> column[0]).toList();
        if (copied.isEmpty()) { // no column, or only generated ones: the rows are all alike, only their number counts
            try (Statement s = src.createStatement(); ResultSet rs = s.executeQuery("SELECT count(*) FROM ONLY " + table);
                 Statement t = tgt.createStatement()) {
                rs.next();
                t.execute("INSERT INTO " + table + " SELECT FROM generate_series(1, " + rs.getLong(1) + ")");
            }
            return;
        }
        String list = String.join(", ", copied);
        String format = asText ? "" : " (FORMAT binary)";
        CopyManager out = src.unwrap(PGConnection.class).getCopyAPI();
        CopyManager in = tgt.unwrap(PGConnection.class).getCopyAPI();
        CopyOut reader = out.copyOut("COPY (SELECT " + list + " FROM ONLY " + table + ") TO STDOUT" + format);
        CopyIn writer = in.copyIn("COPY " + table + " (" + list + ") FROM STDIN" + format);
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
