package io.bluegreen.local.rds;

import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What the emulator knows, one mutable class per kind of RDS resource. Guarded by the emulator's lock; saved
 * by {@link StateFile}. Field names are the names in the state file.
 */
final class Model {

    private Model() {
    }

    /** A PostgreSQL server the emulator runs (a cluster's volume, or an RDS instance's). */
    static final class Server {
        String id;
        int major;
        int port;
        /** the bootstrap superuser's password, for the emulator's own connections; never logged */
        String adminPassword;
        String root;
        boolean logical;
    }

    /**
     * The settings AWS records on both DB instances and DB clusters (Blue's settings that Green must carry): network,
     * encryption, tags, protection, backups, monitoring and Performance Insights. On an Aurora member the network,
     * encryption, backup, deletion-protection and copy-tags settings are its cluster's.
     */
    abstract static class Resource {
        String subnetGroup;
        List<String> securityGroups = new ArrayList<>();
        String kmsKeyId;
        boolean storageEncrypted;
        Map<String, String> tags = new LinkedHashMap<>();
        boolean deletionProtection;
        int backupRetentionPeriod = 1;
        boolean copyTagsToSnapshot;
        boolean multiAZ;
        String instanceClass;
        int monitoringInterval;
        String monitoringRoleArn;
        boolean performanceInsights;
        String performanceInsightsKmsKeyId;
        int performanceInsightsRetention;
        /** a static parameter of its group changed since the last (re)start: {@code pending-reboot} until a reboot */
        boolean pendingReboot;

        boolean isAuroraMember() {
            return this instanceof Instance i && i.clusterIdentifier != null;
        }
    }

    static final class Cluster extends Resource {
        String identifier;
        String engine;
        String engineVersion;
        String status;
        String serverId;
        String masterUsername;
        String parameterGroup;
        String databaseName;
        Instant created;
        /** where the copy behind this cluster ends, for clones and restored snapshots */
        String snapshotLsn;
        String cloneOf;
    }

    static final class Instance extends Resource {
        String identifier;
        String engine;
        String engineVersion;
        String status;
        /** set for an Aurora member: the cluster's server serves it */
        String clusterIdentifier;
        /** set for an RDS PostgreSQL instance */
        String serverId;
        String parameterGroup;
        String masterUsername;
        String databaseName;
        Instant created;
        String snapshotLsn;
        boolean writer;
    }

    static final class Snapshot {
        String identifier;
        boolean cluster;
        String source;
        String engine;
        String engineVersion;
        String status;
        String masterUsername;
        String directory;
        int port;
        int major;
        String adminPassword;
        boolean logical;
        Instant created;
        String kmsKeyId;
        boolean encrypted;
        /** an instance snapshot: the source's class, the default class of a restore */
        String instanceClass;
        Map<String, String> tags = new LinkedHashMap<>();
    }

    static final class ParameterGroup {
        String name;
        boolean cluster;
        String family;
        String description;
        Map<String, String> parameters = new LinkedHashMap<>();
        /** the ApplyMethod each user parameter was set with */
        Map<String, String> methods = new LinkedHashMap<>();
        Map<String, String> tags = new LinkedHashMap<>();
    }
}
