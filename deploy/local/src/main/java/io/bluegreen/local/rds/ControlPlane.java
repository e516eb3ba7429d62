package io.bluegreen.local.rds;

import io.bluegreen.local.postgres.LocalPostgres;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * The RDS control plane the emulator answers with: it routes each action to the handler of its kind of resource
 * ({@link ClusterActions}, {@link InstanceActions}, {@link SnapshotActions}, {@link ParameterGroupActions},
 * {@link TagActions}, {@link LogActions}, {@link EngineVersionActions}), each call under the one lock of the shared
 * {@link RdsState}, and saves the state after it. Calls validate and change the model at once, answer, and leave the
 * slow part (initdb, a physical copy, an upgrade, a restart) to a worker ({@link Servers}); the resource shows a
 * transient status ({@code creating}, {@code modifying}, {@code rebooting}, {@code upgrading}, {@code backing-up},
 * {@code deleting}) until the work is done and at least the transition delay has passed, as on AWS, where callers
 * poll or wait. It also resumes a saved state at start and stops every server at close.
 */
final class ControlPlane implements AutoCloseable {

    /** Every action this endpoint answers. */
    static final List<String> ACTIONS = List.of("DescribeDBClusters", "CreateDBCluster", "ModifyDBCluster",
            "DeleteDBCluster", "RestoreDBClusterToPointInTime", "CreateDBClusterSnapshot", "DescribeDBClusterSnapshots",
            "DeleteDBClusterSnapshot", "RestoreDBClusterFromSnapshot", "DescribeDBInstances", "CreateDBInstance",
            "ModifyDBInstance", "DeleteDBInstance", "RebootDBInstance", "CreateDBSnapshot", "DescribeDBSnapshots",
            "DeleteDBSnapshot", "RestoreDBInstanceFromDBSnapshot", "CreateDBClusterParameterGroup",
            "CreateDBParameterGroup", "ModifyDBClusterParameterGroup", "ModifyDBParameterGroup",
            "DescribeDBClusterParameterGroups", "DescribeDBParameterGroups", "DescribeDBClusterParameters",
            "DescribeDBParameters", "DeleteDBClusterParameterGroup", "DeleteDBParameterGroup", "DescribeDBLogFiles",
            "DownloadDBLogFilePortion", "DescribeDBEngineVersions", "ListTagsForResource", "AddTagsToResource",
            "RemoveTagsFromResource", "CopyDBParameterGroup", "CopyDBClusterParameterGroup",
            "DescribeEngineDefaultParameters", "DescribeEngineDefaultClusterParameters");

    private final RdsState state;
    private final Servers servers;
    private final ClusterActions clusters;
    private final InstanceActions instances;
    private final SnapshotActions snapshots;
    private final ParameterGroupActions groups;
    private final TagActions tags;
    private final LogActions logs;

    /** @param durable servers created here run with {@code fsync} and {@code synchronous_commit} on, as on RDS */
    ControlPlane(Path stateDirectory, Duration transitionDelay, boolean durable, InjectedFaults faults) {
        this.state = new RdsState(stateDirectory, transitionDelay, faults);
        this.servers = new Servers(state, durable);
        this.snapshots = new SnapshotActions(state, servers);
        this.clusters = new ClusterActions(state, servers, snapshots);
        this.instances = new InstanceActions(state, servers, snapshots);
        this.groups = new ParameterGroupActions(state);
        this.tags = new TagActions(state);
        this.logs = new LogActions(state, servers);
        groups.ensureDefaultGroups();
        resume();
    }

    /** Starts the servers of a saved state; work that a stop interrupted ends as AWS would end it. */
    private void resume() {
        state.clusters.values().removeIf(c -> "deleting".equals(c.status) && servers.forgetServer(c.serverId));
        state.instances.values().removeIf(i -> "deleting".equals(i.status)
                && (i.serverId == null || servers.forgetServer(i.serverId)));
        state.snapshots.values().removeIf(s -> !"available".equals(s.status));
        for (Model.Server server : List.copyOf(state.servers.values())) {
            if (!Files.isDirectory(Path.of(server.root).resolve("data"))) {
                state.servers.remove(server.id);
                continue;
            }
            LocalPostgres postgres = LocalPostgres.adopt(server.major, server.id, Path.of(server.root), server.adminPassword,
                    server.port);
            servers.track(server, postgres);
        }
        state.clusters.values().forEach(c -> c.status = state.servers.containsKey(c.serverId) ? "available" : "failed");
        state.instances.values().forEach(i -> i.status = i.clusterIdentifier != null
                || state.servers.containsKey(i.serverId) ? "available" : "failed");
        state.save();
    }

    @Override
    public void close() {
        state.stopWork();
        servers.stopAll();
    }

    /** Every server this control plane started (running or stopped). */
    Set<LocalPostgres> startedServers() {
        return servers.started();
    }

    // ------------------------------------------------------------------ hooks for tests and tools

    LocalPostgres server(String identifier) {
        synchronized (state.lock) {
            String serverId = state.serverIdOf(identifier)
                    .orElseThrow(() -> new IllegalArgumentException("No cluster or instance '" + identifier + "'"));
            LocalPostgres postgres = servers.postgres(serverId);
            if (postgres == null) {
                throw new IllegalStateException("The server of '" + identifier + "' is not running");
            }
            return postgres;
        }
    }

    Optional<String> knownSnapshotLsn(String identifier) {
        synchronized (state.lock) {
            Model.Cluster cluster = state.clusters.get(identifier);
            if (cluster != null) {
                return Optional.ofNullable(cluster.snapshotLsn);
            }
            Model.Instance instance = state.instances.get(identifier);
            if (instance == null) {
                throw new IllegalArgumentException("No cluster or instance '" + identifier + "'");
            }
            if (instance.clusterIdentifier != null) {
                return Optional.ofNullable(state.clusters.get(instance.clusterIdentifier).snapshotLsn);
            }
            return Optional.ofNullable(instance.snapshotLsn);
        }
    }

    // ------------------------------------------------------------------ dispatch

    String handle(QueryRequest request) {
        String action = request.action();
        String version = request.optional("Version").orElse(QueryRequest.API_VERSION);
        if (!QueryRequest.API_VERSION.equals(version)) {
            throw RdsFault.invalidParameter("Unsupported Version " + version + "; the RDS API version is "
                    + QueryRequest.API_VERSION);
        }
        Xml body = Xml.fragment();
        synchronized (state.lock) {
            state.handling(action);
            switch (action) {
                case "DescribeDBClusters" -> clusters.describeClusters(request, body);
                case "CreateDBCluster" -> clusters.createCluster(request, body);
                case "ModifyDBCluster" -> clusters.modifyCluster(request, body);
                case "DeleteDBCluster" -> clusters.deleteCluster(request, body);
                case "RestoreDBClusterToPointInTime" -> clusters.cloneCluster(request, body);
                case "RestoreDBClusterFromSnapshot" -> clusters.restoreCluster(request, body);
                case "CreateDBClusterSnapshot" -> snapshots.createSnapshot(request, body, true);
                case "DescribeDBClusterSnapshots" -> snapshots.describeSnapshots(request, body, true);
                case "DeleteDBClusterSnapshot" -> snapshots.deleteSnapshot(request, body, true);
                case "DescribeDBInstances" -> instances.describeInstances(request, body);
                case "CreateDBInstance" -> instances.createInstance(request, body);
                case "ModifyDBInstance" -> instances.modifyInstance(request, body);
                case "DeleteDBInstance" -> instances.deleteInstance(request, body);
                case "RebootDBInstance" -> instances.rebootInstance(request, body);
                case "RestoreDBInstanceFromDBSnapshot" -> instances.restoreInstance(request, body);
                case "CreateDBSnapshot" -> snapshots.createSnapshot(request, body, false);
                case "DescribeDBSnapshots" -> snapshots.describeSnapshots(request, body, false);
                case "DeleteDBSnapshot" -> snapshots.deleteSnapshot(request, body, false);
                case "CreateDBClusterParameterGroup" -> groups.createGroup(request, body, true);
                case "CreateDBParameterGroup" -> groups.createGroup(request, body, false);
                case "CopyDBClusterParameterGroup" -> groups.copyGroup(request, body, true);
                case "CopyDBParameterGroup" -> groups.copyGroup(request, body, false);
                case "ModifyDBClusterParameterGroup" -> groups.modifyGroup(request, body, true);
                case "ModifyDBParameterGroup" -> groups.modifyGroup(request, body, false);
                case "DescribeDBClusterParameterGroups" -> groups.describeGroups(request, body, true);
                case "DescribeDBParameterGroups" -> groups.describeGroups(request, body, false);
                case "DescribeDBClusterParameters" -> groups.describeParameters(request, body, true);
                case "DescribeDBParameters" -> groups.describeParameters(request, body, false);
                case "DescribeEngineDefaultClusterParameters" -> groups.describeEngineDefaults(request, body, true);
                case "DescribeEngineDefaultParameters" -> groups.describeEngineDefaults(request, body, false);
                case "DeleteDBClusterParameterGroup" -> body = groups.deleteGroup(request, true);
                case "DeleteDBParameterGroup" -> body = groups.deleteGroup(request, false);
                case "ListTagsForResource" -> tags.listTags(request, body);
                case "AddTagsToResource" -> body = tags.addTags(request);
                case "RemoveTagsFromResource" -> body = tags.removeTags(request);
                case "DescribeDBLogFiles" -> logs.describeLogFiles(request, body);
                case "DownloadDBLogFilePortion" -> logs.downloadLog(request, body);
                case "DescribeDBEngineVersions" -> EngineVersionActions.describeEngineVersions(request, body);
                default -> throw RdsFault.invalidAction(action);
            }
            state.save();
        }
        return Responses.wrap(action, body);
    }
}
