package io.bluegreen.local.rds;

import io.bluegreen.local.postgres.LocalPostgres;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * {@code Describe/Create/Modify/Delete/RebootDBInstance} and {@code RestoreDBInstanceFromDBSnapshot}: an RDS
 * PostgreSQL instance is one server; an Aurora member is an endpoint onto its cluster's.
 */
final class InstanceActions {

    private final RdsState state;
    private final Servers servers;
    private final SnapshotActions snapshots;

    InstanceActions(RdsState state, Servers servers, SnapshotActions snapshots) {
        this.state = state;
        this.servers = servers;
        this.snapshots = snapshots;
    }

    void describeInstances(QueryRequest request, Xml body) {
        Optional<String> id = request.optionalIdentifier("DBInstanceIdentifier");
        List<Model.Instance> found = new ArrayList<>();
        if (id.isPresent()) {
            found.add(state.instance(id.get()));
        } else {
            found.addAll(state.instances.values());
        }
        body.open("DBInstances");
        found.forEach(i -> renderInstance(request, body, i));
        body.close("DBInstances");
    }

    void renderInstance(QueryRequest request, Xml body, Model.Instance i) {
        Model.Cluster c = i.clusterIdentifier == null ? null : state.clusters.get(i.clusterIdentifier);
        String serverId = c != null ? c.serverId : i.serverId;
        String version = c != null ? c.engineVersion : i.engineVersion;
        boolean memberReady = c == null || !"creating".equals(i.status);
        String status = state.groupStatus(i.parameterGroup, false, serverId, i);
        Responses.instance(body, request.region(), i, c, version, memberReady ? servers.port(serverId) : null, status);
    }

    void createInstance(QueryRequest request, Xml body) {
        String id = request.identifier("DBInstanceIdentifier");
        String instanceClass = request.required("DBInstanceClass");
        Settings.checkInstanceClass(instanceClass);
        String engine = EngineVersion.checkEngine(request.required("Engine"));
        Optional<String> clusterId = request.optionalIdentifier("DBClusterIdentifier");
        if (state.instances.containsKey(id)) {
            throw new RdsFault("DBInstanceAlreadyExists", 400, "DB instance " + id + " already exists");
        }
        Model.Instance i = new Model.Instance();
        i.identifier = id;
        i.instanceClass = instanceClass;
        i.engine = engine;
        i.created = Instant.now();
        i.status = "creating";
        if (clusterId.isPresent()) {
            Model.Cluster c = state.cluster(clusterId.get());
            if (!engine.equals(c.engine)) {
                throw RdsFault.invalidCombination("DB cluster " + c.identifier + " runs " + c.engine
                        + "; its instances must use the same engine, not " + engine);
            }
            if ("deleting".equals(c.status)) {
                throw RdsFault.clusterState(c.identifier, c.status, "instances cannot be added");
            }
            i.clusterIdentifier = c.identifier;
            i.masterUsername = c.masterUsername;
            i.databaseName = c.databaseName;
            i.parameterGroup = request.optional("DBParameterGroupName")
                    .orElse("default." + EngineVersion.parse(c.engineVersion).family(c.engine));
            Settings.refuseClusterSettings(request, true);
            Settings.apply(request, i, Settings.MEMBER, false);
            i.writer = state.instances.values().stream().noneMatch(m -> c.identifier.equals(m.clusterIdentifier) && m.writer);
            state.instances.put(id, i);
            state.later("create instance " + id + " in " + c.identifier, () -> awaitCluster(c), e -> i.status = "failed",
                    () -> i.status = "available");
        } else {
            if (EngineVersion.AURORA.equals(engine)) {
                throw RdsFault.invalidCombination("An " + EngineVersion.AURORA
                        + " instance belongs to a DB cluster: give DBClusterIdentifier");
            }
            EngineVersion version = request.optional("EngineVersion").map(EngineVersion::parse).orElse(EngineVersion.defaultVersion());
            String master = MasterUser.username(request);
            String password = MasterUser.password(request);
            Model.ParameterGroup group = state.groupFor(request.optional("DBParameterGroupName"), false, engine, version);
            i.engineVersion = version.text();
            i.masterUsername = master;
            i.databaseName = request.optional("DBName").orElse(null);
            i.parameterGroup = group.name;
            Settings.apply(request, i, Settings.ALL, false);
            state.instances.put(id, i);
            boolean logical = RdsState.isLogical(group);
            String database = i.databaseName;
            state.later("create instance " + id, () -> {
                Model.Server server = servers.newServer(version.major(), logical, master, password, database);
                synchronized (state.lock) {
                    i.serverId = server.id;
                }
            }, e -> i.status = "failed", () -> i.status = "available");
        }
        renderInstance(request, body, i);
    }

    void modifyInstance(QueryRequest request, Xml body) {
        Model.Instance i = state.instance(request.identifier("DBInstanceIdentifier"));
        state.requireAvailable(i);
        Optional<String> newId = request.optionalIdentifier("NewDBInstanceIdentifier");
        Optional<EngineVersion> target = request.optional("EngineVersion").map(EngineVersion::parse);
        Optional<String> groupName = request.optional("DBParameterGroupName");
        boolean upgrade = false;
        Model.ParameterGroup group = null;
        boolean renamed = newId.isPresent() && !newId.get().equals(i.identifier);
        if (renamed && state.instances.containsKey(newId.get())) {
            throw new RdsFault("DBInstanceAlreadyExists", 400, "DB instance " + newId.get() + " already exists");
        }
        if (i.clusterIdentifier != null) {
            if (target.isPresent()) {
                throw RdsFault.invalidCombination("DB instance " + i.identifier + " is a member of DB cluster "
                        + i.clusterIdentifier + ": modify the engine version of the cluster");
            }
            Settings.refuseClusterSettings(request, false);
            Model.Cluster c = state.cluster(i.clusterIdentifier);
            group = groupName.isPresent() ? state.groupFor(groupName, false, i.engine, EngineVersion.parse(c.engineVersion)) : null;
            Settings.apply(request, i, Settings.MEMBER, false);
        } else {
            EngineVersion current = EngineVersion.parse(i.engineVersion);
            upgrade = target.isPresent() && target.get().major() != current.major();
            group = groupName.isPresent() ? state.groupFor(groupName, false, i.engine, upgrade ? target.get() : current) : null;
            if (upgrade) {
                servers.checkUpgrade(request, current, target.get(), servers.postgres(i.serverId),
                        msg -> RdsFault.instanceState(i.identifier, i.status, msg));
            }
            Settings.apply(request, i, Settings.INSTANCE_MODIFY, false);
        }
        if (renamed) {
            state.instances.remove(i.identifier);
            i.identifier = newId.get();
            state.instances.put(i.identifier, i);
        }
        if (group != null) {
            i.parameterGroup = group.name;
        }
        if (upgrade) {
            i.status = "upgrading";
            String oldServer = i.serverId;
            boolean logical = RdsState.isLogical(state.group(i.parameterGroup, false));
            EngineVersion to = target.get();
            state.later("upgrade instance " + i.identifier + " to " + to, () -> {
                String newServer = servers.upgradeServer(oldServer, to.major(), logical);
                synchronized (state.lock) {
                    i.serverId = newServer;
                    i.engineVersion = to.text();
                    i.snapshotLsn = null;
                }
            }, e -> i.status = "available", () -> i.status = "available");
        } else {
            if (target.isPresent()) {
                i.engineVersion = target.get().text();
            }
            i.status = "modifying";
            state.later("modify instance " + i.identifier, () -> {
            }, e -> {
            }, () -> i.status = "available");
        }
        renderInstance(request, body, i);
    }

    void deleteInstance(QueryRequest request, Xml body) {
        Model.Instance i = state.instance(request.identifier("DBInstanceIdentifier"));
        if (i.deletionProtection) {
            throw RdsFault.invalidCombination("Cannot delete protected DB Instance, please disable deletion protection"
                    + " and try again.");
        }
        // an Aurora member's data is its cluster's: no final snapshot (DeleteDBCluster takes it)
        Optional<String> finalSnapshot = i.clusterIdentifier == null ? snapshots.finalSnapshotId(request, false) : Optional.empty();
        if ("deleting".equals(i.status) || "creating".equals(i.status) || "upgrading".equals(i.status)) {
            throw RdsFault.instanceState(i.identifier, i.status, "wait until it is available");
        }
        Model.Snapshot snapshot = finalSnapshot.map(id -> snapshots.recordSnapshot(id, i, i.identifier, i.engine,
                i.engineVersion, i.masterUsername, i.serverId, i.instanceClass, Map.of())).orElse(null);
        i.status = "deleting";
        String serverId = i.serverId;
        LocalPostgres postgres = serverId == null ? null : servers.postgres(serverId);
        state.later("delete instance " + i.identifier, () -> {
            if (snapshot != null) {
                SnapshotActions.copySnapshot(snapshot, postgres);
            }
            if (serverId != null) {
                servers.dropServer(serverId);
            }
        }, e -> {
            i.status = "failed";
            if (snapshot != null) {
                state.snapshots.remove(state.snapshotKey(snapshot.identifier, false), snapshot);
            }
        }, () -> {
            if (snapshot != null) {
                snapshot.status = "available";
            }
            state.instances.remove(i.identifier, i);
            if (i.writer && i.clusterIdentifier != null) {
                state.instances.values().stream().filter(m -> i.clusterIdentifier.equals(m.clusterIdentifier)).findFirst()
                        .ifPresent(m -> m.writer = true);
            }
        });
        renderInstance(request, body, i);
    }

    void rebootInstance(QueryRequest request, Xml body) {
        Model.Instance i = state.instance(request.identifier("DBInstanceIdentifier"));
        state.requireAvailable(i);
        boolean member = i.clusterIdentifier != null;
        Model.Cluster c = member ? state.clusters.get(i.clusterIdentifier) : null;
        String serverId = member ? c.serverId : i.serverId;
        boolean logical = RdsState.isLogical(member ? state.group(c.parameterGroup, true) : state.group(i.parameterGroup, false));
        i.status = "rebooting";
        state.later("reboot " + i.identifier, () -> servers.restartApplying(serverId, logical), e -> i.status = "available",
                () -> {
                    i.status = "available";
                    i.pendingReboot = false;
                    if (c != null) {
                        c.pendingReboot = false;
                    }
                });
        renderInstance(request, body, i);
    }

    void restoreInstance(QueryRequest request, Xml body) {
        String id = request.identifier("DBInstanceIdentifier");
        Model.Snapshot snapshot = state.availableSnapshot(request.identifier("DBSnapshotIdentifier"), false);
        if (state.instances.containsKey(id)) {
            throw new RdsFault("DBInstanceAlreadyExists", 400, "DB instance " + id + " already exists");
        }
        EngineVersion snapshotVersion = EngineVersion.parse(snapshot.engineVersion);
        EngineVersion version = request.optional("EngineVersion").map(EngineVersion::parse).orElse(snapshotVersion);
        boolean upgrade = version.major() != snapshotVersion.major();
        if (upgrade) {
            servers.checkSnapshotUpgrade(snapshot, snapshotVersion, version);
        }
        Model.ParameterGroup group = state.groupFor(request.optional("DBParameterGroupName"), false, snapshot.engine, version);
        Model.Instance i = new Model.Instance();
        i.identifier = id;
        i.instanceClass = snapshot.instanceClass == null ? "db.t3.micro" : snapshot.instanceClass;
        i.kmsKeyId = snapshot.kmsKeyId;
        i.storageEncrypted = snapshot.encrypted;
        Settings.apply(request, i, Settings.INSTANCE_RESTORE, false);
        if (i.tags.isEmpty()) {
            i.tags.putAll(snapshot.tags);
        }
        i.engine = snapshot.engine;
        i.engineVersion = version.text();
        i.status = "creating";
        i.masterUsername = snapshot.masterUsername;
        i.parameterGroup = group.name;
        i.created = Instant.now();
        state.instances.put(id, i);
        boolean logical = RdsState.isLogical(group);
        state.later("restore instance " + id + " from " + snapshot.identifier, () -> {
            Servers.Restored restored = servers.restoreServer(snapshot, upgrade ? version.major() : 0, logical, false);
            synchronized (state.lock) {
                i.serverId = restored.serverId();
                i.snapshotLsn = restored.lsn();
            }
        }, e -> i.status = "failed", () -> i.status = "available");
        renderInstance(request, body, i);
    }

    /** Waits (on a worker) until a cluster's server exists, for members created together with their cluster. */
    void awaitCluster(Model.Cluster c) throws InterruptedException {
        while (true) {
            synchronized (state.lock) {
                if (c.serverId != null || "failed".equals(c.status)) {
                    return;
                }
            }
            Thread.sleep(50);
        }
    }
}
