package io.bluegreen.local.rds;

import java.util.regex.Pattern;

/** AWS's rules for DB identifiers (clusters, instances, snapshots, parameter groups). */
final class Identifiers {

    private static final Pattern IDENTIFIER = Pattern.compile("[a-z][a-z0-9]*(-[a-z0-9]+)*");

    private Identifiers() {
    }

    /** The identifier in lower case, or InvalidParameterValue naming the parameter and the rule. */
    static String valid(String parameter, String value) {
        String lower = value.toLowerCase(java.util.Locale.ROOT);
        if (lower.length() > 63 || !IDENTIFIER.matcher(lower).matches()) {
            throw RdsFault.invalidParameter("The parameter " + parameter + " is not a valid identifier: '" + value
                    + "'. Identifiers must begin with a letter; must contain only ASCII letters, digits, and"
                    + " hyphens; and must not end with a hyphen or contain two consecutive hyphens (1 to 63"
                    + " characters).");
        }
        return lower;
    }
}
