package io.bluegreen.local.rds;

import java.util.regex.Pattern;

/** The master user of a Create call, checked as AWS checks it. Never logs or quotes the password. */
final class MasterUser {

    private MasterUser() {
    }

    private static final Pattern MASTER_USER = Pattern.compile("[A-Za-z][A-Za-z0-9_]{0,62}");

    static String username(QueryRequest request) {
        String master = request.required("MasterUsername");
        if (!MASTER_USER.matcher(master).matches() || master.equalsIgnoreCase("rdsadmin")) {
            throw RdsFault.invalidParameter("MasterUsername " + master + " is not valid: 1 to 63 letters, digits or"
                    + " underscores, starting with a letter (and not a reserved word)");
        }
        return master;
    }

    static String password(QueryRequest request) {
        String password = request.required("MasterUserPassword");
        if (password.length() < 8 || password.length() > 128) {
            throw RdsFault.invalidParameter("The parameter MasterUserPassword is not a valid password because it is"
                    + (password.length() < 8 ? " shorter than 8 characters." : " longer than 128 characters."));
        }
        for (char c : password.toCharArray()) {
            if (c < 0x21 || c > 0x7e || c == '/' || c == '\'' || c == '"' || c == '@') {
                throw RdsFault.invalidParameter("The parameter MasterUserPassword is not a valid password. Only"
                        + " printable ASCII characters besides '/', '@', '\"', ' ' may be used.");
            }
        }
        return password;
    }
}
