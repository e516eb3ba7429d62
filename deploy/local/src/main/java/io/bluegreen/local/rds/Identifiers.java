package io.bluegreen.local.rds;

import java.util.regex.Pattern;

/** AWS's rules for DB identifiers (clusters, instances, snapshots, parameter groups). */
final class Identifiers {

    private static final Pattern IDENTIFIER = Pattern.compile("[a-z][a-z0-9]*(-[a-z0-9]+)*");

    private Identifiers() {
    }

    /** The identifier in lower case, or InvalidParameterValue naming the parameter and the rule. */
    static String valid(String parameter, String value) {
        return valid(parameter, value, 63);
    }

    /** A parameter group's name: the same rule, up to 255 characters. */
    static String parameterGroup(String parameter, String value) {
        return valid(parameter, value, 255);
    }

    private static String valid(String parameter, String value, int longest) {
        String lower = value.toLowerCase(java.util.Locale.ROOT);
        if (lower.length() > longest || !IDENTIFIER.matcher(lower).matches()) {
            throw RdsFault.invalidParameter("The parameter " + parameter + " is not a valid identifier: '" + value
                    + "'. Identifiers must begin with a letter; must contain only ASCII letters, digits, and"
                    + " hyphens; and must not end with a hyphen or contain two consecutive hyphens (1 to " + longest
                    + " characters).");
        }
        return lower;
    }
}
