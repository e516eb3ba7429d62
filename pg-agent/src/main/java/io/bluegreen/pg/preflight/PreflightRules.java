package io.bluegreen.pg.preflight;

import io.bluegreen.schemas.common.PreflightFinding;
import io.bluegreen.schemas.common.Severity;

import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/** Pure decisions of the preflight: facts in, findings out (ERROR blocks the upgrade). */
public final class PreflightRules {

    private PreflightRules() {
    }

    public static PreflightFinding finding(String check, Severity severity, String database, List<String> subjects,
                                           String message) {
        return new PreflightFinding(check, severity, database, List.copyOf(subjects), message);
    }

    /** Green must run a newer major than Blue: the same major or a downgrade is refused. */
    public static PreflightFinding versions(int blueMajor, int targetMajor, Integer greenMajor) {
        if (targetMajor <= blueMajor) {
            return finding("versions", Severity.ERROR, null, List.of(), "Blue runs PostgreSQL " + blueMajor
                    + " and the target is " + targetMajor + ": " + (targetMajor == blueMajor ? "the same major version"
                    : "a downgrade") + " is not an upgrade; choose a target newer than " + blueMajor);
        }
        if (greenMajor != null && greenMajor > targetMajor) {
            return finding("versions", Severity.ERROR, null, List.of(), "Green already runs PostgreSQL " + greenMajor
                    + ", newer than the target " + targetMajor + ": Green cannot be brought down to the target");
        }
        return finding("versions", Severity.INFO, null, List.of(), "upgrade from PostgreSQL " + blueMajor + " to "
                + targetMajor + (greenMajor == null ? "" : " (Green runs " + greenMajor + " now)"));
    }

    /** Logical decoding needs {@code wal_level = logical} ({@code rds.logical_replication = 1} on RDS / Aurora). */
    public static PreflightFinding walLevel(String side, String walLevel, Optional<String> rdsLogicalReplication) {
        return walLevel(side, walLevel, rdsLogicalReplication, false);
    }

    /**
     * @param turnedOnLater the upgrade itself turns logical replication on (parameter group + reboot) before
     *                      anything replicates, so a lower wal_level now is only a warning
     */
    public static PreflightFinding walLevel(String side, String walLevel, Optional<String> rdsLogicalReplication,
                                            boolean turnedOnLater) {
        boolean rdsOn = rdsLogicalReplication.map(v -> v.equals("1") || v.equalsIgnoreCase("on")).orElse(false);
        if ("logical".equals(walLevel) || rdsOn) {
            return finding("wal_level", Severity.INFO, null, List.of(), side + " has wal_level = " + walLevel);
        }
        if (turnedOnLater) {
            return finding("wal_level", Severity.WARNING, null, List.of(side), side + " has wal_level = " + walLevel
                    + ": the upgrade sets rds.logical_replication = 1 and reboots " + side + " before replication starts");
        }
        return finding("wal_level", Severity.ERROR, null, List.of(side), side + " has wal_level = " + walLevel
                + ": logical replication needs wal_level = logical; set rds.logical_replication = 1 in its parameter "
                + "group (wal_level = logical on a self-managed server) and reboot");
    }

    /** Room for {@code needed} more of a resource limited by a setting. */
    public static PreflightFinding headroom(String side, String setting, int max, int used, int needed) {
        int free = max - used;
        if (free >= needed) {
            return finding("headroom", Severity.INFO, null, List.of(setting), side + " " + setting + " = " + max + ", "
                    + used + " in use, " + needed + " needed");
        }
        return finding("headroom", Severity.ERROR, null, List.of(setting), side + " " + setting + " = " + max + " with "
                + used + " in use leaves " + Math.max(free, 0) + ", but the plan needs " + needed + ": raise " + setting
                + " to at least " + (used + needed) + " (needs a restart)");
    }

    public static Optional<PreflightFinding> replicaIdentity(String database, List<String> withoutIdentity,
                                                             List<String> identityFull) {
        if (!withoutIdentity.isEmpty()) {
            return Optional.of(finding("replica_identity", Severity.ERROR, database, withoutIdentity,
                    withoutIdentity.size() + " table(s) of " + database + " have no primary key and no usable replica "
                            + "identity, so UPDATE and DELETE on them would fail on Blue once published: "
                            + String.join(", ", withoutIdentity) + "; add a primary key or REPLICA IDENTITY USING INDEX "
                            + "(FULL works but is slow)"));
        }
        if (!identityFull.isEmpty()) {
            return Optional.of(finding("replica_identity", Severity.WARNING, database, identityFull,
                    "table(s) of " + database + " replicate with REPLICA IDENTITY FULL (every UPDATE/DELETE scans on "
                            + "Green): " + String.join(", ", identityFull)));
        }
        return Optional.empty();
    }

    public static Optional<PreflightFinding> unlogged(String database, List<String> tables) {
        return tables.isEmpty() ? Optional.empty() : Optional.of(finding("unlogged_tables", Severity.WARNING, database,
                tables, tables.size() + " unlogged table(s) of " + database + " are not replicated; Green will have "
                        + "them empty: " + String.join(", ", tables)));
    }

    public static Optional<PreflightFinding> largeObjects(String database, long count) {
        return count == 0 ? Optional.empty() : Optional.of(finding("large_objects", Severity.WARNING, database,
                List.of(Long.toString(count)), database + " holds " + count + " large object(s): logical replication "
                        + "does not carry them; copy them separately or move them to bytea"));
    }

    /** Blue's installed extensions that Green cannot install. */
    public static Optional<PreflightFinding> extensions(String database, Set<String> blueInstalled, Set<String> greenAvailable) {
        Set<String> missing = new TreeSet<>(blueInstalled);
        missing.removeAll(greenAvailable);
        return missing.isEmpty() ? Optional.empty() : Optional.of(finding("extensions", Severity.ERROR, database,
                List.copyOf(missing), database + " on Blue uses extension(s) Green does not offer: "
                        + String.join(", ", missing) + "; install them on Green's engine first"));
    }

    /** An object with one of our names: ours when its comment names this upgrade, a conflict otherwise. */
    public static PreflightFinding existingObject(String database, String kind, String name, String comment, String upgradeId) {
        if (("bluegreen upgrade " + upgradeId).equals(comment)) {
            return finding("existing_objects", Severity.INFO, database, List.of(name), kind + " " + name
                    + " already exists and belongs to this upgrade");
        }
        return finding("existing_objects", Severity.ERROR, database, List.of(name), kind + " " + name + " already exists "
                + "on " + database + (comment == null ? "" : " (" + comment + ")") + " and does not belong to upgrade "
                + upgradeId + ": drop it, or plan with another name prefix");
    }

    public static PreflightFinding privileges(String side, String user, boolean superuser, boolean rdsSuperuser,
                                              boolean rdsReplication) {
        if (superuser || rdsSuperuser) {
            return finding("privileges", Severity.INFO, null, List.of(user), side + " user " + user + " is "
                    + (superuser ? "a superuser" : "a member of rds_superuser"));
        }
        return finding("privileges", Severity.ERROR, null, List.of(user), side + " user " + user + " is neither a "
                + "superuser nor a member of rds_superuser" + (rdsReplication ? "" : " / rds_replication")
                + ": publications, slots, subscriptions and the write fence need them; grant rds_superuser");
    }
}
