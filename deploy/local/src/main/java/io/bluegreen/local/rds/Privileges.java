package io.bluegreen.local.rds;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * GRANT statements that give a freshly created object the access control list it had on the source: from the
 * object's default ACL, revoke everything from PUBLIC and the owner, then grant each entry as its grantor (a
 * superuser's GRANT is recorded as the owner's; another grantor's is replayed under {@code SET ROLE}, after the
 * owner's grants that gave it the grant option).
 */
final class Privileges {

    /** One {@code aclexplode} row: grantee {@code PUBLIC} or a quoted role name. */
    record Entry(String grantor, String grantee, String privilege, boolean grantable) {
    }

    private Privileges() {
    }

    /**
     * For {@code kind object} ({@code TABLE sales.orders}, {@code ROUTINE sales.touch()}, {@code SCHEMA sales}...)
     * owned by {@code owner} (quoted); {@code column} (quoted) for a column's own ACL, else null.
     */
    static List<String> statements(String kind, String object, String column, String owner, List<Entry> entries) {
        List<String> statements = new ArrayList<>();
        String on = " ON " + kind + " " + object;
        if (column == null) {
            statements.add("REVOKE ALL" + on + " FROM PUBLIC, " + owner);
        }
        Map<List<Object>, List<String>> grouped = new LinkedHashMap<>();
        entries.stream().filter(e -> e.grantor().equals(owner)).forEach(e -> group(grouped, e));
        entries.stream().filter(e -> !e.grantor().equals(owner)).forEach(e -> group(grouped, e));
        for (Map.Entry<List<Object>, List<String>> grant : grouped.entrySet()) {
            String grantor = (String) grant.getKey().get(0);
            String privileges = column == null ? String.join(", ", grant.getValue())
                    : String.join(" (" + column + "), ", grant.getValue()) + " (" + column + ")";
            String statement = "GRANT " + privileges + on + " TO " + grant.getKey().get(1)
                    + (Boolean.TRUE.equals(grant.getKey().get(2)) ? " WITH GRANT OPTION" : "");
            if (grantor.equals(owner)) {
                statements.add(statement);
            } else {
                statements.add("SET ROLE " + grantor);
                statements.add(statement);
                statements.add("RESET ROLE");
            }
        }
        return statements;
    }

    /**
     * {@code ALTER DEFAULT PRIVILEGES} for objects {@code role} creates ({@code objects}: TABLES, SEQUENCES,
     * FUNCTIONS, TYPES, SCHEMAS); {@code schema} null for the role's global defaults, which replace the built-in
     * ones and so start from nothing.
     */
    static List<String> defaults(String role, String schema, String objects, List<Entry> entries) {
        String prefix = "ALTER DEFAULT PRIVILEGES FOR ROLE " + role + (schema == null ? "" : " IN SCHEMA " + schema);
        List<String> statements = new ArrayList<>();
        if (schema == null) {
            statements.add(prefix + " REVOKE ALL ON " + objects + " FROM PUBLIC, " + role);
        }
        Map<List<Object>, List<String>> grouped = new LinkedHashMap<>();
        entries.forEach(e -> group(grouped, e));
        grouped.forEach((key, privileges) -> statements.add(prefix + " GRANT " + String.join(", ", privileges)
                + " ON " + objects + " TO " + key.get(1) + (Boolean.TRUE.equals(key.get(2)) ? " WITH GRANT OPTION" : "")));
        return statements;
    }

    private static void group(Map<List<Object>, List<String>> grouped, Entry entry) {
        grouped.computeIfAbsent(List.of(entry.grantor(), entry.grantee(), entry.grantable()), k -> new ArrayList<>())
                .add(entry.privilege());
    }
}
