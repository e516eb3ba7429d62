package io.bluegreen.local.rds;

import java.time.Instant;
import java.util.LinkedHashMap;
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

    static final class Cluster {
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

    static final class Instance {
        String identifier;
        String engine;
        String engineVersion;
        String status;
        /** set for an Aurora member: the cluster's server serves it */
        String clusterIdentifier;
        /** set for an RDS PostgreSQL instance */
        String serverId;
        String instanceClass;
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
    }

    static final class ParameterGroup {
        String name;
        boolean cluster;
        String family;
        String description;
        Map<String, String> parameters = new LinkedHashMap<>();
    }
}
