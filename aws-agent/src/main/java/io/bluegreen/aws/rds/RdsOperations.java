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
import software.amazon.awssdk.services.rds.model.Parameter;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;

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

    public Optional<DbResource> cluster(String identifier) {
        try {
            List<DBCluster> clusters = rds.describeDBClusters(r -> r.dbClusterIdentifier(identifier)).dbClusters();
            return clusters.stream().findFirst().map(this::toResource);
        } catch (AwsServiceException e) {
            if (AwsErrors.isNotFound(e)) {
                return Optional.empty();
            }
            throw e;
        }
    }

    public Optional<DbResource> instance(String identifier) {
        try {
            List<DBInstance> instances = rds.describeDBInstances(r -> r.dbInstanceIdentifier(identifier)).dbInstances();
            return instances.stream().findFirst().map(RdsOperations::toResource);
        } catch (AwsServiceException e) {
            if (AwsErrors.isNotFound(e)) {
                return Optional.empty();
            }
            throw e;
        }
    }

    /** The cluster (Aurora) or instance (RDS) of this identifier. */
    public Optional<DbResource> resource(String identifier, boolean aurora) {
        return aurora ? cluster(identifier) : instance(identifier);
    }

    public Optional<String> snapshotStatus(String snapshotIdentifier, boolean clusterSnapshot) {
        try {
            if (clusterSnapshot) {
                return rds.describeDBClusterSnapshots(r -> r.dbClusterSnapshotIdentifier(snapshotIdentifier))
                        .dbClusterSnapshots().stream().findFirst().map(s -> s.status());
            }
            return rds.describeDBSnapshots(r -> r.dbSnapshotIdentifier(snapshotIdentifier))
                    .dbSnapshots().stream().findFirst().map(s -> s.status());
        } catch (AwsServiceException e) {
            if (AwsErrors.isNotFound(e)) {
                return Optional.empty();
            }
            throw e;
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

    /** Creates the group when missing and sets rds.logical_replication = 1 (pending-reboot) when not yet set. */
    public boolean ensureLogicalReplicationGroup(String name, String family, boolean clusterGroup) {
        boolean changed = false;
        if (!parameterGroupExists(name, clusterGroup)) {
            String description = "bluegreen: logical replication on";
            try {
                if (clusterGroup) {
                    rds.createDBClusterParameterGroup(r -> r.dbClusterParameterGroupName(name)
                            .dbParameterGroupFamily(family).description(description));
                } else {
                    rds.createDBParameterGroup(r -> r.dbParameterGroupName(name)
                            .dbParameterGroupFamily(family).description(description));
                }
            } catch (RuntimeException e) {
                if (!AwsErrors.isAlreadyExists(e)) {
                    throw e;
                }
                // another upgrade created the shared group at the same moment: use it
            }
            changed = true;
        }
        if (!"1".equals(parameterValue(name, clusterGroup, LOGICAL_REPLICATION).orElse(null))) {
            Parameter on = Parameter.builder().parameterName(LOGICAL_REPLICATION).parameterValue("1")
                    .applyMethod(ApplyMethod.PENDING_REBOOT).build();
            if (clusterGroup) {
                rds.modifyDBClusterParameterGroup(r -> r.dbClusterParameterGroupName(name).parameters(on));
            } else {
                rds.modifyDBParameterGroup(r -> r.dbParameterGroupName(name).parameters(on));
            }
            changed = true;
        }
        return changed;
    }

    private boolean parameterGroupExists(String name, boolean clusterGroup) {
        try {
            if (clusterGroup) {
                return !rds.describeDBClusterParameterGroups(r -> r.dbClusterParameterGroupName(name))
                        .dbClusterParameterGroups().isEmpty();
            }
            return !rds.describeDBParameterGroups(r -> r.dbParameterGroupName(name)).dbParameterGroups().isEmpty();
        } catch (AwsServiceException e) {
            if (AwsErrors.isNotFound(e)) {
                return false;
            }
            throw e;
        }
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

    public void cloneAuroraCluster(String source, String target, String parameterGroup) {
        rds.restoreDBClusterToPointInTime(r -> r.sourceDBClusterIdentifier(source).dbClusterIdentifier(target)
                .restoreType("copy-on-write").useLatestRestorableTime(true).dbClusterParameterGroupName(parameterGroup));
    }

    public void createAuroraInstance(String cluster, String instance, String instanceClass) {
        rds.createDBInstance(r -> r.dbClusterIdentifier(cluster).dbInstanceIdentifier(instance)
                .dbInstanceClass(instanceClass).engine("aurora-postgresql"));
    }

    public void createInstanceSnapshot(String instance, String snapshot) {
        rds.createDBSnapshot(r -> r.dbInstanceIdentifier(instance).dbSnapshotIdentifier(snapshot));
    }

    public void restoreInstanceFromSnapshot(String snapshot, String target, String instanceClass, String parameterGroup) {
        rds.restoreDBInstanceFromDBSnapshot(r -> r.dbSnapshotIdentifier(snapshot).dbInstanceIdentifier(target)
                .dbInstanceClass(instanceClass).dbParameterGroupName(parameterGroup));
    }

    public void createAuroraCluster(String identifier, String engineVersion, String username, String password,
                                    String parameterGroup) {
        rds.createDBCluster(r -> r.dbClusterIdentifier(identifier).engine("aurora-postgresql").engineVersion(engineVersion)
                .masterUsername(username).masterUserPassword(password).dbClusterParameterGroupName(parameterGroup));
    }

    public void createPostgresInstance(String identifier, String engineVersion, String instanceClass, String username,
                                       String password, String parameterGroup) {
        rds.createDBInstance(r -> r.dbInstanceIdentifier(identifier).engine("postgres").engineVersion(engineVersion)
                .dbInstanceClass(instanceClass).allocatedStorage(20).masterUsername(username)
                .masterUserPassword(password).dbParameterGroupName(parameterGroup));
    }

    // ---------- upgrade, rename, delete ----------

    public void upgradeEngine(DbResource resource, String targetVersion, String parameterGroup) {
        if (resource.cluster()) {
            rds.modifyDBCluster(r -> r.dbClusterIdentifier(resource.identifier()).engineVersion(targetVersion)
                    .allowMajorVersionUpgrade(true).applyImmediately(true).dbClusterParameterGroupName(parameterGroup));
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
