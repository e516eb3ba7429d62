package io.bluegreen.local.rds;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * An RDS resource ARN as the endpoint writes it: {@code arn:aws:rds:<region>:<account>:<kind>:<id>}, the region
 * being the one the request was signed for and the account {@link Responses#ACCOUNT}.
 *
 * @param kind {@code db}, {@code cluster}, {@code pg}, {@code cluster-pg}, {@code snapshot} or {@code cluster-snapshot}
 * @param id   the resource's identifier (a parameter group's name)
 */
record Arn(String kind, String id) {

    private static final Pattern ARN = Pattern.compile(
            "arn:aws:rds:([a-z0-9-]+):(\\d{12}):(db|cluster|pg|cluster-pg|snapshot|cluster-snapshot):(.+)");

    static String of(String region, String kind, String id) {
        return "arn:aws:rds:" + region + ":" + Responses.ACCOUNT + ":" + kind + ":" + id;
    }

    /**
     * The resource an ARN names, or AWS's InvalidParameterValue for anything that is not an RDS ARN of this account
     * and of the request's region.
     */
    static Arn parse(String arn, String region) {
        Matcher matcher = ARN.matcher(arn);
        if (!matcher.matches() || !matcher.group(1).equals(region) || !matcher.group(2).equals(Responses.ACCOUNT)) {
            throw RdsFault.invalidParameter("The specified resource name does not match an RDS resource in this"
                    + " region: " + arn + " (expected arn:aws:rds:" + region + ":" + Responses.ACCOUNT
                    + ":<db|cluster|pg|cluster-pg|snapshot|cluster-snapshot>:<id>, as Describe* answers it)");
        }
        String kind = matcher.group(3);
        String id = kind.endsWith("pg") ? matcher.group(4) : matcher.group(4).toLowerCase(java.util.Locale.ROOT);
        return new Arn(kind, id);
    }
}
