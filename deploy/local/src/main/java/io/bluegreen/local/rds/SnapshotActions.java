package io.bluegreen.local.rds;

import io.bluegreen.local.postgres.LocalPostgres;
import io.bluegreen.local.support.Directories;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;

/**
 * {@code Create/Describe/DeleteDB[Cluster]Snapshot}, and the final snapshot a delete takes: a physical copy of the
 * source's server, kept unstarted, encrypted and tagged as AWS does.
 */
final class SnapshotActions {

    private final RdsState state;
    private final Servers servers;

    SnapshotActions(RdsState state, Servers servers) {
        this.state = state;
        this.servers = servers;
    }

    void createSnapshot(QueryRequest request, Xml body, boolean cluster) {
        String id = request.identifier(cluster ? "DBClusterSnapshotIdentifier" : "DBSnapshotIdentifier");
        String sourceId = request.identifier(cluster ? "DBClusterIdentifier" : "DBInstanceIdentifier");
        Map<String, String> tags = Settings.tags(request);
        Model.Snapshot s;
        LocalPostgres postgres;
        if (cluster) {
            Model.Cluster c = state.cluster(sourceId);
            state.requireAvailable(c);
            requireNewSnapshot(id, true);
            s = recordSnapshot(id, c, c.identifier, c.engine, c.engineVersion, c.masterUsername, c.serverId, null, tags);
            postgres = servers.postgres(c.serverId);
        } else {
            Model.Instance i = state.instance(sourceId);
            if (i.clusterIdentifier != null) {
                throw RdsFault.instanceState(i.identifier, i.status, "it is a member of DB cluster "
                        + i.clusterIdentifier + ": use CreateDBClusterSnapshot");
            }
            state.requireAvailable(i);
            requireNewSnapshot(id, false);
            s = recordSnapshot(id, i, i.identifier, i.engine, i.engineVersion, i.masterUsername, i.serverId,
                    i.instanceClass, tags);
            postgres = servers.postgres(i.serverId);
            i.status = "backing-up";
        }
        String key = state.snapshotKey(id, cluster);
        Model.Instance backedUp = cluster ? null : state.instance(sourceId);
        state.later("snapshot " + sourceId + " as " + id, () -> copySnapshot(s, postgres), e -> {
            state.snapshots.remove(key, s);
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

    void requireNewSnapshot(String id, boolean cluster) {
        if (state.snapshots.containsKey(state.snapshotKey(id, cluster))) {
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
    Model.Snapshot recordSnapshot(String id, Model.Resource resource, String sourceId, String engine,
                                          String version, String master, String serverId, String instanceClass,
                                          Map<String, String> tags) {
        boolean cluster = resource instanceof Model.Cluster;
        Model.Server server = serverId == null ? null : state.servers.get(serverId);
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
        s.directory = state.stateDirectory.resolve("snapshots").resolve((cluster ? "cluster-" : "db-") + id).toString();
        s.port = server.port;
        s.major = server.major;
        s.adminPassword = server.adminPassword;
        s.logical = server.logical;
        s.created = Instant.now();
        s.kmsKeyId = resource.kmsKeyId;
        s.encrypted = resource.storageEncrypted;
        s.instanceClass = instanceClass;
        s.tags.putAll(!tags.isEmpty() || !resource.copyTagsToSnapshot ? tags : resource.tags);
        state.snapshots.put(state.snapshotKey(id, cluster), s);
        return s;
    }

    /** The physical copy behind a snapshot (on a worker). */
    static void copySnapshot(Model.Snapshot s, LocalPostgres postgres) throws IOException {
        Path directory = Path.of(s.directory);
        Directories.deleteRecursively(directory);
        Files.createDirectories(directory);
        PhysicalCopy.take(postgres, directory.resolve("data"));
    }

    /**
     * The final snapshot a Delete asks for: none with {@code SkipFinalSnapshot=true}; otherwise
     * {@code FinalDBSnapshotIdentifier} is required (AWS's InvalidParameterCombination) and must be new.
     */
    Optional<String> finalSnapshotId(QueryRequest request, boolean cluster) {
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

    void describeSnapshots(QueryRequest request, Xml body, boolean cluster) {
        Optional<String> id = request.optionalIdentifier(cluster ? "DBClusterSnapshotIdentifier" : "DBSnapshotIdentifier");
        Optional<String> source = request.optionalIdentifier(cluster ? "DBClusterIdentifier" : "DBInstanceIdentifier");
        body.open(cluster ? "DBClusterSnapshots" : "DBSnapshots");
        if (id.isPresent()) {
            Model.Snapshot s = state.snapshot(id.get(), cluster);
            Responses.snapshot(body, request.region(), s);
        } else {
            state.snapshots.values().stream().filter(s -> s.cluster == cluster)
                    .filter(s -> source.isEmpty() || source.get().equals(s.source))
                    .forEach(s -> Responses.snapshot(body, request.region(), s));
        }
        body.close(cluster ? "DBClusterSnapshots" : "DBSnapshots");
    }

    void deleteSnapshot(QueryRequest request, Xml body, boolean cluster) {
        Model.Snapshot s = state.snapshot(request.identifier(cluster ? "DBClusterSnapshotIdentifier" : "DBSnapshotIdentifier"), cluster);
        if (!"available".equals(s.status)) {
            throw cluster ? new RdsFault("InvalidDBClusterSnapshotStateFault", 400, "DB cluster snapshot " + s.identifier
                    + " is " + s.status + "; wait until it is available")
                    : new RdsFault("InvalidDBSnapshotState", 400, "DB snapshot " + s.identifier + " is " + s.status
                    + "; wait until it is available");
        }
        state.snapshots.remove(state.snapshotKey(s.identifier, cluster));
        Directories.deleteRecursively(Path.of(s.directory));
        s.status = "deleted";
        Responses.snapshot(body, request.region(), s);
    }
}
