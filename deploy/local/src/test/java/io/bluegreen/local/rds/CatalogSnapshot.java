package io.bluegreen.local.rds;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Every user object of one database (or the cluster's roles and databases) as {@code "kind name" -> description},
 * read from the catalog with the same queries on both servers, so that a source and its upgraded copy can be
 * compared object by object. Written independently of {@link SchemaCopy}'s own queries.
 *
 * <p>Normalised, narrowly: ACLs are compared as sorted sets of aclitems (their order in the array carries no
 * meaning and depends on the order of the GRANTs); PostgreSQL 17 catalogs a domain's NOT NULL as a pg_constraint
 * row ({@code contype = 'n'}) that 16 keeps only in {@code pg_type.typnotnull}, which is compared with the type;
 * {@code attstattarget} and {@code stxstattarget} say "default" as -1 on 16 and NULL on 17. A multirange type's
 * owner is not compared: 17's ALTER TYPE ... OWNER on a range moves its multirange along, 16's leaves the multirange
 * with its creator, and neither lets the multirange be altered on its own. {@code connoinherit} is compared for
 * CHECK constraints only: for an index-backed constraint of a partition it records whether the constraint was made
 * by recursion from the parent (false) or on the partition and then attached (true, as {@code pg_dump} restores
 * it too), never what is inherited. A routine's {@code pg_get_functiondef} does not round-trip an unnamed output
 * column of a {@code BEGIN ATOMIC} body: recreated from it, the column is named after its cast and printed as
 * {@code 'EU'::text AS text} (16 and 17 alike), which is taken out before comparing.
 */
final class CatalogSnapshot {

    private static final String USER_NS = "(SELECT oid FROM pg_namespace WHERE nspname NOT IN ('pg_catalog',"
            + " 'information_schema', 'pg_toast') AND nspname !~ '^pg_(toast_)?temp_')";

    private CatalogSnapshot() {
    }

    private static String notExtension(String catalog, String oid) {
        return " NOT EXISTS (SELECT 1 FROM pg_depend e WHERE e.classid = '" + catalog + "'::regclass AND e.objid = " + oid
                + " AND e.deptype = 'e') ";
    }

    private static String acl(String column) {
        return "(SELECT string_agg(x::text, ',' ORDER BY x::text) FROM unnest(" + column + ") x)";
    }

    private static String collation(String oid) {
        return "(SELECT format('%I.%I', cn.nspname, co.collname) FROM pg_collation co JOIN pg_namespace cn"
                + " ON cn.oid = co.collnamespace WHERE co.oid = " + oid + ")";
    }

    /** One database: definitions, owners, privileges, comments, row counts and a checksum per table. */
    static SortedMap<String, String> database(Connection connection) throws SQLException {
        String userRel = " FROM pg_class c WHERE c.relnamespace IN " + USER_NS + " AND" + notExtension("pg_class", "c.oid");
        List<String> queries = List.of(
                "SELECT 'schema ' || quote_ident(n.nspname), ROW(pg_get_userbyid(n.nspowner), " + acl("n.nspacl") + ")::text"
                        + " FROM pg_namespace n WHERE n.oid IN " + USER_NS,
                "SELECT 'extension ' || x.extname, ROW(x.extversion, x.extnamespace::regnamespace)::text FROM pg_extension x",
                "SELECT 'collation ' || format('%I.%I', n.nspname, c.collname), ROW(c.collprovider, c.collcollate, c.collctype,"
                        + " coalesce(to_jsonb(c)->>'colllocale', to_jsonb(c)->>'colliculocale'), to_jsonb(c)->>'collicurules',"
                        + " c.collisdeterministic, pg_get_userbyid(c.collowner))::text FROM pg_collation c"
                        + " JOIN pg_namespace n ON n.oid = c.collnamespace WHERE n.oid IN " + USER_NS + " AND" + notExtension("pg_collation", "c.oid"),
                "SELECT 'type ' || format_type(t.oid, NULL), ROW(t.typtype,"
                        + " CASE WHEN t.typtype <> 'm' THEN pg_get_userbyid(t.typowner) END, " + acl("t.typacl") + ","
                        + " (SELECT string_agg(e.enumlabel, ',' ORDER BY e.enumsortorder) FROM pg_enum e WHERE e.enumtypid = t.oid),"
                        + " CASE WHEN t.typbasetype <> 0 THEN format_type(t.typbasetype, t.typtypmod) END, t.typnotnull,"
                        + " pg_get_expr(t.typdefaultbin, 0), " + collation("t.typcollation") + ", r.rngsubtype::regtype,"
                        + " r.rngsubopc::regclass, " + collation("r.rngcollation") + ", r.rngsubdiff::regproc, r.rngcanonical::regproc,"
                        + " format_type(r.rngmultitypid, NULL))::text FROM pg_type t LEFT JOIN pg_range r ON r.rngtypid = t.oid"
                        + " WHERE t.typnamespace IN " + USER_NS + " AND" + notExtension("pg_type", "t.oid")
                        + " AND t.typcategory <> 'A' AND (t.typrelid = 0 OR (SELECT relkind FROM pg_class WHERE oid = t.typrelid) = 'c')",
                "SELECT 'relation ' || c.oid::regclass, ROW(c.relkind, c.relpersistence, pg_get_userbyid(c.relowner),"
                        + " c.relrowsecurity, c.relforcerowsecurity, c.relispartition, pg_get_expr(c.relpartbound, c.oid),"
                        + " CASE WHEN c.relkind = 'p' THEN pg_get_partkeydef(c.oid) END, c.reloptions, c.relreplident,"
                        + " c.relispopulated, (SELECT string_agg(i.inhparent::regclass::text, ',' ORDER BY i.inhseqno)"
                        + " FROM pg_inherits i WHERE i.inhrelid = c.oid), " + acl("c.relacl") + ","
                        + " CASE WHEN c.relkind IN ('v', 'm') THEN pg_get_viewdef(c.oid) END)::text"
                        + userRel + " AND c.relkind IN ('r', 'p', 'v', 'm', 'S', 'c', 'f')",
                "SELECT 'column ' || c.oid::regclass || '.' || quote_ident(a.attname), ROW("
                        + " row_number() OVER (PARTITION BY c.oid ORDER BY a.attnum), format_type(a.atttypid, a.atttypmod),"
                        // 17 gives a partitioned table's partitions its identity (one sequence); 16 keeps it on the parent
                        + " a.attnotnull, pg_get_expr(d.adbin, d.adrelid), CASE WHEN c.relispartition THEN '' ELSE a.attidentity END,"
                        + " a.attgenerated, " + collation("a.attcollation") + ","
                        + " a.attislocal, a.attinhcount, " + acl("a.attacl") + ", a.attstorage, a.attcompression,"
                        + " CASE WHEN a.attstattarget >= 0 THEN a.attstattarget END, a.attoptions)::text"
                        + " FROM pg_class c JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped"
                        + " LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum"
                        + " WHERE c.relnamespace IN " + USER_NS + " AND" + notExtension("pg_class", "c.oid") + " AND c.relkind IN ('r', 'p', 'v', 'm', 'c')",
                "SELECT 'constraint ' || quote_ident(k.conname) || ' on ' || CASE WHEN k.conrelid <> 0 THEN k.conrelid::regclass::text ELSE format_type(k.contypid, NULL) END"
                        + " || CASE WHEN k.contype = 'f' THEN ' -> ' || k.confrelid::regclass ELSE '' END,"
                        + " ROW(k.contype, pg_get_constraintdef(k.oid), k.condeferrable, k.condeferred, k.convalidated, k.conislocal,"
                        + " k.coninhcount, CASE WHEN k.contype = 'c' THEN k.connoinherit END, (SELECT p.conname || ' on ' || p.conrelid::regclass FROM pg_constraint p"
                        + " WHERE p.oid = k.conparentid), (SELECT ic.oid::regclass FROM pg_class ic WHERE ic.oid = k.conindid))::text"
                        + " FROM pg_constraint k WHERE k.contype <> 'n' AND k.connamespace IN " + USER_NS
                        + " AND NOT EXISTS (SELECT 1 FROM pg_depend e WHERE e.deptype = 'e' AND e.objid IN (k.conrelid, k.contypid))",
                "SELECT 'index ' || i.indexrelid::regclass, ROW(pg_get_indexdef(i.indexrelid), i.indisunique, i.indisprimary,"
                        + " i.indisclustered, i.indisreplident, i.indisvalid, (SELECT h.inhparent::regclass FROM pg_inherits h"
                        + " WHERE h.inhrelid = i.indexrelid))::text FROM pg_index i JOIN pg_class c ON c.oid = i.indrelid"
                        + " WHERE c.relnamespace IN " + USER_NS + " AND" + notExtension("pg_class", "c.oid"),
                "SELECT 'sequence ' || q.seqrelid::regclass, ROW(format_type(q.seqtypid, NULL), q.seqstart, q.seqincrement, q.seqmax,"
                        + " q.seqmin, q.seqcache, q.seqcycle, pg_sequence_last_value(q.seqrelid),"
                        + " (SELECT d.deptype::text || ' ' || d.refobjid::regclass || '.' || a.attname FROM pg_depend d JOIN pg_attribute a"
                        + " ON a.attrelid = d.refobjid AND a.attnum = d.refobjsubid WHERE d.classid = 'pg_class'::regclass"
                        + " AND d.objid = q.seqrelid AND d.refclassid = 'pg_class'::regclass AND d.deptype IN ('a', 'i')))::text"
                        + " FROM pg_sequence q JOIN pg_class c ON c.oid = q.seqrelid WHERE c.relnamespace IN " + USER_NS
                        + " AND" + notExtension("pg_class", "c.oid"),
                "SELECT 'routine ' || p.oid::regprocedure, ROW(p.prokind, pg_get_functiondef(p.oid), pg_get_userbyid(p.proowner), "
                        + acl("p.proacl") + ")::text FROM pg_proc p WHERE p.pronamespace IN " + USER_NS + " AND" + notExtension("pg_proc", "p.oid")
                        + " AND p.proname <> '" + SchemaCopy.AURORA_FUNCTION + "' AND p.prokind IN ('f', 'p')",
                "SELECT 'trigger ' || quote_ident(t.tgname) || ' on ' || t.tgrelid::regclass, ROW(pg_get_triggerdef(t.oid), t.tgenabled,"
                        + " t.tgparentid <> 0)::text FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid WHERE NOT t.tgisinternal"
                        + " AND c.relnamespace IN " + USER_NS,
                "SELECT 'rule ' || quote_ident(r.rulename) || ' on ' || r.ev_class::regclass, ROW(pg_get_ruledef(r.oid), r.ev_enabled)::text"
                        + " FROM pg_rewrite r JOIN pg_class c ON c.oid = r.ev_class WHERE r.rulename <> '_RETURN' AND c.relnamespace IN " + USER_NS,
                "SELECT 'policy ' || quote_ident(p.polname) || ' on ' || p.polrelid::regclass, ROW(p.polcmd, p.polpermissive,"
                        + " (SELECT string_agg(CASE WHEN r = 0 THEN 'PUBLIC' ELSE pg_get_userbyid(r)::text END, ',' ORDER BY 1)"
                        + " FROM unnest(p.polroles) r), pg_get_expr(p.polqual, p.polrelid), pg_get_expr(p.polwithcheck, p.polrelid))::text"
                        + " FROM pg_policy p",
                "SELECT 'statistics ' || format('%I.%I', x.stxnamespace::regnamespace, x.stxname), ROW(pg_get_statisticsobjdef(x.oid),"
                        + " pg_get_userbyid(x.stxowner), CASE WHEN (to_jsonb(x)->>'stxstattarget')::int >= 0 THEN to_jsonb(x)->>'stxstattarget' END)::text"
                        + " FROM pg_statistic_ext x",
                "SELECT 'publication ' || quote_ident(p.pubname), ROW(p.puballtables, p.pubinsert, p.pubupdate, p.pubdelete, p.pubtruncate,"
                        + " p.pubviaroot, pg_get_userbyid(p.pubowner), (SELECT string_agg(r.prrelid::regclass::text, ',' ORDER BY 1)"
                        + " FROM pg_publication_rel r WHERE r.prpubid = p.oid))::text FROM pg_publication p",
                "SELECT 'default privileges of ' || pg_get_userbyid(d.defaclrole) || ' in ' || coalesce(d.defaclnamespace::regnamespace::text, '*')"
                        + " || ' on ' || d.defaclobjtype::text, " + acl("d.defaclacl") + " FROM pg_default_acl d",
                "SELECT 'comment on ' || o.type || ' ' || o.identity, d.description FROM pg_description d"
                        + " CROSS JOIN LATERAL pg_identify_object(d.classoid, d.objoid, d.objsubid) o"
                        + " WHERE (d.objoid >= 16384 OR d.objoid = 2200) AND coalesce(o.schema, '') NOT IN ('pg_catalog', 'information_schema')"
                        + " AND NOT EXISTS (SELECT 1 FROM pg_depend e WHERE e.classid = d.classoid AND e.objid = d.objoid AND e.deptype = 'e')"
                        + " AND o.name IS DISTINCT FROM '" + SchemaCopy.AURORA_FUNCTION + "'");
        SortedMap<String, String> objects = new TreeMap<>();
        try (Statement s = connection.createStatement()) {
            s.execute("SET search_path = pg_catalog");
            for (String query : queries) {
                collect(s, query, objects);
            }
            objects.replaceAll((name, value) -> name.startsWith("routine ") && value.contains("BEGIN ATOMIC")
                    ? value.replaceAll("::([a-z_][a-z0-9_]*) AS \\1\\b", "::$1") : value);
            List<String> tables = new ArrayList<>();
            try (ResultSet rs = s.executeQuery("SELECT c.oid::regclass::text" + userRel
                    + " AND (c.relkind = 'r' OR c.relkind = 'm' AND c.relispopulated)")) {
                while (rs.next()) {
                    tables.add(rs.getString(1));
                }
            }
            for (String table : tables) {
                collect(s, "SELECT 'rows ' || " + SchemaCopy.literal(table) + ", ROW(count(*), md5(coalesce(string_agg(t::text, "
                        + " E'\\n' ORDER BY t::text), '')))::text FROM ONLY " + table + " t", objects);
            }
        }
        return objects;
    }

    /** The cluster's roles (a digest of their password hashes), memberships and databases. */
    static SortedMap<String, String> globals(Connection connection) throws SQLException {
        List<String> queries = List.of(
                "SELECT 'role ' || rolname, ROW(rolsuper, rolinherit, rolcreaterole, rolcreatedb, rolcanlogin, rolreplication,"
                        + " rolbypassrls, rolconnlimit, md5(rolpassword), rolvaliduntil)::text FROM pg_authid"
                        + " WHERE rolname !~ '^pg_' AND oid <> 10",
                "SELECT 'membership of ' || m.rolname || ' in ' || r.rolname || ' granted by ' || g.rolname,"
                        + " ROW(am.admin_option, to_jsonb(am)->>'inherit_option', to_jsonb(am)->>'set_option')::text"
                        + " FROM pg_auth_members am JOIN pg_authid r ON r.oid = am.roleid JOIN pg_authid m ON m.oid = am.member"
                        + " JOIN pg_authid g ON g.oid = am.grantor WHERE m.rolname !~ '^pg_' AND m.oid <> 10",
                "SELECT 'database ' || datname, ROW(pg_get_userbyid(datdba), pg_encoding_to_char(encoding), datcollate, datctype,"
                        + " datlocprovider, coalesce(to_jsonb(d)->>'datlocale', to_jsonb(d)->>'daticulocale'), to_jsonb(d)->>'daticurules', "
                        + acl("datacl") + ")::text FROM pg_database d WHERE NOT datistemplate",
                "SELECT 'comment on ' || CASE WHEN d.classoid = 'pg_authid'::regclass THEN 'role ' || pg_get_userbyid(d.objoid)"
                        + " ELSE 'database ' || (SELECT datname FROM pg_database WHERE oid = d.objoid) END, d.description"
                        + " FROM pg_shdescription d WHERE d.classoid IN ('pg_authid'::regclass, 'pg_database'::regclass)"
                        + " AND (d.classoid <> 'pg_database'::regclass OR d.objoid NOT IN (SELECT oid FROM pg_database WHERE datistemplate))");
        SortedMap<String, String> objects = new TreeMap<>();
        try (Statement s = connection.createStatement()) {
            for (String query : queries) {
                collect(s, query, objects);
            }
        }
        return objects;
    }

    /** Every difference, one line per object name; empty when both sides hold the same. */
    static List<String> differences(Map<String, String> source, Map<String, String> target) {
        List<String> differences = new ArrayList<>();
        TreeSet<String> names = new TreeSet<>(source.keySet());
        names.addAll(target.keySet());
        for (String name : names) {
            if (!target.containsKey(name)) {
                differences.add(name + ": missing on the target (source: " + source.get(name) + ")");
            } else if (!source.containsKey(name)) {
                differences.add(name + ": only on the target (" + target.get(name) + ")");
            } else if (!Objects.equals(source.get(name), target.get(name))) {
                differences.add(name + ": source " + source.get(name) + " | target " + target.get(name));
            }
        }
        return differences;
    }

    private static void collect(Statement s, String query, Map<String, String> objects) throws SQLException {
        try (ResultSet rs = s.executeQuery(query)) {
            while (rs.next()) {
                String previous = objects.put(rs.getString(1), rs.getString(2));
                if (previous != null) {
                    throw new IllegalStateException("Two objects named " + rs.getString(1) + ": the snapshot's keys must be unique");
                }
            }
        }
    }
}
