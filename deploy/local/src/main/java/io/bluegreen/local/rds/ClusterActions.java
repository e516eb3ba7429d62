package io.bluegreen.local.rds;

import io.bluegreen.local.postgres.LocalPostgres;

import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * {@code Describe/Create/Modify/DeleteDBCluster}, {@code RestoreDBClusterToPointInTime} (a clone) and
 * {@code RestoreDBClusterFromSnapshot}: an Aurora cluster is one server; its members are {@link InstanceActions}'.
 */
final class ClusterActions {

    private final RdsState state;
    private final Servers servers;
    private final SnapshotActions snapshots;

    ClusterActions(RdsState state, Servers servers, SnapshotActions snapshots) {
        this.state = state;
        this.servers = servers;
        this.snapshots = snapshots;
    }

    void describeClusters(QueryRequest request, Xml body) {
        Optional<String> id = request.optionalIdentifier("DBClusterIdentifier");
        List<Model.Cluster> found = new ArrayList<>();
        if (id.isPresent()) {
            found.add(state.cluster(id.get()));
        } else {
            found.addAll(state.clusters.values());
        }
        body.open("DBClusters");
        found.forEach(c -> renderCluster(request, body, c));
        body.close("DBClusters");
    }

    void renderCluster(QueryRequest request, Xml body, Model.Cluster c) {
        List<Model.Instance> members = state.instances.values().stream()
                .filter(i -> c.identifier.equals(i.clusterIdentifier)).toList();
        Responses.cluster(body, request.region(), c, servers.port(c.serverId), members,
                state.groupStatus(c.parameterGroup, true, c.serverId, c));
    }

    void createCluster(QueryRequest request, Xml body) {
        String id = request.identifier("DBClusterIdentifier");
        String engine = EngineVersion.checkEngine(request.required("Engine"));
        if (!EngineVersion.AURORA.equals(engine)) {
            throw RdsFault.invalidParameter("CreateDBCluster runs engine " + EngineVersion.AURORA
                    + " here; create an RDS PostgreSQL instance with CreateDBInstance");
        }
        EngineVersion version = request.optional("EngineVersion").map(EngineVersion::parse).orElse(EngineVersion.defaultVersion());
        String master = MasterUser.username(request);
        String password = MasterUser.password(request);
        Model.ParameterGroup group = state.groupFor(request.optional("DBClusterParameterGroupName"), true, engine, version);
        if (state.clusters.containsKey(id)) {
            throw new RdsFault("DBClusterAlreadyExistsFault", 400, "DB cluster " + id + " already exists");
        }
        Model.Cluster c = new Model.Cluster();
        c.identifier = id;
        c.engine = engine;
        c.engineVersion = version.text();
        c.status = "creating";
        c.masterUsername = master;
        c.parameterGroup = group.name;
        c.databaseName = request.optional("DatabaseName").orElse(null);
        c.created = Instant.now();
        Settings.apply(request, c, Settings.ALL, true);
        state.clusters.put(id, c);
        boolean logical = RdsState.isLogical(group);
        String database = c.databaseName;
        state.later("create cluster " + id, () -> {
            Model.Server server = servers.newServer(version.major(), logical, master, password, database);
            synchronized (state.lock) {
                c.serverId = server.id;
            }
        }, e -> c.status = "failed", () -> c.status = "available");
        renderCluster(request, body, c);
    }

    void modifyCluster(QueryRequest request, Xml body) {
        Model.Cluster c = state.cluster(request.identifier("DBClusterIdentifier"));
        state.requireAvailable(c);
        Optional<String> newId = request.optionalIdentifier("NewDBClusterIdentifier");
        Optional<EngineVersion> target = request.optional("EngineVersion").map(EngineVersion::parse);
        Optional<String> groupName = request.optional("DBClusterParameterGroupName");
        EngineVersion current = EngineVersion.parse(c.engineVersion);
        boolean upgrade = target.isPresent() && target.get().major() != current.major();
        EngineVersion family = upgrade ? target.get() : current;
        Model.ParameterGroup group = groupName.isPresent() ? state.groupFor(groupName, true, c.engine, family) : null;
        Optional<String> instanceGroupName = request.optional("DBInstanceParameterGroupName");
        if (instanceGroupName.isPresent() && !upgrade) {
            throw RdsFault.invalidCombination("The parameter DBInstanceParameterGroupName can only be specified for a major"
                    + " version upgrade");
        }
        // a major upgrade moves the members to an instance group of the new family: the one named, else its default
        Model.ParameterGroup instanceGroup = upgrade ? state.groupFor(instanceGroupName, false, c.engine, family) : null;
        if (upgrade) {
            servers.checkUpgrade(request, current, target.get(), servers.postgres(c.serverId),
                    msg -> RdsFault.clusterState(c.identifier, c.status, msg));
        }
        boolean renamed = newId.isPresent() && !newId.get().equals(c.identifier);
        if (renamed && state.clusters.containsKey(newId.get())) {
            throw new RdsFault("DBClusterAlreadyExistsFault", 400, "DB cluster " + newId.get() + " already exists");
        }
        Settings.apply(request, c, Settings.CLUSTER_MODIFY, true);
        if (renamed) {
            state.clusters.remove(c.identifier);
            state.instances.values().stream().filter(i -> c.identifier.equals(i.clusterIdentifier))
                    .forEach(i -> i.clusterIdentifier = newId.get());
            c.identifier = newId.get();
            state.clusters.put(c.identifier, c);
        }
        if (group != null) {
            c.parameterGroup = group.name;
        }
        if (instanceGroup != null) {
            state.instances.values().stream().filter(i -> c.identifier.equals(i.clusterIdentifier))
                    .forEach(i -> i.parameterGroup = instanceGroup.name);
        }
        if (upgrade) {
            c.status = "upgrading";
            String oldServer = c.serverId;
            boolean logical = RdsState.isLogical(state.group(c.parameterGroup, true));
            state.later("upgrade cluster " + c.identifier + " to " + target.get(), () -> {
                String newServer = servers.upgradeServer(oldServer, target.get().major(), logical);
                synchronized (state.lock) {
                    c.serverId = newServer;
                    c.engineVersion = target.get().text();
                    c.snapshotLsn = null;
                }
            }, e -> c.status = "available", () -> c.status = "available");
        } else {
            if (target.isPresent()) {
                c.engineVersion = target.get().text();
            }
            c.status = "modifying";
            state.later("modify cluster " + c.identifier, () -> {
            }, e -> {
            }, () -> c.status = "available");
        }
        renderCluster(request, body, c);
    }

    void deleteCluster(QueryRequest request, Xml body) {
        Model.Cluster c = state.cluster(request.identifier("DBClusterIdentifier"));
        if (c.deletionProtection) {
            throw RdsFault.invalidCombination("Cannot delete protected Cluster, please disable deletion protection and"
                    + " try again.");
        }
        Optional<String> finalSnapshot = snapshots.finalSnapshotId(request, true);
        List<String> members = state.instances.values().stream().filter(i -> c.identifier.equals(i.clusterIdentifier))
                .map(i -> i.identifier).toList();
        if (!members.isEmpty()) {
            throw RdsFault.clusterState(c.identifier, c.status, "it still contains DB instances " + members
                    + ": delete them first");
        }
        if ("deleting".equals(c.status) || "creating".equals(c.status) || "upgrading".equals(c.status)) {
            throw RdsFault.clusterState(c.identifier, c.status, "wait until it is available");
        }
        Model.Snapshot snapshot = finalSnapshot.map(id -> snapshots.recordSnapshot(id, c, c.identifier, c.engine,
                c.engineVersion, c.masterUsername, c.serverId, null, Map.of())).orElse(null);
        c.status = "deleting";
        String serverId = c.serverId;
        LocalPostgres postgres = servers.postgres(serverId);
        state.later("delete cluster " + c.identifier, () -> {
            if (snapshot != null) {
                SnapshotActions.copySnapshot(snapshot, postgres);
            }
            servers.dropServer(serverId);
        }, e -> {
            c.status = "failed";
            if (snapshot != null) {
                state.snapshots.remove(state.snapshotKey(snapshot.identifier, true), snapshot);
            }
        }, () -> {
            state.clusters.remove(c.identifier, c);
            if (snapshot != null) {
                snapshot.status = "available";
            }
        });
        renderCluster(request, body, c);
    }

    void cloneCluster(QueryRequest request, Xml body) {
        String sourceId = request.identifier("SourceDBClusterIdentifier");
        String id = request.identifier("DBClusterIdentifier");
        String restoreType = request.optional("RestoreType").orElse("full-copy");
        if (!restoreType.equals("copy-on-write") && !restoreType.equals("full-copy")) {
            throw RdsFault.invalidParameter("Invalid RestoreType " + restoreType + ": copy-on-write or full-copy");
        }
        if (!request.flag("UseLatestRestorableTime")) {
            throw RdsFault.invalidCombination(request.optional("RestoreToTime").isPresent()
                    ? "RestoreToTime is not supported by the local endpoint: use UseLatestRestorableTime=true"
                    : "Either RestoreToTime or UseLatestRestorableTime must be given");
        }
        Model.Cluster source = state.cluster(sourceId);
        state.requireAvailable(source);
        if (state.clusters.containsKey(id)) {
            throw new RdsFault("DBClusterAlreadyExistsFault", 400, "DB cluster " + id + " already exists");
        }
        EngineVersion version = EngineVersion.parse(source.engineVersion);
        Model.ParameterGroup group = state.groupFor(Optional.of(request.optional("DBClusterParameterGroupName")
                .orElse(source.parameterGroup)), true, source.engine, version);
        Model.Cluster c = new Model.Cluster();
        c.identifier = id;
        c.engine = source.engine;
        c.engineVersion = source.engineVersion;
        c.status = "creating";
        c.masterUsername = source.masterUsername;
        c.parameterGroup = group.name;
        c.databaseName = source.databaseName;
        c.created = Instant.now();
        c.cloneOf = source.identifier;
        c.kmsKeyId = source.kmsKeyId;
        c.storageEncrypted = source.storageEncrypted;
        Settings.apply(request, c, Settings.CLUSTER_RESTORE, true);
        state.clusters.put(id, c);
        Model.Server sourceServer = state.servers.get(source.serverId);
        LocalPostgres sourcePostgres = servers.postgres(source.serverId);
        state.later("clone " + sourceId + " to " + id, () -> {
            Model.Server server = servers.prepareServer(sourceServer.major, sourceServer.adminPassword, sourceServer.logical);
            PhysicalCopy.take(sourcePostgres, Path.of(server.root).resolve("data"));
            String lsn = servers.startCopy(server, true);
            synchronized (state.lock) {
                c.serverId = server.id;
                c.snapshotLsn = lsn;
            }
        }, e -> c.status = "failed", () -> c.status = "available");
        renderCluster(request, body, c);
    }

    void restoreCluster(QueryRequest request, Xml body) {
        String id = request.identifier("DBClusterIdentifier");
        Model.Snapshot snapshot = state.availableSnapshot(request.identifier("SnapshotIdentifier"), true);
        String engine = EngineVersion.checkEngine(request.optional("Engine").orElse(snapshot.engine));
        if (!engine.equals(snapshot.engine)) {
            throw RdsFault.invalidCombination("Snapshot " + snapshot.identifier + " is " + snapshot.engine
                    + "; it cannot be restored as " + engine);
        }
        if (state.clusters.containsKey(id)) {
            throw new RdsFault("DBClusterAlreadyExistsFault", 400, "DB cluster " + id + " already exists");
        }
        EngineVersion snapshotVersion = EngineVersion.parse(snapshot.engineVersion);
        EngineVersion version = request.optional("EngineVersion").map(EngineVersion::parse).orElse(snapshotVersion);
        boolean upgrade = version.major() != snapshotVersion.major();
        if (upgrade) {
            servers.checkSnapshotUpgrade(snapshot, snapshotVersion, version);
        }
        Model.ParameterGroup group = state.groupFor(request.optional("DBClusterParameterGroupName"), true, engine, version);
        Model.Cluster c = new Model.Cluster();
        c.identifier = id;
        c.engine = engine;
        c.engineVersion = version.text();
        c.status = "creating";
        c.masterUsername = snapshot.masterUsername;
        c.parameterGroup = group.name;
        c.created = Instant.now();
        c.kmsKeyId = snapshot.kmsKeyId;
        c.storageEncrypted = snapshot.encrypted;
        Settings.apply(request, c, Settings.CLUSTER_RESTORE, true);
        if (c.tags.isEmpty()) {
            c.tags.putAll(snapshot.tags);
        }
        state.clusters.put(id, c);
        boolean logical = RdsState.isLogical(group);
        state.later("restore cluster " + id + " from " + snapshot.identifier, () -> {
            Servers.Restored restored = servers.restoreServer(snapshot, upgrade ? version.major() : 0, logical, true);
            synchronized (state.lock) {
                c.serverId = restored.serverId();
                c.snapshotLsn = restored.lsn();
            }
        }, e -> c.status = "failed", () -> c.status = "available");
        renderCluster(request, body, c);
    }
}
