package io.bluegreen.coordinator.security;

import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;

/**
 * The API's roles. Viewers read; operators submit plans (and dry runs), retry and roll back; approvers approve a
 * switchover and waive a lost verification. Every role may read.
 */
public final class Roles {

    public static final String VIEWER = "viewer";
    public static final String OPERATOR = "operator";
    public static final String APPROVER = "approver";
    public static final List<String> ALL = List.of(VIEWER, OPERATOR, APPROVER);

    private Roles() {
    }

    /**
     * The roles a user holds: the configured ones, and viewer with any of them.
     *
     * @throws IllegalArgumentException naming the unknown role
     */
    public static Set<String> granted(String user, List<String> configured) {
        Set<String> roles = new TreeSet<>();
        for (String role : configured) {
            String normalized = role.trim().toLowerCase(Locale.ROOT);
            if (!ALL.contains(normalized)) {
                throw new IllegalArgumentException("bluegreen.api.users." + user + ".roles: '" + role
                        + "' is not a role; use " + ALL);
            }
            roles.add(normalized);
        }
        if (!roles.isEmpty()) {
            roles.add(VIEWER);
        }
        return roles;
    }
}
