package io.bluegreen.aws.rds;

import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.services.rds.RdsClient;
import software.amazon.awssdk.services.rds.model.ApplyMethod;
import software.amazon.awssdk.services.rds.model.DBCluster;
import software.amazon.awssdk.services.rds.model.DBClusterMember;
import software.amazon.awssdk.services.rds.model.DBInstance;
import software.amazon.awssdk.services.rds.model.DBParameterGroupStatus;
import software.amazon.awssdk.services.rds.model.DescribeDBLogFilesDetails;
import software.amazon.awssdk.services.rds.model.DownloadDbLogFilePortionResponse;
import software.amazon.awssdk.services.rds.model.EngineDefaults;
import software.amazon.awssdk.services.rds.model.Parameter;
import software.amazon.awssdk.services.rds.model.Tag;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Supplier;

/**
 * The RDS / Aurora control plane as the steps see it: describe calls that answer empty for "not found", and
 * actions named after what they do. Every call goes through the real AWS SDK v2 {@link RdsClient}; errors other
 * than "not found" on describe propagate as the SDK's exceptions for {@link AwsErrors} to classify.
 */
public final class RdsOperations {

    public static final String LOGICAL_REPLICATION = "rds.logical_replication";

    private final RdsClient rds;

    public RdsOperations(RdsClient rds) {
        this.rds = rds;
    }

    // ---------- describe ----------

    /** What a describe call answers, empty when AWS says the thing does not exist; other errors propagate. */
    private static <T> Optional<T> unlessNotFound(Supplier<Optional<T>> describe) {
        try {
            return describe.get();
        } catch (AwsServiceException e) {
            if (AwsErrors.isNotFound(e)) {
                return Optional.empty();
            }
            throw e;
        }
    }

    public Optional<DbResource> cluster(String identifier) {
        return describeCluster(identifier).map(this::toResource);
    }

    public Optional<DbResource> instance(String identifier) {
        return describeInstance(identifier).map(RdsOperations::toResource);
    }

    private Optional<DBInstance> describeInstance(String identifier) {
        return unlessNotFound(() -> rds.describeDBInstances(r -> r.dbInstanceIdentifier(identifier)).dbInstances()
                .stream().findFirst());
    }

    private Optional<DBCluster> describeCluster(String identifier) {
        return unlessNotFound(() -> rds.describeDBClusters(r -> r.dbClusterIdentifier(identifier)).dbClusters()
                .stream().findFirst());
    }

    /** The settings of a cluster (Aurora, with its instances) or an instance (RDS) that a Green made from it takes. */
    public Optional<BlueSettings> settings(String identifier, boolean aurora) {
        return aurora ? describeCluster(identifier).map(c -> BlueSettings.of(c, this::describeInstance))
                : describeInstance(identifier).map(BlueSettings::of);
    }

    /** The settings of one DB instance. */
    public Optional<InstanceSettings> instanceSettings(String identifier) {
        return describeInstance(identifier).map(i -> InstanceSettings.of(i, true));
    }

    /** The tags of a cluster (Aurora) or an instance (RDS); empty when it does not exist. */
    public Map<String, String> tags(String identifier, boolean aurora) {
        return aurora ? describeCluster(identifier).map(c -> BlueSettings.tags(c.tagList())).orElse(Map.of())
                : describeInstance(identifier).map(i -> BlueSettings.tags(i.tagList())).orElse(Map.of());
    }

    /** The cluster (Aurora) or instance (RDS) of this identifier. */
    public Optional<DbResource> resource(String identifier, boolean aurora) {
        return aurora ? cluster(identifier) : instance(identifier);
    }

    public Optional<String> snapshotStatus(String snapshotIdentifier, boolean clusterSnapshot) {
        return snapshot(snapshotIdentifier, clusterSnapshot).map(SnapshotInfo::status);
    }

    /** A snapshot's status and tags, as DescribeDB(Cluster)Snapshots answers them; empty when it does not exist. */
    public Optional<SnapshotInfo> snapshot(String snapshotIdentifier, boolean clusterSnapshot) {
        return unlessNotFound(() -> clusterSnapshot
                ? rds.describeDBClusterSnapshots(r -> r.dbClusterSnapshotIdentifier(snapshotIdentifier))
                        .dbClusterSnapshots().stream().findFirst()
                        .map(s -> new SnapshotInfo(s.dbClusterSnapshotIdentifier(), s.status(), BlueSettings.tags(s.tagList())))
                : rds.describeDBSnapshots(r -> r.dbSnapshotIdentifier(snapshotIdentifier)).dbSnapshots().stream().findFirst()
                        .map(s -> new SnapshotInfo(s.dbSnapshotIdentifier(), s.status(), BlueSettings.tags(s.tagList()))));
    }

    /** A snapshot as a step decides on it. */
    public record SnapshotInfo(String identifier, String status, Map<String, String> tags) {

        public boolean available() {
            return "available".equals(status);
        }
    }

    private DbResource toResource(DBCluster c) {
        Optional<DBClusterMember> writer = c.dbClusterMembers().stream().filter(DBClusterMember::isClusterWriter).findFirst();
        return new DbResource(c.dbClusterIdentifier(), true, c.status(), c.engine(), c.engineVersion(), c.endpoint(),
                c.port(), c.dbClusterParameterGroup(),
                writer.map(DBClusterMember::dbClusterParameterGroupStatus).orElse(null),
                writer.map(DBClusterMember::dbInstanceIdentifier),
                c.dbClusterMembers().stream().map(DBClusterMember::dbInstanceIdentifier).toList(),
                Optional.ofNullable(c.pendingModifiedValues()).map(p -> p.engineVersion()));
    }

    private static DbResource toResource(DBInstance i) {
        Optional<DBParameterGroupStatus> group = i.dbParameterGroups().stream().findFirst();
        return new DbResource(i.dbInstanceIdentifier(), false, i.dbInstanceStatus(), i.engine(), i.engineVersion(),
                i.endpoint() == null ? null : i.endpoint().address(), i.endpoint() == null ? null : i.endpoint().port(),
                group.map(DBParameterGroupStatus::dbParameterGroupName).orElse(null),
                group.map(DBParameterGroupStatus::parameterApplyStatus).orElse(null),
                Optional.of(i.dbInstanceIdentifier()), List.of(),
                Optional.ofNullable(i.pendingModifiedValues()).map(p -> p.engineVersion()));
    }

    // ---------- parameter groups ----------

    /** A copy of {@code source} (a default group too) with every parameter it sets, tagged. */
    public void copyParameterGroup(String source, String target, boolean clusterGroup, String description, List<Tag> tags) {
        try {
            if (clusterGroup) {
                rds.copyDBClusterParameterGroup(r -> r.sourceDBClusterParameterGroupIdentifier(source)
                        .targetDBClusterParameterGroupIdentifier(target).targetDBClusterParameterGroupDescription(description)
                        .tags(tags));
            } else {
                rds.copyDBParameterGroup(r -> r.sourceDBParameterGroupIdentifier(source)
                        .targetDBParameterGroupIdentifier(target).targetDBParameterGroupDescription(description).tags(tags));
            }
        } catch (RuntimeException e) {
            if (!AwsErrors.isAlreadyExists(e)) {
                throw e;
            }
            // made by an earlier pass whose answer was lost: the caller reads it back
        }
    }

    /** A new, empty group of {@code family}, tagged. An existing one is left as it is. */
    public void createParameterGroup(String name, String family, boolean clusterGroup, String description, List<Tag> tags) {
        try {
            if (clusterGroup) {
                rds.createDBClusterParameterGroup(r -> r.dbClusterParameterGroupName(name)
                        .dbParameterGroupFamily(family).description(description).tags(tags));
            } else {
                rds.createDBParameterGroup(r -> r.dbParameterGroupName(name)
                        .dbParameterGroupFamily(family).description(description).tags(tags));
            }
        } catch (RuntimeException e) {
            if (!AwsErrors.isAlreadyExists(e)) {
                throw e;
            }
        }
    }

    /** Sets parameters (applied at the next reboot), at most 20 per call as the API takes them. */
    public void setParameters(String group, boolean clusterGroup, Map<String, String> values) {
        List<Parameter> parameters = values.entrySet().stream().map(v -> Parameter.builder().parameterName(v.getKey())
                .parameterValue(v.getValue()).applyMethod(ApplyMethod.PENDING_REBOOT).build()).toList();
        for (int from = 0; from < parameters.size(); from += 20) {
            List<Parameter> batch = parameters.subList(from, Math.min(parameters.size(), from + 20));
            if (clusterGroup) {
                rds.modifyDBClusterParameterGroup(r -> r.dbClusterParameterGroupName(group).parameters(batch));
            } else {
                rds.modifyDBParameterGroup(r -> r.dbParameterGroupName(group).parameters(batch));
            }
        }
    }

    /** The parameters a group sets itself (source "user"), name to value, in the order AWS lists them. */
    public Map<String, String> userParameters(String group, boolean clusterGroup) {
        List<Parameter> parameters = clusterGroup
                ? rds.describeDBClusterParametersPaginator(r -> r.dbClusterParameterGroupName(group).source("user"))
                        .parameters().stream().toList()
                : rds.describeDBParametersPaginator(r -> r.dbParameterGroupName(group).source("user"))
                        .parameters().stream().toList();
        Map<String, String> values = new LinkedHashMap<>();
        parameters.stream().filter(p -> p.parameterValue() != null).forEach(p -> values.put(p.parameterName(), p.parameterValue()));
        return values;
    }

    /** The parameters a family lets users set. */
    public Set<String> modifiableParameters(String family, boolean clusterGroup) {
        List<Parameter> parameters = new ArrayList<>();
        if (clusterGroup) {
            String marker = null;
            do {
                String from = marker;
                EngineDefaults page = rds.describeEngineDefaultClusterParameters(r -> r.dbParameterGroupFamily(family)
                        .marker(from)).engineDefaults();
                parameters.addAll(page.parameters());
                marker = page.marker();
            } while (marker != null && !marker.isEmpty());
        } else {
            rds.describeEngineDefaultParametersPaginator(r -> r.dbParameterGroupFamily(family)).parameters()
                    .forEach(parameters::add);
        }
        Set<String> names = new LinkedHashSet<>();
        parameters.stream().filter(p -> !Boolean.FALSE.equals(p.isModifiable())).forEach(p -> names.add(p.parameterName()));
        return names;
    }

    /** The tags of a parameter group; empty when it does not exist. */
    public Map<String, String> parameterGroupTags(String group, boolean clusterGroup) {
        Optional<String> arn = unlessNotFound(() -> clusterGroup
                ? rds.describeDBClusterParameterGroups(r -> r.dbClusterParameterGroupName(group)).dbClusterParameterGroups()
                        .stream().findFirst().map(g -> g.dbClusterParameterGroupArn())
                : rds.describeDBParameterGroups(r -> r.dbParameterGroupName(group)).dbParameterGroups()
                        .stream().findFirst().map(g -> g.dbParameterGroupArn()));
        return arn.map(a -> BlueSettings.tags(rds.listTagsForResource(r -> r.resourceName(a)).tagList())).orElse(Map.of());
    }

    /** Deletes a parameter group; one that does not exist counts as deleted. */
    public void deleteParameterGroup(String group, boolean clusterGroup) {
        try {
            if (clusterGroup) {
                rds.deleteDBClusterParameterGroup(r -> r.dbClusterParameterGroupName(group));
            } else {
                rds.deleteDBParameterGroup(r -> r.dbParameterGroupName(group));
            }
        } catch (AwsServiceException e) {
            if (!AwsErrors.isNotFound(e)) {
                throw e;
            }
        }
    }

    public boolean parameterGroupExists(String name, boolean clusterGroup) {
        return unlessNotFound(() -> Optional.of(clusterGroup
                ? !rds.describeDBClusterParameterGroups(r -> r.dbClusterParameterGroupName(name)).dbClusterParameterGroups().isEmpty()
                : !rds.describeDBParameterGroups(r -> r.dbParameterGroupName(name)).dbParameterGroups().isEmpty()))
                .orElse(false);
    }

    public Optional<String> parameterValue(String group, boolean clusterGroup, String parameter) {
        List<Parameter> parameters = clusterGroup
                ? rds.describeDBClusterParametersPaginator(r -> r.dbClusterParameterGroupName(group)).parameters().stream().toList()
                : rds.describeDBParametersPaginator(r -> r.dbParameterGroupName(group)).parameters().stream().toList();
        return parameters.stream().filter(p -> parameter.equals(p.parameterName()))
                .map(Parameter::parameterValue).filter(v -> v != null).findFirst();
    }

    public void attachParameterGroup(DbResource resource, String group) {
        if (resource.cluster()) {
            rds.modifyDBCluster(r -> r.dbClusterIdentifier(resource.identifier()).dbClusterParameterGroupName(group)
                    .applyImmediately(true));
        } else {
            rds.modifyDBInstance(r -> r.dbInstanceIdentifier(resource.identifier()).dbParameterGroupName(group)
                    .applyImmediately(true));
        }
    }

    public void reboot(String instanceIdentifier) {
        rds.rebootDBInstance(r -> r.dbInstanceIdentifier(instanceIdentifier));
    }

    // ---------- clone, create ----------

    /** An Aurora copy-on-write clone of {@code source} with Blue's network, key, tags and protection. */
    public void cloneAuroraCluster(String source, String target, BlueSettings blue, String parameterGroup, List<Tag> tags) {
        rds.restoreDBClusterToPointInTime(r -> r.sourceDBClusterIdentifier(source).dbClusterIdentifier(target)
                .restoreType("copy-on-write").useLatestRestorableTime(true).dbClusterParameterGroupName(parameterGroup)
                .dbSubnetGroupName(blue.subnetGroup()).vpcSecurityGroupIds(blue.securityGroups()).kmsKeyId(blue.kmsKeyId())
                .deletionProtection(blue.deletionProtection()).copyTagsToSnapshot(blue.copyTagsToSnapshot()).tags(tags));
    }

    /** An instance of an Aurora cluster set like {@code like} (Blue's instance of the same role). */
    public void createAuroraInstance(String cluster, String instance, InstanceSettings like, String instanceClass,
                                     List<Tag> tags) {
        rds.createDBInstance(r -> r.dbClusterIdentifier(cluster).dbInstanceIdentifier(instance).engine("aurora-postgresql")
                .dbInstanceClass(instanceClass).dbParameterGroupName(like.parameterGroup())
                .monitoringInterval(like.monitoringInterval())
                .monitoringRoleArn(like.monitoringInterval() > 0 ? like.monitoringRoleArn() : null)
                .enablePerformanceInsights(like.performanceInsights())
                .performanceInsightsKMSKeyId(like.performanceInsights() ? like.performanceInsightsKmsKeyId() : null)
                .performanceInsightsRetentionPeriod(like.performanceInsights() ? like.performanceInsightsRetention() : null)
                .promotionTier(like.promotionTier()).tags(tags));
    }

    public void createInstanceSnapshot(String instance, String snapshot, List<Tag> tags) {
        rds.createDBSnapshot(r -> r.dbInstanceIdentifier(instance).dbSnapshotIdentifier(snapshot).tags(tags));
    }

    /** An RDS instance restored from a snapshot with Blue's network, class, Multi-AZ, tags and protection. */
    public void restoreInstanceFromSnapshot(String snapshot, String target, BlueSettings blue, String instanceClass,
                                            String parameterGroup, List<Tag> tags) {
        rds.restoreDBInstanceFromDBSnapshot(r -> r.dbSnapshotIdentifier(snapshot).dbInstanceIdentifier(target)
                .dbInstanceClass(instanceClass).dbParameterGroupName(parameterGroup).dbSubnetGroupName(blue.subnetGroup())
                .vpcSecurityGroupIds(blue.securityGroups()).multiAZ(blue.multiAz()).deletionProtection(blue.deletionProtection())
                .copyTagsToSnapshot(blue.copyTagsToSnapshot()).tags(tags));
    }

    /**
     * Sets what a restore or a create cannot take (monitoring, Performance Insights and, for an RDS instance,
     * backup retention) as {@code like} has them.
     */
    public void matchInstance(String identifier, InstanceSettings like, boolean backupRetention) {
        rds.modifyDBInstance(r -> r.dbInstanceIdentifier(identifier).applyImmediately(true)
                .monitoringInterval(like.monitoringInterval())
                .monitoringRoleArn(like.monitoringInterval() > 0 ? like.monitoringRoleArn() : null)
                .enablePerformanceInsights(like.performanceInsights())
                .performanceInsightsKMSKeyId(like.performanceInsights() ? like.performanceInsightsKmsKeyId() : null)
                .performanceInsightsRetentionPeriod(like.performanceInsights() ? like.performanceInsightsRetention() : null)
                .backupRetentionPeriod(backupRetention ? like.backupRetention() : null));
    }

    /** An Aurora cluster's backup retention, as Blue's. */
    public void setClusterBackupRetention(String cluster, int days) {
        rds.modifyDBCluster(r -> r.dbClusterIdentifier(cluster).backupRetentionPeriod(days).applyImmediately(true));
    }

    /** Deletion protection off, so a resource this upgrade made can be deleted on rollback. */
    public void disableDeletionProtection(String identifier, boolean aurora) {
        if (aurora) {
            rds.modifyDBCluster(r -> r.dbClusterIdentifier(identifier).deletionProtection(false).applyImmediately(true));
        } else {
            rds.modifyDBInstance(r -> r.dbInstanceIdentifier(identifier).deletionProtection(false).applyImmediately(true));
        }
    }

    // ---------- upgrade, rename, delete ----------

    /**
     * The major version upgrade, applied now, with the target family's group ({@code instanceGroup}: the Aurora
     * instances' group of the target family, or null for the family's default).
     */
    public void upgradeEngine(DbResource resource, String targetVersion, String parameterGroup, String instanceGroup) {
        if (resource.cluster()) {
            rds.modifyDBCluster(r -> r.dbClusterIdentifier(resource.identifier()).engineVersion(targetVersion)
                    .allowMajorVersionUpgrade(true).applyImmediately(true).dbClusterParameterGroupName(parameterGroup)
                    .dbInstanceParameterGroupName(instanceGroup));
        } else {
            rds.modifyDBInstance(r -> r.dbInstanceIdentifier(resource.identifier()).engineVersion(targetVersion)
                    .allowMajorVersionUpgrade(true).applyImmediately(true).dbParameterGroupName(parameterGroup));
        }
    }

    public void rename(DbResource resource, String newIdentifier) {
        if (resource.cluster()) {
            rds.modifyDBCluster(r -> r.dbClusterIdentifier(resource.identifier()).newDBClusterIdentifier(newIdentifier)
                    .applyImmediately(true));
        } else {
            rds.modifyDBInstance(r -> r.dbInstanceIdentifier(resource.identifier()).newDBInstanceIdentifier(newIdentifier)
                    .applyImmediately(true));
        }
    }

    public void deleteInstance(String identifier) {
        rds.deleteDBInstance(r -> r.dbInstanceIdentifier(identifier).skipFinalSnapshot(true).deleteAutomatedBackups(true));
    }

    public void deleteCluster(String identifier) {
        rds.deleteDBCluster(r -> r.dbClusterIdentifier(identifier).skipFinalSnapshot(true));
    }

    /** Deletes an RDS instance, keeping its data in a final snapshot (its automated backups go with it). */
    public void deleteInstanceWithFinalSnapshot(String identifier, String finalSnapshot) {
        rds.deleteDBInstance(r -> r.dbInstanceIdentifier(identifier).skipFinalSnapshot(false)
                .finalDBSnapshotIdentifier(finalSnapshot).deleteAutomatedBackups(true));
    }

    /** Deletes an Aurora cluster (its instances deleted before), keeping its data in a final cluster snapshot. */
    public void deleteClusterWithFinalSnapshot(String identifier, String finalSnapshot) {
        rds.deleteDBCluster(r -> r.dbClusterIdentifier(identifier).skipFinalSnapshot(false)
                .finalDBSnapshotIdentifier(finalSnapshot));
    }

    /** Deletes a snapshot; one that does not exist counts as deleted. */
    public void deleteSnapshot(String identifier, boolean clusterSnapshot) {
        try {
            if (clusterSnapshot) {
                rds.deleteDBClusterSnapshot(r -> r.dbClusterSnapshotIdentifier(identifier));
            } else {
                rds.deleteDBSnapshot(r -> r.dbSnapshotIdentifier(identifier));
            }
        } catch (AwsServiceException e) {
            if (!AwsErrors.isNotFound(e)) {
                throw e;
            }
        }
    }

    // ---------- logs ----------

    /** Every log file of an instance, oldest first. */
    public List<String> logFiles(String instance) {
        List<DescribeDBLogFilesDetails> files = new ArrayList<>(
                rds.describeDBLogFilesPaginator(r -> r.dbInstanceIdentifier(instance)).describeDBLogFiles().stream().toList());
        files.sort(Comparator.comparing(f -> f.lastWritten() == null ? 0L : f.lastWritten()));
        return files.stream().map(DescribeDBLogFilesDetails::logFileName).toList();
    }

    /** A whole log file, every page joined in order. */
    public String downloadLog(String instance, String file, int linesPerPage) {
        StringBuilder text = new StringBuilder();
        String marker = "0";
        for (int page = 0; page < 100_000; page++) {
            String from = marker;
            DownloadDbLogFilePortionResponse portion = rds.downloadDBLogFilePortion(r -> r.dbInstanceIdentifier(instance)
                    .logFileName(file).marker(from).numberOfLines(linesPerPage));
            if (portion.logFileData() != null) {
                text.append(portion.logFileData());
            }
            if (!Boolean.TRUE.equals(portion.additionalDataPending()) || portion.marker() == null
                    || portion.marker().equals(from)) {
                return text.toString();
            }
            marker = portion.marker();
        }
        throw new IllegalStateException("Log " + file + " of " + instance + " did not end after 100000 pages");
    }
}
