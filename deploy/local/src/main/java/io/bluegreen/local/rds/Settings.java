package io.bluegreen.local.rds;

import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Blue's settings as the RDS actions take them: which parameters an action reads ({@link Setting}, as its SDK
 * request class has them), AWS's checks, and the values written into a {@link Model.Resource}. Every check runs
 * before anything is written, so a refused call changes nothing.
 */
final class Settings {

    /** A group of request parameters that an action may take. */
    enum Setting {
        /** {@code DBSubnetGroupName} */
        SUBNET_GROUP,
        /** {@code VpcSecurityGroupIds.VpcSecurityGroupId.N} */
        SECURITY_GROUPS,
        /** {@code KmsKeyId}, {@code StorageEncrypted} */
        ENCRYPTION,
        /** {@code KmsKeyId} alone (a restore: encryption comes from the source unless another key is given) */
        KMS_KEY,
        /** {@code Tags.Tag.N.Key / Value} */
        TAGS,
        /** {@code DBInstanceClass} (instances) or {@code DBClusterInstanceClass} (clusters) */
        INSTANCE_CLASS,
        /** {@code DeletionProtection} */
        DELETION_PROTECTION,
        /** {@code MonitoringInterval}, {@code MonitoringRoleArn} */
        MONITORING,
        /** {@code EnablePerformanceInsights}, {@code PerformanceInsightsKMSKeyId}, {@code PerformanceInsightsRetentionPeriod} */
        PERFORMANCE_INSIGHTS,
        /** {@code BackupRetentionPeriod} */
        BACKUP_RETENTION,
        /** {@code CopyTagsToSnapshot} */
        COPY_TAGS,
        /** {@code MultiAZ} */
        MULTI_AZ
    }

    /** What CreateDBInstance, CreateDBCluster and ModifyDBInstance take. */
    static final Set<Setting> ALL = EnumSet.complementOf(EnumSet.of(Setting.KMS_KEY));
    /** RestoreDBInstanceFromDBSnapshot: encryption from the snapshot; backups and monitoring by a later Modify. */
    static final Set<Setting> INSTANCE_RESTORE = EnumSet.of(Setting.SUBNET_GROUP, Setting.SECURITY_GROUPS, Setting.TAGS,
            Setting.INSTANCE_CLASS, Setting.DELETION_PROTECTION, Setting.COPY_TAGS, Setting.MULTI_AZ);
    /** RestoreDBClusterToPointInTime and RestoreDBClusterFromSnapshot: another KMS key may be given. */
    static final Set<Setting> CLUSTER_RESTORE = EnumSet.of(Setting.SUBNET_GROUP, Setting.SECURITY_GROUPS,
            Setting.KMS_KEY, Setting.TAGS, Setting.INSTANCE_CLASS, Setting.DELETION_PROTECTION, Setting.COPY_TAGS,
            Setting.MONITORING, Setting.PERFORMANCE_INSIGHTS);
    /** ModifyDBCluster: no subnet group, no encryption, no tags (AddTagsToResource), no Multi-AZ flag. */
    static final Set<Setting> CLUSTER_MODIFY = EnumSet.of(Setting.SECURITY_GROUPS, Setting.INSTANCE_CLASS,
            Setting.DELETION_PROTECTION, Setting.MONITORING, Setting.PERFORMANCE_INSIGHTS, Setting.BACKUP_RETENTION,
            Setting.COPY_TAGS);
    /** ModifyDBInstance: everything but encryption and tags. */
    static final Set<Setting> INSTANCE_MODIFY = EnumSet.complementOf(EnumSet.of(Setting.ENCRYPTION, Setting.KMS_KEY,
            Setting.TAGS));
    /**
     * An Aurora member: its class, monitoring and Performance Insights are its own; network, encryption, backups,
     * deletion protection and copy-tags belong to its cluster (AWS ignores them on the instance, or refuses the
     * two it refuses, see {@link #refuseClusterSettings}).
     */
    static final Set<Setting> MEMBER = EnumSet.of(Setting.TAGS, Setting.INSTANCE_CLASS, Setting.MONITORING,
            Setting.PERFORMANCE_INSIGHTS);

    static final Set<Integer> MONITORING_INTERVALS = Set.of(0, 1, 5, 10, 15, 30, 60);
    private static final Pattern INSTANCE_CLASS = Pattern.compile("db\\.[a-z0-9-]+\\.[a-z0-9]+");

    private Settings() {
    }

    /** The default KMS key ({@code aws/rds}) of the account in a region, as a key ARN. */
    static String defaultKmsKey(String region) {
        return "arn:aws:kms:" + region + ":" + Responses.ACCOUNT + ":key/aws-rds-default";
    }

    /**
     * AWS refuses VPC security groups and a backup retention period on an instance that is (or will be) an Aurora
     * cluster member: they are the cluster's.
     */
    static void refuseClusterSettings(QueryRequest request, boolean creating) {
        String prefix = creating ? "The requested DB Instance will be a member of a DB Cluster. Set "
                : "The specified DB Instance is a member of a DB Cluster. Modify ";
        if (!request.strings("VpcSecurityGroupIds").isEmpty()) {
            throw RdsFault.invalidCombination(prefix + "VPC security groups for the DB Cluster.");
        }
        if (request.optional("BackupRetentionPeriod").isPresent()) {
            throw RdsFault.invalidCombination(prefix + "backup retention period for the DB Cluster.");
        }
    }

    /** The tags of a request ({@code Tags.Tag.N.Key / Value}), checked as AWS checks them. */
    static Map<String, String> tags(QueryRequest request) {
        Map<String, String> tags = new LinkedHashMap<>();
        for (Map<String, String> tag : request.members("Tags")) {
            String key = tag.get("Key");
            String value = tag.getOrDefault("Value", "");
            if (key == null || key.isEmpty() || key.length() > 128) {
                throw RdsFault.invalidParameter("A tag key must be 1 to 128 characters long: '" + key + "'");
            }
            if (key.toLowerCase(java.util.Locale.ROOT).startsWith("aws:")) {
                throw RdsFault.invalidParameter("Tag key " + key + " is not allowed: the prefix aws: is reserved");
            }
            if (value.length() > 256) {
                throw RdsFault.invalidParameter("The value of tag " + key + " is longer than 256 characters");
            }
            tags.put(key, value);
        }
        if (tags.size() > 50) {
            throw RdsFault.invalidParameter("A resource can have at most 50 tags; the request has " + tags.size());
        }
        return tags;
    }

    /**
     * Reads the settings an action takes into {@code target}: checks first, then writes.
     *
     * @param cluster the target is a DB cluster (its class parameter is {@code DBClusterInstanceClass}; Aurora
     *                keeps backups for 1 to 35 days)
     */
    static void apply(QueryRequest request, Model.Resource target, Set<Setting> taken, boolean cluster) {
        Optional<String> subnetGroup = taken.contains(Setting.SUBNET_GROUP)
                ? request.optional("DBSubnetGroupName").map(name -> name.toLowerCase(java.util.Locale.ROOT))
                : Optional.empty();
        List<String> securityGroups = taken.contains(Setting.SECURITY_GROUPS)
                ? request.strings("VpcSecurityGroupIds") : List.of();
        for (String group : securityGroups) {
            if (!group.matches("sg-[0-9a-f]{1,17}")) {
                throw RdsFault.invalidParameter("Invalid security group id " + group + ": expected sg- and up to 17"
                        + " hexadecimal digits");
            }
        }
        Optional<String> kmsKey = taken.contains(Setting.ENCRYPTION) || taken.contains(Setting.KMS_KEY)
                ? request.optional("KmsKeyId") : Optional.empty();
        Optional<Boolean> encrypted = taken.contains(Setting.ENCRYPTION)
                ? request.optionalFlag("StorageEncrypted") : Optional.empty();
        if (kmsKey.isPresent() && encrypted.isPresent() && !encrypted.get()) {
            throw RdsFault.invalidCombination("KmsKeyId " + kmsKey.get() + " is given but StorageEncrypted is false:"
                    + " set StorageEncrypted to true or leave the key out");
        }
        Map<String, String> tags = taken.contains(Setting.TAGS) ? tags(request) : Map.of();
        String classParameter = cluster ? "DBClusterInstanceClass" : "DBInstanceClass";
        Optional<String> instanceClass = taken.contains(Setting.INSTANCE_CLASS) ? request.optional(classParameter)
                : Optional.empty();
        instanceClass.ifPresent(Settings::checkInstanceClass);
        Optional<Boolean> deletionProtection = taken.contains(Setting.DELETION_PROTECTION)
                ? request.optionalFlag("DeletionProtection") : Optional.empty();
        Optional<Integer> interval = taken.contains(Setting.MONITORING) ? request.integer("MonitoringInterval")
                : Optional.empty();
        Optional<String> role = taken.contains(Setting.MONITORING) ? request.optional("MonitoringRoleArn") : Optional.empty();
        if (interval.isPresent() && !MONITORING_INTERVALS.contains(interval.get())) {
            throw RdsFault.invalidParameter("Invalid MonitoringInterval " + interval.get()
                    + ": valid values are 0, 1, 5, 10, 15, 30, 60");
        }
        int effectiveInterval = interval.orElse(target.monitoringInterval);
        String effectiveRole = role.orElse(target.monitoringRoleArn);
        if (effectiveInterval > 0 && effectiveRole == null) {
            throw RdsFault.invalidCombination("A MonitoringRoleARN value is required if you specify a"
                    + " MonitoringInterval value other than 0.");
        }
        Optional<Boolean> insights = taken.contains(Setting.PERFORMANCE_INSIGHTS)
                ? request.optionalFlag("EnablePerformanceInsights") : Optional.empty();
        Optional<String> insightsKey = taken.contains(Setting.PERFORMANCE_INSIGHTS)
                ? request.optional("PerformanceInsightsKMSKeyId") : Optional.empty();
        Optional<Integer> insightsRetention = taken.contains(Setting.PERFORMANCE_INSIGHTS)
                ? request.integer("PerformanceInsightsRetentionPeriod") : Optional.empty();
        insightsRetention.ifPresent(Settings::checkInsightsRetention);
        Optional<Integer> backups = taken.contains(Setting.BACKUP_RETENTION) ? request.integer("BackupRetentionPeriod")
                : Optional.empty();
        int leastBackups = cluster ? 1 : 0;
        if (backups.isPresent() && (backups.get() < leastBackups || backups.get() > 35)) {
            throw RdsFault.invalidParameter("Invalid BackupRetentionPeriod " + backups.get() + ": it must be "
                    + leastBackups + " to 35 days");
        }
        Optional<Boolean> copyTags = taken.contains(Setting.COPY_TAGS) ? request.optionalFlag("CopyTagsToSnapshot")
                : Optional.empty();
        Optional<Boolean> multiAZ = taken.contains(Setting.MULTI_AZ) ? request.optionalFlag("MultiAZ") : Optional.empty();

        // every check passed: write
        subnetGroup.ifPresent(name -> target.subnetGroup = name);
        if (!securityGroups.isEmpty()) {
            target.securityGroups.clear();
            target.securityGroups.addAll(securityGroups);
        }
        if (kmsKey.isPresent()) {
            target.kmsKeyId = kmsKey.get();
            target.storageEncrypted = true;
        } else if (encrypted.orElse(false)) {
            target.storageEncrypted = true;
            target.kmsKeyId = defaultKmsKey(request.region());
        }
        target.tags.putAll(tags);
        instanceClass.ifPresent(value -> target.instanceClass = value);
        deletionProtection.ifPresent(value -> target.deletionProtection = value);
        target.monitoringInterval = effectiveInterval;
        target.monitoringRoleArn = effectiveInterval > 0 || role.isPresent() ? effectiveRole : target.monitoringRoleArn;
        if (insights.isPresent()) {
            target.performanceInsights = insights.get();
        }
        if (target.performanceInsights) {
            target.performanceInsightsKmsKeyId = insightsKey.orElse(target.performanceInsightsKmsKeyId == null
                    ? defaultKmsKey(request.region()) : target.performanceInsightsKmsKeyId);
            target.performanceInsightsRetention = insightsRetention.orElse(target.performanceInsightsRetention == 0
                    ? 7 : target.performanceInsightsRetention);
        } else {
            target.performanceInsightsKmsKeyId = null;
            target.performanceInsightsRetention = 0;
        }
        backups.ifPresent(days -> target.backupRetentionPeriod = days);
        copyTags.ifPresent(value -> target.copyTagsToSnapshot = value);
        multiAZ.ifPresent(value -> target.multiAZ = value);
    }

    static void checkInstanceClass(String value) {
        if (!INSTANCE_CLASS.matcher(value).matches()) {
            throw RdsFault.invalidParameter("Invalid DB Instance class: " + value + " (e.g. db.t3.micro, db.r6g.large)");
        }
    }

    /** Performance Insights keeps data 7 days (free), a whole number of months (31 days each) up to 23, or 731 days. */
    private static void checkInsightsRetention(int days) {
        if (days != 7 && days != 731 && (days % 31 != 0 || days < 31 || days > 713)) {
            throw RdsFault.invalidParameter("Invalid PerformanceInsightsRetentionPeriod " + days
                    + ": valid values are 7, month * 31 (month 1 to 23) and 731");
        }
    }
}
