package io.bluegreen.local.rds;

import io.bluegreen.local.postgres.LocalPostgres;
import io.bluegreen.local.support.Directories;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;

/**
 * The RDS control plane the emulator answers with: every action, the resources it knows, and the real PostgreSQL
 * servers behind them. Calls validate and change the model at once (under one lock), answer, and leave the slow
 * part (initdb, a physical copy, an upgrade, a restart) to a worker; the resource shows a transient status
 * ({@code creating}, {@code modifying}, {@code rebooting}, {@code upgrading}, {@code deleting}) until the work is
 * done and at least the configured transition delay has passed, as on AWS, where callers poll or wait.
 */
final class ControlPlane implements AutoCloseable {

    static final String LOGICAL_REPLICATION = ParameterCatalog.LOGICAL_REPLICATION;
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
    private static final Logger LOG = LoggerFactory.getLogger(ControlPlane.class);
    private static final Pattern MASTER_USER = Pattern.compile("[A-Za-z][A-Za-z0-9_]{0,62}");
    private static final DateTimeFormatter LOG_NAME = DateTimeFormatter.ofPattern("yyyy-MM-dd-HH").withZone(ZoneOffset.UTC);

    private final Object lock = new Object();
    private final Path stateDirectory;
    private final Duration transitionDelay;
    private final InjectedFaults faults;
    /** the action being handled (under the lock): its slow transition, if one is injected, applies to its work */
    private String currentAction;
    private final boolean durable;
    private final StateFile stateFile;
    private final Map<String, Model.Server> servers;
    private final Map<String, Model.Cluster> clusters;
    private final Map<String, Model.Instance> instances;
    private final Map<String, Model.Snapshot> snapshots;
    private final Map<String, Model.ParameterGroup> groups;
    private final Map<String, LocalPostgres> running = new ConcurrentHashMap<>();
    private final Set<LocalPostgres> started = ConcurrentHashMap.newKeySet();
    private final ExecutorService workers = Executors.newCachedThreadPool(runnable -> {
        Thread thread = new Thread(runnable, "rds-emulator-work");
        thread.setDaemon(true);
        return thread;
    });

    /** @param durable servers created here run with {@code fsync} and {@code synchronous_commit} on, as on RDS */
    ControlPlane(Path stateDirectory, Duration transitionDelay, boolean durable, InjectedFaults faults) {
        this.stateDirectory = stateDirectory;
        this.transitionDelay = transitionDelay;
        this.faults = faults;
        this.durable = durable;
        this.stateFile = new StateFile(stateDirectory.resolve("state.properties"));
        this.servers = stateFile.load("server", Model.Server::new);
        this.clusters = stateFile.load("cluster", Model.Cluster::new);
        this.instances = stateFile.load("instance", Model.Instance::new);
        this.snapshots = stateFile.load("snapshot", Model.Snapshot::new);
        this.groups = stateFile.load("group", Model.ParameterGroup::new);
        ensureDefaultGroups();
        resume();
    }

    // ------------------------------------------------------------------ lifecycle

    /** Starts the servers of a saved state; work that a stop interrupted ends as AWS would end it. */
    private void resume() {
        clusters.values().removeIf(c -> "deleting".equals(c.status) && forgetServer(c.serverId));
        instances.values().removeIf(i -> "deleting".equals(i.status) && (i.serverId == null || forgetServer(i.serverId)));
        snapshots.values().removeIf(s -> !"available".equals(s.status));
        for (Model.Server server : List.copyOf(servers.values())) {
            if (!Files.isDirectory(Path.of(server.root).resolve("data"))) {
                servers.remove(server.id);
                continue;
            }
            LocalPostgres postgres = LocalPostgres.adopt(server.major, server.id, Path.of(server.root), server.adminPassword,
                    server.port);
            track(server, postgres);
        }
        clusters.values().forEach(c -> c.status = servers.containsKey(c.serverId) ? "available" : "failed");
        instances.values().forEach(i -> i.status = i.clusterIdentifier != null || servers.containsKey(i.serverId)
                ? "available" : "failed");
        save();
    }

    private boolean forgetServer(String serverId) {
        Model.Server server = servers.remove(serverId);
        if (server != null) {
            Directories.deleteRecursively(Path.of(server.root));
        }
        return true;
    }

    @Override
    public void close() {
        workers.shutdownNow();
        try {
            if (!workers.awaitTermination(2, TimeUnit.MINUTES)) {
                LOG.warn("RDS emulator work still running after 2 minutes; stopping the servers anyway");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        for (LocalPostgres postgres : started) {
            try {
                postgres.stop();
            } catch (RuntimeException e) {
                LOG.warn("{} did not stop: {}", postgres, e.getMessage());
            }
        }
    }

    /** Every server this control plane started (running or stopped). */
    Set<LocalPostgres> startedServers() {
        return Set.copyOf(started);
    }

    // ------------------------------------------------------------------ hooks for tests and tools

    LocalPostgres server(String identifier) {
        synchronized (lock) {
            String serverId = serverIdOf(identifier)
                    .orElseThrow(() -> new IllegalArgumentException("No cluster or instance '" + identifier + "'"));
            LocalPostgres postgres = running.get(serverId);
            if (postgres == null) {
                throw new IllegalStateException("The server of '" + identifier + "' is not running");
            }
            return postgres;
        }
    }

    Optional<String> knownSnapshotLsn(String identifier) {
        synchronized (lock) {
            Model.Cluster cluster = clusters.get(identifier);
            if (cluster != null) {
                return Optional.ofNullable(cluster.snapshotLsn);
            }
            Model.Instance instance = instances.get(identifier);
            if (instance == null) {
                throw new IllegalArgumentException("No cluster or instance '" + identifier + "'");
            }
            if (instance.clusterIdentifier != null) {
                return Optional.ofNullable(clusters.get(instance.clusterIdentifier).snapshotLsn);
            }
            return Optional.ofNullable(instance.snapshotLsn);
        }
    }

    private Optional<String> serverIdOf(String identifier) {
        Model.Cluster cluster = clusters.get(identifier);
        if (cluster != null) {
            return Optional.ofNullable(cluster.serverId);
        }
        Model.Instance instance = instances.get(identifier);
        if (instance == null) {
            return Optional.empty();
        }
        if (instance.clusterIdentifier != null) {
            return Optional.ofNullable(clusters.get(instance.clusterIdentifier).serverId);
        }
        return Optional.ofNullable(instance.serverId);
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
        synchronized (lock) {
            currentAction = action;
            switch (action) {
                case "DescribeDBClusters" -> describeClusters(request, body);
                case "CreateDBCluster" -> createCluster(request, body);
                case "ModifyDBCluster" -> modifyCluster(request, body);
                case "DeleteDBCluster" -> deleteCluster(request, body);
                case "RestoreDBClusterToPointInTime" -> cloneCluster(request, body);
                case "CreateDBClusterSnapshot" -> createSnapshot(request, body, true);
                case "DescribeDBClusterSnapshots" -> describeSnapshots(request, body, true);
                case "DeleteDBClusterSnapshot" -> deleteSnapshot(request, body, true);
                case "RestoreDBClusterFromSnapshot" -> restoreCluster(request, body);
                case "DescribeDBInstances" -> describeInstances(request, body);
                case "CreateDBInstance" -> createInstance(request, body);
                case "ModifyDBInstance" -> modifyInstance(request, body);
                case "DeleteDBInstance" -> deleteInstance(request, body);
                case "RebootDBInstance" -> rebootInstance(request, body);
                case "CreateDBSnapshot" -> createSnapshot(request, body, false);
                case "DescribeDBSnapshots" -> describeSnapshots(request, body, false);
                case "DeleteDBSnapshot" -> deleteSnapshot(request, body, false);
                case "RestoreDBInstanceFromDBSnapshot" -> restoreInstance(request, body);
                case "CreateDBClusterParameterGroup" -> createGroup(request, body, true);
                case "CreateDBParameterGroup" -> createGroup(request, body, false);
                case "ModifyDBClusterParameterGroup" -> modifyGroup(request, body, true);
                case "ModifyDBParameterGroup" -> modifyGroup(request, body, false);
                case "DescribeDBClusterParameterGroups" -> describeGroups(request, body, true);
                case "DescribeDBParameterGroups" -> describeGroups(request, body, false);
                case "DescribeDBClusterParameters" -> describeParameters(request, body, true);
                case "DescribeDBParameters" -> describeParameters(request, body, false);
                case "DeleteDBClusterParameterGroup" -> body = deleteGroup(request, true);
                case "DeleteDBParameterGroup" -> body = deleteGroup(request, false);
                case "CopyDBParameterGroup" -> copyGroup(request, body, false);
                case "CopyDBClusterParameterGroup" -> copyGroup(request, body, true);
                case "DescribeEngineDefaultParameters" -> describeEngineDefaults(request, body, false);
                case "DescribeEngineDefaultClusterParameters" -> describeEngineDefaults(request, body, true);
                case "DescribeDBLogFiles" -> describeLogFiles(request, body);
                case "DownloadDBLogFilePortion" -> downloadLog(request, body);
                case "DescribeDBEngineVersions" -> describeEngineVersions(request, body);
                case "ListTagsForResource" -> Responses.tagList(body, taggable(request).tags);
                case "AddTagsToResource" -> body = addTags(request);
                case "RemoveTagsFromResource" -> body = removeTags(request);
                default -> throw RdsFault.invalidAction(action);
            }
            save();
        }
        return Responses.wrap(action, body);
    }

    // ------------------------------------------------------------------ engine versions

    private void describeEngineVersions(QueryRequest request, Xml body) {
        List<String> engines = request.optional("Engine").map(e -> List.of(EngineVersion.checkEngine(e)))
                .orElse(List.of(EngineVersion.POSTGRES, EngineVersion.AURORA));
        body.open("DBEngineVersions");
        for (String engine : engines) {
            for (EngineCatalog.Listed listed : EngineCatalog.list(engine, request.optional("EngineVersion"),
                    request.optional("DBParameterGroupFamily"))) {
                Responses.engineVersion(body, listed);
            }
        }
        body.close("DBEngineVersions");
    }

    // ------------------------------------------------------------------ clusters

    private void describeClusters(QueryRequest request, Xml body) {
        Optional<String> id = request.optionalIdentifier("DBClusterIdentifier");
        List<Model.Cluster> found = new ArrayList<>();
        if (id.isPresent()) {
            found.add(cluster(id.get()));
        } else {
            found.addAll(clusters.values());
        }
        body.open("DBClusters");
        found.forEach(c -> renderCluster(request, body, c));
        body.close("DBClusters");
    }

    private void renderCluster(QueryRequest request, Xml body, Model.Cluster c) {
        List<Model.Instance> members = instances.values().stream()
                .filter(i -> c.identifier.equals(i.clusterIdentifier)).toList();
        Responses.cluster(body, request.region(), c, port(c.serverId), members,
                groupStatus(c.parameterGroup, true, c.serverId, c));
    }

    private void createCluster(QueryRequest request, Xml body) {
        String id = request.identifier("DBClusterIdentifier");
        String engine = EngineVersion.checkEngine(request.required("Engine"));
        if (!EngineVersion.AURORA.equals(engine)) {
            throw RdsFault.invalidParameter("CreateDBCluster runs engine " + EngineVersion.AURORA
                    + " here; create an RDS PostgreSQL instance with CreateDBInstance");
        }
        EngineVersion version = request.optional("EngineVersion").map(EngineVersion::parse).orElse(EngineVersion.defaultVersion());
        String master = masterUsername(request);
        String password = masterPassword(request);
        Model.ParameterGroup group = groupFor(request.optional("DBClusterParameterGroupName"), true, engine, version);
        if (clusters.containsKey(id)) {
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
        clusters.put(id, c);
        boolean logical = isLogical(group);
        String database = c.databaseName;
        later("create cluster " + id, () -> {
            Model.Server server = newServer(version.major(), logical, master, password, database);
            synchronized (lock) {
                c.serverId = server.id;
            }
        }, e -> c.status = "failed", () -> c.status = "available");
        renderCluster(request, body, c);
    }

    private void modifyCluster(QueryRequest request, Xml body) {
        Model.Cluster c = cluster(request.identifier("DBClusterIdentifier"));
        requireAvailable(c);
        Optional<String> newId = request.optionalIdentifier("NewDBClusterIdentifier");
        Optional<EngineVersion> target = request.optional("EngineVersion").map(EngineVersion::parse);
        Optional<String> groupName = request.optional("DBClusterParameterGroupName");
        EngineVersion current = EngineVersion.parse(c.engineVersion);
        boolean upgrade = target.isPresent() && target.get().major() != current.major();
        EngineVersion family = upgrade ? target.get() : current;
        Model.ParameterGroup group = groupName.isPresent() ? groupFor(groupName, true, c.engine, family) : null;
        if (upgrade) {
            checkUpgrade(request, current, target.get(), running.get(c.serverId),
                    msg -> RdsFault.clusterState(c.identifier, c.status, msg));
        }
        boolean renamed = newId.isPresent() && !newId.get().equals(c.identifier);
        if (renamed && clusters.containsKey(newId.get())) {
            throw new RdsFault("DBClusterAlreadyExistsFault", 400, "DB cluster " + newId.get() + " already exists");
        }
        Settings.apply(request, c, Settings.CLUSTER_MODIFY, true);
        if (renamed) {
            clusters.remove(c.identifier);
            instances.values().stream().filter(i -> c.identifier.equals(i.clusterIdentifier))
                    .forEach(i -> i.clusterIdentifier = newId.get());
            c.identifier = newId.get();
            clusters.put(c.identifier, c);
        }
        if (group != null) {
            c.parameterGroup = group.name;
        }
        if (upgrade) {
            c.status = "upgrading";
            String oldServer = c.serverId;
            boolean logical = isLogical(group(c.parameterGroup, true));
            later("upgrade cluster " + c.identifier + " to " + target.get(), () -> {
                String newServer = upgradeServer(oldServer, target.get().major(), logical);
                synchronized (lock) {
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
            later("modify cluster " + c.identifier, () -> {
            }, e -> {
            }, () -> c.status = "available");
        }
        renderCluster(request, body, c);
    }

    private void deleteCluster(QueryRequest request, Xml body) {
        Model.Cluster c = cluster(request.identifier("DBClusterIdentifier"));
        if (c.deletionProtection) {
            throw RdsFault.invalidCombination("Cannot delete protected Cluster, please disable deletion protection and"
                    + " try again.");
        }
        Optional<String> finalSnapshot = finalSnapshotId(request, true);
        List<String> members = instances.values().stream().filter(i -> c.identifier.equals(i.clusterIdentifier))
                .map(i -> i.identifier).toList();
        if (!members.isEmpty()) {
            throw RdsFault.clusterState(c.identifier, c.status, "it still contains DB instances " + members
                    + ": delete them first");
        }
        if ("deleting".equals(c.status) || "creating".equals(c.status) || "upgrading".equals(c.status)) {
            throw RdsFault.clusterState(c.identifier, c.status, "wait until it is available");
        }
        Model.Snapshot snapshot = finalSnapshot.map(id -> recordSnapshot(id, c, c.identifier, c.engine,
                c.engineVersion, c.masterUsername, c.serverId, null, Map.of())).orElse(null);
        c.status = "deleting";
        String serverId = c.serverId;
        LocalPostgres postgres = running.get(serverId);
        later("delete cluster " + c.identifier, () -> {
            if (snapshot != null) {
                copySnapshot(snapshot, postgres);
            }
            dropServer(serverId);
        }, e -> {
            c.status = "failed";
            if (snapshot != null) {
                snapshots.remove(snapshotKey(snapshot.identifier, true), snapshot);
            }
        }, () -> {
            clusters.remove(c.identifier, c);
            if (snapshot != null) {
                snapshot.status = "available";
            }
        });
        renderCluster(request, body, c);
    }

    private void cloneCluster(QueryRequest request, Xml body) {
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
        Model.Cluster source = cluster(sourceId);
        requireAvailable(source);
        if (clusters.containsKey(id)) {
            throw new RdsFault("DBClusterAlreadyExistsFault", 400, "DB cluster " + id + " already exists");
        }
        EngineVersion version = EngineVersion.parse(source.engineVersion);
        Model.ParameterGroup group = groupFor(Optional.of(request.optional("DBClusterParameterGroupName")
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
        clusters.put(id, c);
        Model.Server sourceServer = servers.get(source.serverId);
        LocalPostgres sourcePostgres = running.get(source.serverId);
        later("clone " + sourceId + " to " + id, () -> {
            Model.Server server = prepareServer(sourceServer.major, sourceServer.adminPassword, sourceServer.logical);
            PhysicalCopy.take(sourcePostgres, Path.of(server.root).resolve("data"));
            String lsn = startCopy(server, true);
            synchronized (lock) {
                c.serverId = server.id;
                c.snapshotLsn = lsn;
            }
        }, e -> c.status = "failed", () -> c.status = "available");
        renderCluster(request, body, c);
    }

    private void restoreCluster(QueryRequest request, Xml body) {
        String id = request.identifier("DBClusterIdentifier");
        Model.Snapshot snapshot = availableSnapshot(request.identifier("SnapshotIdentifier"), true);
        String engine = EngineVersion.checkEngine(request.optional("Engine").orElse(snapshot.engine));
        if (!engine.equals(snapshot.engine)) {
            throw RdsFault.invalidCombination("Snapshot " + snapshot.identifier + " is " + snapshot.engine
                    + "; it cannot be restored as " + engine);
        }
        if (clusters.containsKey(id)) {
            throw new RdsFault("DBClusterAlreadyExistsFault", 400, "DB cluster " + id + " already exists");
        }
        EngineVersion snapshotVersion = EngineVersion.parse(snapshot.engineVersion);
        EngineVersion version = request.optional("EngineVersion").map(EngineVersion::parse).orElse(snapshotVersion);
        boolean upgrade = version.major() != snapshotVersion.major();
        if (upgrade) {
            checkSnapshotUpgrade(snapshot, snapshotVersion, version);
        }
        Model.ParameterGroup group = groupFor(request.optional("DBClusterParameterGroupName"), true, engine, version);
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
        clusters.put(id, c);
        boolean logical = isLogical(group);
        later("restore cluster " + id + " from " + snapshot.identifier, () -> {
            Restored restored = restoreServer(snapshot, upgrade ? version.major() : 0, logical, true);
            synchronized (lock) {
                c.serverId = restored.serverId();
                c.snapshotLsn = restored.lsn();
            }
        }, e -> c.status = "failed", () -> c.status = "available");
        renderCluster(request, body, c);
    }

    // ------------------------------------------------------------------ instances

    private void describeInstances(QueryRequest request, Xml body) {
        Optional<String> id = request.optionalIdentifier("DBInstanceIdentifier");
        List<Model.Instance> found = new ArrayList<>();
        if (id.isPresent()) {
            found.add(instance(id.get()));
        } else {
            found.addAll(instances.values());
        }
        body.open("DBInstances");
        found.forEach(i -> renderInstance(request, body, i));
        body.close("DBInstances");
    }

    private void renderInstance(QueryRequest request, Xml body, Model.Instance i) {
        Model.Cluster c = i.clusterIdentifier == null ? null : clusters.get(i.clusterIdentifier);
        String serverId = c != null ? c.serverId : i.serverId;
        String version = c != null ? c.engineVersion : i.engineVersion;
        boolean memberReady = c == null || !"creating".equals(i.status);
        String status = groupStatus(i.parameterGroup, false, serverId, i);
        Responses.instance(body, request.region(), i, c, version, memberReady ? port(serverId) : null, status);
    }

    private void createInstance(QueryRequest request, Xml body) {
        String id = request.identifier("DBInstanceIdentifier");
        String instanceClass = request.required("DBInstanceClass");
        Settings.checkInstanceClass(instanceClass);
        String engine = EngineVersion.checkEngine(request.required("Engine"));
        Optional<String> clusterId = request.optionalIdentifier("DBClusterIdentifier");
        if (instances.containsKey(id)) {
            throw new RdsFault("DBInstanceAlreadyExists", 400, "DB instance " + id + " already exists");
        }
        Model.Instance i = new Model.Instance();
        i.identifier = id;
        i.instanceClass = instanceClass;
        i.engine = engine;
        i.created = Instant.now();
        i.status = "creating";
        if (clusterId.isPresent()) {
            Model.Cluster c = cluster(clusterId.get());
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
            i.writer = instances.values().stream().noneMatch(m -> c.identifier.equals(m.clusterIdentifier) && m.writer);
            instances.put(id, i);
            later("create instance " + id + " in " + c.identifier, () -> awaitCluster(c), e -> i.status = "failed",
                    () -> i.status = "available");
        } else {
            if (EngineVersion.AURORA.equals(engine)) {
                throw RdsFault.invalidCombination("An " + EngineVersion.AURORA
                        + " instance belongs to a DB cluster: give DBClusterIdentifier");
            }
            EngineVersion version = request.optional("EngineVersion").map(EngineVersion::parse).orElse(EngineVersion.defaultVersion());
            String master = masterUsername(request);
            String password = masterPassword(request);
            Model.ParameterGroup group = groupFor(request.optional("DBParameterGroupName"), false, engine, version);
            i.engineVersion = version.text();
            i.masterUsername = master;
            i.databaseName = request.optional("DBName").orElse(null);
            i.parameterGroup = group.name;
            Settings.apply(request, i, Settings.ALL, false);
            instances.put(id, i);
            boolean logical = isLogical(group);
            String database = i.databaseName;
            later("create instance " + id, () -> {
                Model.Server server = newServer(version.major(), logical, master, password, database);
                synchronized (lock) {
                    i.serverId = server.id;
                }
            }, e -> i.status = "failed", () -> i.status = "available");
        }
        renderInstance(request, body, i);
    }

    private void modifyInstance(QueryRequest request, Xml body) {
        Model.Instance i = instance(request.identifier("DBInstanceIdentifier"));
        requireAvailable(i);
        Optional<String> newId = request.optionalIdentifier("NewDBInstanceIdentifier");
        Optional<EngineVersion> target = request.optional("EngineVersion").map(EngineVersion::parse);
        Optional<String> groupName = request.optional("DBParameterGroupName");
        boolean upgrade = false;
        Model.ParameterGroup group = null;
        boolean renamed = newId.isPresent() && !newId.get().equals(i.identifier);
        if (renamed && instances.containsKey(newId.get())) {
            throw new RdsFault("DBInstanceAlreadyExists", 400, "DB instance " + newId.get() + " already exists");
        }
        if (i.clusterIdentifier != null) {
            if (target.isPresent()) {
                throw RdsFault.invalidCombination("DB instance " + i.identifier + " is a member of DB cluster "
                        + i.clusterIdentifier + ": modify the engine version of the cluster");
            }
            Settings.refuseClusterSettings(request, false);
            Model.Cluster c = cluster(i.clusterIdentifier);
            group = groupName.isPresent() ? groupFor(groupName, false, i.engine, EngineVersion.parse(c.engineVersion)) : null;
            Settings.apply(request, i, Settings.MEMBER, false);
        } else {
            EngineVersion current = EngineVersion.parse(i.engineVersion);
            upgrade = target.isPresent() && target.get().major() != current.major();
            group = groupName.isPresent() ? groupFor(groupName, false, i.engine, upgrade ? target.get() : current) : null;
            if (upgrade) {
                checkUpgrade(request, current, target.get(), running.get(i.serverId),
                        msg -> RdsFault.instanceState(i.identifier, i.status, msg));
            }
            Settings.apply(request, i, Settings.INSTANCE_MODIFY, false);
        }
        if (renamed) {
            instances.remove(i.identifier);
            i.identifier = newId.get();
            instances.put(i.identifier, i);
        }
        if (group != null) {
            i.parameterGroup = group.name;
        }
        if (upgrade) {
            i.status = "upgrading";
            String oldServer = i.serverId;
            boolean logical = isLogical(group(i.parameterGroup, false));
            EngineVersion to = target.get();
            later("upgrade instance " + i.identifier + " to " + to, () -> {
                String newServer = upgradeServer(oldServer, to.major(), logical);
                synchronized (lock) {
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
            later("modify instance " + i.identifier, () -> {
            }, e -> {
            }, () -> i.status = "available");
        }
        renderInstance(request, body, i);
    }

    private void deleteInstance(QueryRequest request, Xml body) {
        Model.Instance i = instance(request.identifier("DBInstanceIdentifier"));
        if (i.deletionProtection) {
            throw RdsFault.invalidCombination("Cannot delete protected DB Instance, please disable deletion protection"
                    + " and try again.");
        }
        // an Aurora member's data is its cluster's: no final snapshot (DeleteDBCluster takes it)
        Optional<String> finalSnapshot = i.clusterIdentifier == null ? finalSnapshotId(request, false) : Optional.empty();
        if ("deleting".equals(i.status) || "creating".equals(i.status) || "upgrading".equals(i.status)) {
            throw RdsFault.instanceState(i.identifier, i.status, "wait until it is available");
        }
        Model.Snapshot snapshot = finalSnapshot.map(id -> recordSnapshot(id, i, i.identifier, i.engine,
                i.engineVersion, i.masterUsername, i.serverId, i.instanceClass, Map.of())).orElse(null);
        i.status = "deleting";
        String serverId = i.serverId;
        LocalPostgres postgres = serverId == null ? null : running.get(serverId);
        later("delete instance " + i.identifier, () -> {
            if (snapshot != null) {
                copySnapshot(snapshot, postgres);
            }
            if (serverId != null) {
                dropServer(serverId);
            }
        }, e -> {
            i.status = "failed";
            if (snapshot != null) {
                snapshots.remove(snapshotKey(snapshot.identifier, false), snapshot);
            }
        }, () -> {
            if (snapshot != null) {
                snapshot.status = "available";
            }
            instances.remove(i.identifier, i);
            if (i.writer && i.clusterIdentifier != null) {
                instances.values().stream().filter(m -> i.clusterIdentifier.equals(m.clusterIdentifier)).findFirst()
                        .ifPresent(m -> m.writer = true);
            }
        });
        renderInstance(request, body, i);
    }

    private void rebootInstance(QueryRequest request, Xml body) {
        Model.Instance i = instance(request.identifier("DBInstanceIdentifier"));
        requireAvailable(i);
        boolean member = i.clusterIdentifier != null;
        Model.Cluster c = member ? clusters.get(i.clusterIdentifier) : null;
        String serverId = member ? c.serverId : i.serverId;
        boolean logical = isLogical(member ? group(c.parameterGroup, true) : group(i.parameterGroup, false));
        i.status = "rebooting";
        later("reboot " + i.identifier, () -> restartApplying(serverId, logical), e -> i.status = "available",
                () -> {
                    i.status = "available";
                    i.pendingReboot = false;
                    if (c != null) {
                        c.pendingReboot = false;
                    }
                });
        renderInstance(request, body, i);
    }

    private void restoreInstance(QueryRequest request, Xml body) {
        String id = request.identifier("DBInstanceIdentifier");
        Model.Snapshot snapshot = availableSnapshot(request.identifier("DBSnapshotIdentifier"), false);
        if (instances.containsKey(id)) {
            throw new RdsFault("DBInstanceAlreadyExists", 400, "DB instance " + id + " already exists");
        }
        EngineVersion snapshotVersion = EngineVersion.parse(snapshot.engineVersion);
        EngineVersion version = request.optional("EngineVersion").map(EngineVersion::parse).orElse(snapshotVersion);
        boolean upgrade = version.major() != snapshotVersion.major();
        if (upgrade) {
            checkSnapshotUpgrade(snapshot, snapshotVersion, version);
        }
        Model.ParameterGroup group = groupFor(request.optional("DBParameterGroupName"), false, snapshot.engine, version);
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
        instances.put(id, i);
        boolean logical = isLogical(group);
        later("restore instance " + id + " from " + snapshot.identifier, () -> {
            Restored restored = restoreServer(snapshot, upgrade ? version.major() : 0, logical, false);
            synchronized (lock) {
                i.serverId = restored.serverId();
                i.snapshotLsn = restored.lsn();
            }
        }, e -> i.status = "failed", () -> i.status = "available");
        renderInstance(request, body, i);
    }

    // ------------------------------------------------------------------ snapshots

    private void createSnapshot(QueryRequest request, Xml body, boolean cluster) {
        String id = request.identifier(cluster ? "DBClusterSnapshotIdentifier" : "DBSnapshotIdentifier");
        String sourceId = request.identifier(cluster ? "DBClusterIdentifier" : "DBInstanceIdentifier");
        Map<String, String> tags = Settings.tags(request);
        Model.Snapshot s;
        LocalPostgres postgres;
        if (cluster) {
            Model.Cluster c = cluster(sourceId);
            requireAvailable(c);
            requireNewSnapshot(id, true);
            s = recordSnapshot(id, c, c.identifier, c.engine, c.engineVersion, c.masterUsername, c.serverId, null, tags);
            postgres = running.get(c.serverId);
        } else {
            Model.Instance i = instance(sourceId);
            if (i.clusterIdentifier != null) {
                throw RdsFault.instanceState(i.identifier, i.status, "it is a member of DB cluster "
                        + i.clusterIdentifier + ": use CreateDBClusterSnapshot");
            }
            requireAvailable(i);
            requireNewSnapshot(id, false);
            s = recordSnapshot(id, i, i.identifier, i.engine, i.engineVersion, i.masterUsername, i.serverId,
                    i.instanceClass, tags);
            postgres = running.get(i.serverId);
            i.status = "backing-up";
        }
        String key = snapshotKey(id, cluster);
        Model.Instance backedUp = cluster ? null : instance(sourceId);
        later("snapshot " + sourceId + " as " + id, () -> copySnapshot(s, postgres), e -> {
            snapshots.remove(key, s);
            if (backedUp != null && "backing-up".equals(backedUp.status)) {
                backedUp.status = "available";
            }
        }, () -> {
            s.status = "available";
            if (backedUp != null && "backing-up".equals(backedUp.status)) {
                backedUp.status = "available";
            }
        });
        Responses.snapshot(body, request.region(), s);
    }

    private void requireNewSnapshot(String id, boolean cluster) {
        if (snapshots.containsKey(snapshotKey(id, cluster))) {
            throw cluster ? new RdsFault("DBClusterSnapshotAlreadyExistsFault", 400, "Cannot create the cluster snapshot"
                    + " because one with the identifier " + id + " already exists.")
                    : new RdsFault("DBSnapshotAlreadyExists", 400, "Cannot create the snapshot because a snapshot with"
                    + " the identifier " + id + " already exists.");
        }
    }

    /**
     * A new snapshot of a resource, {@code creating}: encrypted as its source, tagged with {@code tags}, else with
     * the source's tags when the source copies tags to snapshots.
     */
    private Model.Snapshot recordSnapshot(String id, Model.Resource resource, String sourceId, String engine,
                                          String version, String master, String serverId, String instanceClass,
                                          Map<String, String> tags) {
        boolean cluster = resource instanceof Model.Cluster;
        Model.Server server = serverId == null ? null : servers.get(serverId);
        if (server == null) {
            throw cluster ? RdsFault.clusterState(sourceId, "without storage", "it has no data to snapshot")
                    : RdsFault.instanceState(sourceId, "without storage", "it has no data to snapshot");
        }
        Model.Snapshot s = new Model.Snapshot();
        s.identifier = id;
        s.cluster = cluster;
        s.source = sourceId;
        s.engine = engine;
        s.engineVersion = version;
        s.status = "creating";
        s.masterUsername = master;
        s.directory = stateDirectory.resolve("snapshots").resolve((cluster ? "cluster-" : "db-") + id).toString();
        s.port = server.port;
        s.major = server.major;
        s.adminPassword = server.adminPassword;
        s.logical = server.logical;
        s.created = Instant.now();
        s.kmsKeyId = resource.kmsKeyId;
        s.encrypted = resource.storageEncrypted;
        s.instanceClass = instanceClass;
        s.tags.putAll(!tags.isEmpty() || !resource.copyTagsToSnapshot ? tags : resource.tags);
        snapshots.put(snapshotKey(id, cluster), s);
        return s;
    }

    /** The physical copy behind a snapshot (on a worker). */
    private static void copySnapshot(Model.Snapshot s, LocalPostgres postgres) throws IOException {
        Path directory = Path.of(s.directory);
        Directories.deleteRecursively(directory);
        Files.createDirectories(directory);
        PhysicalCopy.take(postgres, directory.resolve("data"));
    }

    /**
     * The final snapshot a Delete asks for: none with {@code SkipFinalSnapshot=true}; otherwise
     * {@code FinalDBSnapshotIdentifier} is required (AWS's InvalidParameterCombination) and must be new.
     */
    private Optional<String> finalSnapshotId(QueryRequest request, boolean cluster) {
        boolean skip = request.flag("SkipFinalSnapshot");
        Optional<String> id = request.optionalIdentifier("FinalDBSnapshotIdentifier");
        if (skip && id.isPresent()) {
            throw RdsFault.invalidCombination("FinalDBSnapshotIdentifier cannot be specified when SkipFinalSnapshot"
                    + " is true: leave one of them out");
        }
        if (!skip && id.isEmpty()) {
            throw RdsFault.invalidCombination("FinalDBSnapshotIdentifier is required unless SkipFinalSnapshot is"
                    + " specified.");
        }
        id.ifPresent(snapshot -> requireNewSnapshot(snapshot, cluster));
        return id;
    }

    private void describeSnapshots(QueryRequest request, Xml body, boolean cluster) {
        Optional<String> id = request.optionalIdentifier(cluster ? "DBClusterSnapshotIdentifier" : "DBSnapshotIdentifier");
        Optional<String> source = request.optionalIdentifier(cluster ? "DBClusterIdentifier" : "DBInstanceIdentifier");
        body.open(cluster ? "DBClusterSnapshots" : "DBSnapshots");
        if (id.isPresent()) {
            Model.Snapshot s = snapshot(id.get(), cluster);
            Responses.snapshot(body, request.region(), s);
        } else {
            snapshots.values().stream().filter(s -> s.cluster == cluster)
                    .filter(s -> source.isEmpty() || source.get().equals(s.source))
                    .forEach(s -> Responses.snapshot(body, request.region(), s));
        }
        body.close(cluster ? "DBClusterSnapshots" : "DBSnapshots");
    }

    private void deleteSnapshot(QueryRequest request, Xml body, boolean cluster) {
        Model.Snapshot s = snapshot(request.identifier(cluster ? "DBClusterSnapshotIdentifier" : "DBSnapshotIdentifier"), cluster);
        if (!"available".equals(s.status)) {
            throw cluster ? new RdsFault("InvalidDBClusterSnapshotStateFault", 400, "DB cluster snapshot " + s.identifier
                    + " is " + s.status + "; wait until it is available")
                    : new RdsFault("InvalidDBSnapshotState", 400, "DB snapshot " + s.identifier + " is " + s.status
                    + "; wait until it is available");
        }
        snapshots.remove(snapshotKey(s.identifier, cluster));
        Directories.deleteRecursively(Path.of(s.directory));
        s.status = "deleted";
        Responses.snapshot(body, request.region(), s);
    }

    private static String snapshotKey(String id, boolean cluster) {
        return (cluster ? "cluster-" : "db-") + id;
    }

    // ------------------------------------------------------------------ tags

    /** The resource an ARN ({@code ResourceName}) names, for its tags; AWS's NotFound error when it is gone. */
    private Taggable taggable(QueryRequest request) {
        Arn arn = Arn.parse(request.required("ResourceName"), request.region());
        return switch (arn.kind()) {
            case "db" -> new Taggable(instance(arn.id()).tags);
            case "cluster" -> new Taggable(cluster(arn.id()).tags);
            case "snapshot" -> new Taggable(snapshot(arn.id(), false).tags);
            case "cluster-snapshot" -> new Taggable(snapshot(arn.id(), true).tags);
            case "pg" -> new Taggable(storedGroup(arn.id(), false).tags);
            case "cluster-pg" -> new Taggable(storedGroup(arn.id(), true).tags);
            default -> throw new IllegalStateException("Arn.parse let through kind " + arn.kind());
        };
    }

    private record Taggable(Map<String, String> tags) {
    }

    private Xml addTags(QueryRequest request) {
        Map<String, String> tags = Settings.tags(request);
        if (tags.isEmpty()) {
            throw RdsFault.missingParameter("Tags");
        }
        Map<String, String> current = taggable(request).tags;
        Map<String, String> merged = new LinkedHashMap<>(current);
        merged.putAll(tags);
        if (merged.size() > 50) {
            throw RdsFault.invalidParameter("A resource can have at most 50 tags; this one would have " + merged.size());
        }
        current.putAll(tags);
        return null;
    }

    private Xml removeTags(QueryRequest request) {
        List<String> keys = request.strings("TagKeys");
        if (keys.isEmpty()) {
            throw RdsFault.missingParameter("TagKeys");
        }
        taggable(request).tags.keySet().removeAll(keys);
        return null;
    }

    // ------------------------------------------------------------------ parameter groups

    private static String groupParameter(boolean cluster) {
        return cluster ? "DBClusterParameterGroupName" : "DBParameterGroupName";
    }

    private void createGroup(QueryRequest request, Xml body, boolean cluster) {
        String name = Identifiers.parameterGroup(groupParameter(cluster), request.required(groupParameter(cluster)));
        String family = request.required("DBParameterGroupFamily");
        String description = request.required("Description");
        checkFamily(family);
        requireNewGroup(name, cluster);
        Model.ParameterGroup g = new Model.ParameterGroup();
        g.name = name;
        g.cluster = cluster;
        g.family = family;
        g.description = description;
        g.tags.putAll(Settings.tags(request));
        groups.put(groupKey(name, cluster), g);
        Responses.parameterGroup(body, request.region(), g);
    }

    private static void checkFamily(String family) {
        if (!ParameterCatalog.isFamily(family)) {
            throw RdsFault.invalidParameter("Invalid DBParameterGroupFamily " + family + ": the local endpoint has "
                    + String.join(", ", ParameterCatalog.FAMILIES));
        }
    }

    private void requireNewGroup(String name, boolean cluster) {
        if (groups.containsKey(groupKey(name, cluster))) {
            throw new RdsFault("DBParameterGroupAlreadyExists", 400, "Parameter group " + name + " already exists");
        }
    }

    private void copyGroup(QueryRequest request, Xml body, boolean cluster) {
        String kind = cluster ? "DBClusterParameterGroup" : "DBParameterGroup";
        String sourceName = request.required("Source" + kind + "Identifier");
        if (sourceName.startsWith("arn:")) {
            Arn arn = Arn.parse(sourceName, request.region());
            if (!arn.kind().equals(cluster ? "cluster-pg" : "pg")) {
                throw RdsFault.invalidParameter("Source" + kind + "Identifier " + sourceName + " is not the ARN of a "
                        + kind);
            }
            sourceName = arn.id();
        }
        Model.ParameterGroup source = group(sourceName, cluster);
        String name = Identifiers.parameterGroup("Target" + kind + "Identifier", request.required("Target" + kind + "Identifier"));
        String description = request.required("Target" + kind + "Description");
        Map<String, String> tags = Settings.tags(request);
        requireNewGroup(name, cluster);
        Model.ParameterGroup g = new Model.ParameterGroup();
        g.name = name;
        g.cluster = cluster;
        g.family = source.family;
        g.description = description;
        g.parameters.putAll(source.parameters);
        g.methods.putAll(source.methods);
        g.tags.putAll(tags);
        groups.put(groupKey(name, cluster), g);
        Responses.parameterGroup(body, request.region(), g);
    }

    /**
     * Sets parameters as AWS checks them: the group is the caller's own, each parameter is in the family's catalogue
     * and modifiable, its value allowed, and a static one waits for a reboot ({@code ApplyMethod=immediate} is
     * refused). A static change makes every resource using the group {@code pending-reboot}.
     */
    private void modifyGroup(QueryRequest request, Xml body, boolean cluster) {
        String element = groupParameter(cluster);
        Model.ParameterGroup g = group(request.required(element), cluster);
        if (g.name.startsWith("default.")) {
            throw RdsFault.invalidParameter("Default parameter group " + g.name + " cannot be modified: create your own"
                    + " group (or CopyDB" + (cluster ? "Cluster" : "") + "ParameterGroup from it), modify it and attach it");
        }
        List<Map<String, String>> parameters = request.members("Parameters");
        if (parameters.isEmpty()) {
            throw RdsFault.missingParameter("Parameters");
        }
        if (parameters.size() > 20) {
            throw RdsFault.invalidParameter("A request can modify at most 20 parameters; it has " + parameters.size());
        }
        Map<String, String> changes = new LinkedHashMap<>();
        Map<String, String> methods = new LinkedHashMap<>();
        boolean staticChange = false;
        for (Map<String, String> parameter : parameters) {
            String parameterName = parameter.get("ParameterName");
            String value = parameter.get("ParameterValue");
            if (parameterName == null || value == null) {
                throw RdsFault.missingParameter("Parameters.Parameter.N.ParameterName and ParameterValue");
            }
            ParameterCatalog.Definition definition = ParameterCatalog.find(g.family, cluster, parameterName)
                    .orElseThrow(() -> RdsFault.invalidParameter("Could not find parameter with name: " + parameterName));
            if (!definition.modifiable()) {
                throw RdsFault.invalidParameter("The parameter " + parameterName + " cannot be modified.");
            }
            String method = parameter.getOrDefault("ApplyMethod", definition.isStatic() ? "pending-reboot" : "immediate");
            if (!method.equals("immediate") && !method.equals("pending-reboot")) {
                throw RdsFault.invalidParameter("Invalid ApplyMethod " + method + " for " + parameterName
                        + ": immediate or pending-reboot");
            }
            if (definition.isStatic() && method.equals("immediate")) {
                throw RdsFault.invalidCombination("cannot use immediate apply method for static parameter "
                        + parameterName + ": use pending-reboot");
            }
            definition.check(value);
            changes.put(parameterName, value);
            methods.put(parameterName, method);
            staticChange |= definition.isStatic() && !value.equals(g.parameters.get(parameterName));
        }
        g.parameters.putAll(changes);
        g.methods.putAll(methods);
        if (staticChange) {
            markPendingReboot(g);
        }
        body.element(element, g.name);
    }

    private void markPendingReboot(Model.ParameterGroup g) {
        if (g.cluster) {
            clusters.values().stream().filter(c -> g.name.equals(c.parameterGroup)).forEach(c -> c.pendingReboot = true);
        } else {
            instances.values().stream().filter(i -> g.name.equals(i.parameterGroup)).forEach(i -> i.pendingReboot = true);
        }
    }

    private void describeGroups(QueryRequest request, Xml body, boolean cluster) {
        Optional<String> name = request.optional(groupParameter(cluster));
        String list = cluster ? "DBClusterParameterGroups" : "DBParameterGroups";
        List<Model.ParameterGroup> found = name.isPresent() ? List.of(group(name.get(), cluster))
                : groups.values().stream().filter(g -> g.cluster == cluster).toList();
        Page<Model.ParameterGroup> page = Page.of(found, request);
        body.open(list);
        page.items().forEach(g -> Responses.parameterGroup(body, request.region(), g));
        body.close(list).element("Marker", page.marker());
    }

    /** A group's parameters: the catalogue of its family, each with the user's value or the default. */
    private void describeParameters(QueryRequest request, Xml body, boolean cluster) {
        Model.ParameterGroup g = group(request.required(groupParameter(cluster)), cluster);
        Optional<String> source = request.optional("Source").map(value -> switch (value) {
            case "user", "system", "engine-default" -> value;
            case "engine" -> "engine-default";
            default -> throw RdsFault.invalidParameter("Invalid Source " + value
                    + ": user, engine-default or system");
        });
        List<Responses.ParameterValue> values = new ArrayList<>();
        for (ParameterCatalog.Definition definition : ParameterCatalog.parameters(g.family, cluster)) {
            String user = g.parameters.get(definition.name());
            Responses.ParameterValue value = user == null
                    ? new Responses.ParameterValue(definition, definition.defaultValue(), definition.source(),
                    definition.isStatic() ? "pending-reboot" : "immediate")
                    : new Responses.ParameterValue(definition, user, "user", g.methods.getOrDefault(definition.name(),
                    definition.isStatic() ? "pending-reboot" : "immediate"));
            if (source.isEmpty() || source.get().equals(value.source())) {
                values.add(value);
            }
        }
        Page<Responses.ParameterValue> page = Page.of(values, request);
        Responses.parameters(body, page.items());
        body.element("Marker", page.marker());
    }

    /** The catalogue's defaults of a family ({@code DescribeEngineDefault[Cluster]Parameters}). */
    private void describeEngineDefaults(QueryRequest request, Xml body, boolean cluster) {
        String family = request.required("DBParameterGroupFamily");
        checkFamily(family);
        List<Responses.ParameterValue> values = ParameterCatalog.parameters(family, cluster).stream()
                .map(d -> new Responses.ParameterValue(d, d.defaultValue(), d.source(),
                        d.isStatic() ? "pending-reboot" : "immediate")).toList();
        Page<Responses.ParameterValue> page = Page.of(values, request);
        body.open("EngineDefaults").element("DBParameterGroupFamily", family).element("Marker", page.marker());
        Responses.parameters(body, page.items());
        body.close("EngineDefaults");
    }

    private Xml deleteGroup(QueryRequest request, boolean cluster) {
        Model.ParameterGroup g = group(request.required(groupParameter(cluster)), cluster);
        String name = g.name;
        if (name.startsWith("default.")) {
            throw new RdsFault("InvalidDBParameterGroupState", 400, "Default parameter group " + name
                    + " cannot be deleted");
        }
        boolean inUse = cluster ? clusters.values().stream().anyMatch(c -> name.equals(c.parameterGroup))
                : instances.values().stream().anyMatch(i -> name.equals(i.parameterGroup));
        if (inUse) {
            throw new RdsFault("InvalidDBParameterGroupState", 400, "Parameter group " + name
                    + " is in use; attach another group first");
        }
        groups.remove(groupKey(name, cluster));
        return null;
    }

    private static String groupKey(String name, boolean cluster) {
        return (cluster ? "cluster-" : "db-") + name;
    }

    /** The named group (the default groups are made at start), or NotFound. */
    private Model.ParameterGroup group(String name, boolean cluster) {
        Model.ParameterGroup g = groups.get(groupKey(name.toLowerCase(java.util.Locale.ROOT), cluster));
        if (g == null) {
            throw RdsFault.parameterGroupNotFound(name, cluster);
        }
        return g;
    }

    private Model.ParameterGroup storedGroup(String name, boolean cluster) {
        return group(name, cluster);
    }

    /**
     * The {@code default.<family>} groups AWS has in every account: a DB parameter group per family, and a DB cluster
     * parameter group per family (Aurora's, and the RDS families' for Multi-AZ DB clusters).
     */
    private void ensureDefaultGroups() {
        for (String engine : List.of(EngineVersion.POSTGRES, EngineVersion.AURORA)) {
            for (int major : io.bluegreen.local.postgres.PostgresBinaries.SUPPORTED_MAJORS) {
                String family = engine + major;
                for (boolean cluster : new boolean[]{false, true}) {
                    groups.computeIfAbsent(groupKey("default." + family, cluster), key -> {
                        Model.ParameterGroup g = new Model.ParameterGroup();
                        g.name = "default." + family;
                        g.cluster = cluster;
                        g.family = family;
                        g.description = "Default " + (cluster ? "cluster " : "") + "parameter group for " + family;
                        return g;
                    });
                }
            }
        }
    }

    private Model.ParameterGroup groupFor(Optional<String> name, boolean cluster, String engine, EngineVersion version) {
        String family = version.family(engine);
        Model.ParameterGroup g = group(name.orElse("default." + family), cluster);
        if (!g.family.equals(family)) {
            throw RdsFault.invalidCombination("Parameter group " + g.name + " is of family " + g.family
                    + "; " + engine + " " + version + " needs a group of family " + family);
        }
        return g;
    }

    private static boolean isLogical(Model.ParameterGroup g) {
        return "1".equals(g.parameters.get(LOGICAL_REPLICATION));
    }

    /** {@code pending-reboot} while the group asks for another wal_level than the server runs with. */
    private String groupStatus(String groupName, boolean cluster, String serverId, Model.Resource resource) {
        Model.Server server = serverId == null ? null : servers.get(serverId);
        if (server == null) {
            return "in-sync";
        }
        boolean logicalPending = (cluster || !resource.isAuroraMember()) && isLogical(group(groupName, cluster)) != server.logical;
        return logicalPending || resource.pendingReboot ? "pending-reboot" : "in-sync";
    }

    // ------------------------------------------------------------------ logs

    private void describeLogFiles(QueryRequest request, Xml body) {
        Model.Instance i = instance(request.identifier("DBInstanceIdentifier"));
        body.open("DescribeDBLogFiles");
        Optional<String> serverId = serverIdOf(i.identifier);
        if (serverId.isPresent() && running.containsKey(serverId.get())) {
            Path log = running.get(serverId.get()).logFile();
            try {
                body.open("DescribeDBLogFilesDetails")
                        .element("LogFileName", logFileName(serverId.get()))
                        .element("LastWritten", Files.getLastModifiedTime(log).toMillis())
                        .element("Size", Files.size(log))
                        .close("DescribeDBLogFilesDetails");
            } catch (IOException e) {
                throw new UncheckedIOException("Could not read " + log + ": " + e.getMessage(), e);
            }
        }
        body.close("DescribeDBLogFiles");
    }

    private void downloadLog(QueryRequest request, Xml body) {
        Model.Instance i = instance(request.identifier("DBInstanceIdentifier"));
        String name = request.required("LogFileName");
        Optional<String> serverId = serverIdOf(i.identifier);
        if (serverId.isEmpty() || !running.containsKey(serverId.get()) || !name.equals(logFileName(serverId.get()))) {
            throw new RdsFault("DBLogFileNotFoundFault", 404, "DBLog File " + name + " is not found on the DB instance "
                    + i.identifier + "; list the files with DescribeDBLogFiles");
        }
        Path log = running.get(serverId.get()).logFile();
        try {
            LogPortion portion = LogPortion.of(Files.readAllBytes(log), request.optional("Marker"),
                    request.integer("NumberOfLines"));
            body.element("LogFileData", portion.data()).element("Marker", portion.marker())
                    .element("AdditionalDataPending", portion.pending());
        } catch (IOException e) {
            throw new UncheckedIOException("Could not read " + log + ": " + e.getMessage(), e);
        }
    }

    private String logFileName(String serverId) {
        Model.Server server = servers.get(serverId);
        Instant created;
        try {
            created = Files.getLastModifiedTime(Path.of(server.root).resolve("data").resolve("PG_VERSION")).toInstant();
        } catch (IOException e) {
            created = Instant.EPOCH;
        }
        return "error/postgresql.log." + LOG_NAME.format(created);
    }

    // ------------------------------------------------------------------ upgrades

    private void checkUpgrade(QueryRequest request, EngineVersion current, EngineVersion target, LocalPostgres server,
                              java.util.function.Function<String, RdsFault> wrongState) {
        if (target.major() < current.major()) {
            throw RdsFault.invalidCombination("Cannot upgrade from " + current + " to " + target
                    + ": a major version cannot go down");
        }
        if (!request.flag("AllowMajorVersionUpgrade")) {
            throw RdsFault.invalidCombination("The AllowMajorVersionUpgrade flag must be present when upgrading to a"
                    + " new major version (" + current + " to " + target + ")");
        }
        List<String> slots = Catalog.replicationSlots(server);
        if (!slots.isEmpty()) {
            throw wrongState.apply("the major version upgrade pre-check failed: drop the replication slots "
                    + slots + " before upgrading from " + current + " to " + target);
        }
        List<String> unsupported = SchemaCopy.unsupported(server);
        if (!unsupported.isEmpty()) {
            throw RdsFault.invalidCombination("The local endpoint's upgrade (a schema copy from the catalogs plus COPY)"
                    + " does not carry " + unsupported + "; remove them or upgrade elsewhere");
        }
    }

    private void checkSnapshotUpgrade(Model.Snapshot snapshot, EngineVersion from, EngineVersion to) {
        if (to.major() < from.major()) {
            throw RdsFault.invalidCombination("Cannot restore snapshot " + snapshot.identifier + " of " + from
                    + " as " + to + ": a major version cannot go down");
        }
        try (var slots = Files.list(Path.of(snapshot.directory).resolve("data").resolve("pg_replslot"))) {
            List<String> names = slots.map(p -> p.getFileName().toString()).toList();
            if (!names.isEmpty()) {
                throw RdsFault.invalidCombination("Snapshot " + snapshot.identifier + " holds replication slots "
                        + names + "; restore it at " + from + ", drop them, then upgrade");
            }
        } catch (IOException e) {
            throw new UncheckedIOException("Could not read snapshot " + snapshot.identifier + ": " + e.getMessage(), e);
        }
    }

    /** Builds a server of the target major filled from the old one, then moves it onto the old one's port. */
    private String upgradeServer(String oldServerId, int major, boolean logical) {
        Model.Server old;
        LocalPostgres oldPostgres;
        synchronized (lock) {
            old = servers.get(oldServerId);
            oldPostgres = running.get(oldServerId);
        }
        String id = newServerId();
        Path root = stateDirectory.resolve("servers").resolve(id);
        LocalPostgres fresh = serverBuilder(major, id, root, logical).password(old.adminPassword).start();
        started.add(fresh);
        try {
            long began = System.nanoTime();
            SchemaCopy.copy(oldPostgres, fresh);
            LOG.info("Upgrade copy {} -> {} took {} ms", oldPostgres, fresh, (System.nanoTime() - began) / 1_000_000);
            fresh.stop();
            oldPostgres.stop();
        } catch (RuntimeException e) {
            fresh.close();
            oldPostgres.start();
            throw e;
        }
        Model.Server server = new Model.Server();
        server.id = id;
        server.major = major;
        server.adminPassword = old.adminPassword;
        server.root = root.toString();
        server.logical = logical;
        LocalPostgres moved = LocalPostgres.adopt(major, id, root, old.adminPassword, old.port);
        server.port = moved.port();
        synchronized (lock) {
            servers.put(id, server);
            track(server, moved);
            servers.remove(oldServerId);
            running.remove(oldServerId);
            save();
        }
        oldPostgres.close();
        started.remove(oldPostgres);
        return id;
    }

    // ------------------------------------------------------------------ servers

    private record Restored(String serverId, String lsn) {
    }

    /** A fresh server with the master user (and database) of a Create call. */
    private Model.Server newServer(int major, boolean logical, String master, String password, String database) {
        String id = newServerId();
        Path root = stateDirectory.resolve("servers").resolve(id);
        LocalPostgres.Builder builder = serverBuilder(major, id, root, logical);
        if (LocalPostgres.SUPERUSER.equals(master)) {
            builder.password(password);
        }
        LocalPostgres postgres = builder.create();
        started.add(postgres);
        startOrExplain(postgres);
        if (!LocalPostgres.SUPERUSER.equals(master)) {
            try (Connection connection = postgres.connect("postgres"); Statement statement = connection.createStatement()) {
                // a failing statement is logged with its text by default: keep the password out of the server log
                statement.execute("SET log_min_error_statement = panic");
                statement.execute("CREATE ROLE " + SchemaCopy.ident(master) + " WITH LOGIN SUPERUSER PASSWORD "
                        + SchemaCopy.literal(password));
            } catch (SQLException e) {
                throw new IllegalStateException("Could not create the master user " + master + " on " + postgres
                        + " (SQLSTATE " + e.getSQLState() + ")", e);
            }
        }
        if (database != null) {
            postgres.createDatabase(database);
        }
        Model.Server server = new Model.Server();
        server.id = id;
        server.major = major;
        server.port = postgres.port();
        server.adminPassword = postgres.password();
        server.root = root.toString();
        server.logical = logical;
        synchronized (lock) {
            servers.put(id, server);
            track(server, postgres);
        }
        return server;
    }

    /**
     * Every server this control plane creates (copies keep the settings of their source). wal_recycle off: new WAL
     * segments are zero-filled, so a copy's recovery ends on zeros ("invalid record length at X") rather than on a
     * recycled segment's stale records. Durable: fsync and synchronous_commit on, as RDS runs them (LocalPostgres
     * turns fsync off for tests).
     */
    private LocalPostgres.Builder serverBuilder(int major, String id, Path root, boolean logical) {
        LocalPostgres.Builder builder = LocalPostgres.builder(major).name(id).root(root)
                .setting("wal_level", logical ? "logical" : "replica").setting("wal_recycle", "off");
        if (durable) {
            builder.setting("fsync", "on").setting("synchronous_commit", "on");
        }
        return builder;
    }

    /** Short server ids: the Unix socket path under the server's directory must stay under 108 bytes. */
    private static String newServerId() {
        return UUID.randomUUID().toString().substring(0, 8);
    }

    /** Starts a server; when it does not start, the failure carries the end of its log. */
    private static void startOrExplain(LocalPostgres postgres) {
        try {
            postgres.start();
        } catch (RuntimeException e) {
            String log;
            try {
                List<String> lines = Files.readAllLines(postgres.logFile());
                log = String.join("\n", lines.subList(Math.max(0, lines.size() - 20), lines.size()));
            } catch (IOException unreadable) {
                log = "(no log: " + unreadable.getMessage() + ")";
            }
            throw new IllegalStateException(postgres + " did not start: " + e.getMessage() + "\nIts log ends:\n" + log, e);
        }
    }

    /** A server record for a copy, its directory created, not started. */
    private Model.Server prepareServer(int major, String adminPassword, boolean logical) throws IOException {
        Model.Server server = new Model.Server();
        server.id = newServerId();
        server.major = major;
        server.adminPassword = adminPassword;
        server.logical = logical;
        Path root = Files.createDirectories(stateDirectory.resolve("servers").resolve(server.id));
        server.root = root.toString();
        return server;
    }

    /** Starts a prepared copy, reads where it ends, and (for Aurora) makes the LSN function answer it. */
    private String startCopy(Model.Server server, boolean aurora) {
        LocalPostgres postgres = LocalPostgres.adopt(server.major, server.id, Path.of(server.root), server.adminPassword);
        started.add(postgres);
        server.port = postgres.port();
        String lsn = PhysicalCopy.firstStartLsn(postgres);
        if (aurora) {
            PhysicalCopy.createAuroraFunction(postgres, lsn);
        }
        synchronized (lock) {
            servers.put(server.id, server);
            track(server, postgres);
        }
        return lsn;
    }

    private Restored restoreServer(Model.Snapshot snapshot, int upgradeTo, boolean logical, boolean aurora) throws IOException {
        Model.Server server = prepareServer(snapshot.major, snapshot.adminPassword, snapshot.logical);
        PhysicalCopy.copyQuiet(Path.of(snapshot.directory).resolve("data"), Path.of(server.root).resolve("data"));
        String lsn = startCopy(server, aurora);
        if (upgradeTo != 0) {
            return new Restored(upgradeServer(server.id, upgradeTo, logical), null);
        }
        // the restore boots with its group; a copy holding logical slots cannot start below wal_level logical
        // (FATAL), so it keeps logical until the caller drops the slots and reboots
        boolean keepsSlots = !Catalog.replicationSlots(running.get(server.id)).isEmpty();
        if (logical != server.logical && (logical || !keepsSlots)) {
            restartApplying(server.id, logical);
        }
        return new Restored(server.id, lsn);
    }

    /** Restarts a server, applying its group's rds.logical_replication (wal_level) first. */
    private void restartApplying(String serverId, boolean logical) {
        Model.Server server;
        LocalPostgres postgres;
        synchronized (lock) {
            server = servers.get(serverId);
            postgres = running.get(serverId);
        }
        if (server.logical != logical) {
            try (Connection connection = postgres.connect("postgres"); Statement statement = connection.createStatement()) {
                statement.execute("ALTER SYSTEM SET wal_level = '" + (logical ? "logical" : "replica") + "'");
            } catch (SQLException e) {
                throw new IllegalStateException("Could not set wal_level on " + postgres + ": " + e.getMessage(), e);
            }
        }
        postgres.stop();
        postgres.start();
        synchronized (lock) {
            server.logical = logical;
        }
    }

    private void dropServer(String serverId) {
        LocalPostgres postgres;
        Model.Server server;
        synchronized (lock) {
            postgres = running.remove(serverId);
            server = servers.remove(serverId);
        }
        if (postgres != null) {
            postgres.close();
            started.remove(postgres);
        }
        if (server != null) {
            Directories.deleteRecursively(Path.of(server.root));
        }
    }

    private void track(Model.Server server, LocalPostgres postgres) {
        started.add(postgres);
        running.put(server.id, postgres);
    }

    private Integer port(String serverId) {
        LocalPostgres postgres = serverId == null ? null : running.get(serverId);
        return postgres == null ? null : postgres.port();
    }

    /** Waits (on a worker) until a cluster's server exists, for members created together with their cluster. */
    private void awaitCluster(Model.Cluster c) throws InterruptedException {
        while (true) {
            synchronized (lock) {
                if (c.serverId != null || "failed".equals(c.status)) {
                    return;
                }
            }
            Thread.sleep(50);
        }
    }

    // ------------------------------------------------------------------ helpers

    private interface Work {
        void run() throws Exception;
    }

    private void later(String what, Work work, java.util.function.Consumer<Exception> failed) {
        later(what, work, failed, () -> {
        });
    }

    /**
     * Runs {@code work} on a worker; when it is done and the transition delay has passed, runs {@code done}
     * under the lock. A failure is logged with what was being done and handed to {@code failed}.
     */
    private void later(String what, Work work, java.util.function.Consumer<Exception> failed, Runnable done) {
        long began = System.nanoTime();
        Duration least = faults.nextSlowTransition(currentAction).filter(slow -> slow.compareTo(transitionDelay) > 0)
                .orElse(transitionDelay);
        workers.execute(() -> {
            try {
                work.run();
                long remaining = least.toNanos() - (System.nanoTime() - began);
                if (remaining > 0) {
                    TimeUnit.NANOSECONDS.sleep(remaining);
                }
                synchronized (lock) {
                    done.run();
                    save();
                }
                LOG.info("RDS emulator: {} done in {} ms", what, (System.nanoTime() - began) / 1_000_000);
            } catch (Exception e) {
                if (e instanceof InterruptedException) {
                    Thread.currentThread().interrupt();
                }
                LOG.error("RDS emulator: {} failed: {}", what, e.getMessage(), e);
                synchronized (lock) {
                    failed.accept(e);
                    save();
                }
            }
        });
    }

    private void save() {
        Map<String, Map<String, ?>> kinds = new LinkedHashMap<>();
        kinds.put("server", servers);
        kinds.put("cluster", clusters);
        kinds.put("instance", instances);
        kinds.put("snapshot", snapshots);
        kinds.put("group", groups);
        stateFile.save(kinds);
    }

    private Model.Cluster cluster(String id) {
        Model.Cluster c = clusters.get(id);
        if (c == null) {
            throw RdsFault.clusterNotFound(id);
        }
        return c;
    }

    private Model.Instance instance(String id) {
        Model.Instance i = instances.get(id);
        if (i == null) {
            throw RdsFault.instanceNotFound(id);
        }
        return i;
    }

    private Model.Snapshot snapshot(String id, boolean cluster) {
        Model.Snapshot s = snapshots.get(snapshotKey(id, cluster));
        if (s == null) {
            throw cluster ? RdsFault.clusterSnapshotNotFound(id) : RdsFault.snapshotNotFound(id);
        }
        return s;
    }

    private Model.Snapshot availableSnapshot(String id, boolean cluster) {
        Model.Snapshot s = snapshot(id, cluster);
        if (!"available".equals(s.status)) {
            throw cluster ? new RdsFault("InvalidDBClusterSnapshotStateFault", 400, "DB cluster snapshot " + id
                    + " is " + s.status + "; wait until it is available")
                    : new RdsFault("InvalidDBSnapshotState", 400, "DB snapshot " + id + " is " + s.status
                    + "; wait until it is available");
        }
        return s;
    }

    private void requireAvailable(Model.Cluster c) {
        if (!"available".equals(c.status)) {
            throw RdsFault.clusterState(c.identifier, c.status, "it must be available");
        }
    }

    private void requireAvailable(Model.Instance i) {
        if (!"available".equals(i.status)) {
            throw RdsFault.instanceState(i.identifier, i.status, "it must be available");
        }
    }

    private static String masterUsername(QueryRequest request) {
        String master = request.required("MasterUsername");
        if (!MASTER_USER.matcher(master).matches() || master.equalsIgnoreCase("rdsadmin")) {
            throw RdsFault.invalidParameter("MasterUsername " + master + " is not valid: 1 to 63 letters, digits or"
                    + " underscores, starting with a letter (and not a reserved word)");
        }
        return master;
    }

    private static String masterPassword(QueryRequest request) {
        String password = request.required("MasterUserPassword");
        if (password.length() < 8 || password.length() > 128) {
            throw RdsFault.invalidParameter("The parameter MasterUserPassword is not a valid password because it is"
                    + (password.length() < 8 ? " shorter than 8 characters." : " longer than 128 characters."));
        }
        for (char c : password.toCharArray()) {
            if (c < 0x21 || c > 0x7e || c == '/' || c == '\'' || c == '"' || c == '@') {
                throw RdsFault.invalidParameter("The parameter MasterUserPassword is not a valid password. Only"
                        + " printable ASCII characters besides '/', '@', '\"', ' ' may be used.");
            }
        }
        return password;
    }
}
