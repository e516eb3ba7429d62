package io.bluegreen.local.rds;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * The core every action handler shares: the lock, the model (servers, clusters, instances, snapshots, parameter
 * groups) and its state file, the lookups that answer AWS's NotFound and state errors, and transitions: work that
 * runs on a worker while the resource shows a transitional status for at least the transition delay (or the slow
 * transition a test injected for the action being handled).
 */
final class RdsState {

    private static final Logger LOG = LoggerFactory.getLogger(RdsState.class);

    /** Every call and every finished piece of work changes the model under this lock. */
    final Object lock = new Object();
    final Path stateDirectory;
    final Map<String, Model.Server> servers;
    final Map<String, Model.Cluster> clusters;
    final Map<String, Model.Instance> instances;
    final Map<String, Model.Snapshot> snapshots;
    final Map<String, Model.ParameterGroup> groups;
    private final StateFile stateFile;
    private final Duration transitionDelay;
    private final InjectedFaults faults;
    /** the action being handled (under the lock): its slow transition, if one is injected, applies to its work */
    private String currentAction;
    private final ExecutorService workers = Executors.newCachedThreadPool(runnable -> {
        Thread thread = new Thread(runnable, "rds-emulator-work");
        thread.setDaemon(true);
        return thread;
    });

    RdsState(Path stateDirectory, Duration transitionDelay, InjectedFaults faults) {
        this.stateDirectory = stateDirectory;
        this.transitionDelay = transitionDelay;
        this.faults = faults;
        this.stateFile = new StateFile(stateDirectory.resolve("state.properties"));
        this.servers = stateFile.load("server", Model.Server::new);
        this.clusters = stateFile.load("cluster", Model.Cluster::new);
        this.instances = stateFile.load("instance", Model.Instance::new);
        this.snapshots = stateFile.load("snapshot", Model.Snapshot::new);
        this.groups = stateFile.load("group", Model.ParameterGroup::new);
    }

    /** Called under the lock as a call begins: the action whose transitions {@link #later} times. */
    void handling(String action) {
        currentAction = action;
    }

    /** Stops the workers, waiting up to two minutes for work under way. */
    void stopWork() {
        workers.shutdownNow();
        try {
            if (!workers.awaitTermination(2, TimeUnit.MINUTES)) {
                LOG.warn("RDS emulator work still running after 2 minutes; stopping the servers anyway");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    interface Work {
        void run() throws Exception;
    }

    void later(String what, Work work, Consumer<Exception> failed) {
        later(what, work, failed, () -> {
        });
    }

    /**
     * Runs {@code work} on a worker; when it is done and the transition delay has passed, runs {@code done}
     * under the lock. A failure is logged with what was being done and handed to {@code failed}.
     */
    void later(String what, Work work, Consumer<Exception> failed, Runnable done) {
        long began = System.nanoTime();
        Duration least = faults.nextSlowTransition(currentAction).filter(slow -> slow.compareTo(transitionDelay) > 0)
                .orElse(transitionDelay);
        Optional<String> injectedFailure = faults.nextFailedTransition(currentAction);
        workers.execute(() -> {
            try {
                if (injectedFailure.isPresent()) {
                    throw new IllegalStateException(injectedFailure.get() + " (injected)");
                }
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

    void save() {
        Map<String, Map<String, ?>> kinds = new LinkedHashMap<>();
        kinds.put("server", servers);
        kinds.put("cluster", clusters);
        kinds.put("instance", instances);
        kinds.put("snapshot", snapshots);
        kinds.put("group", groups);
        stateFile.save(kinds);
    }

    Model.Cluster cluster(String id) {
        Model.Cluster c = clusters.get(id);
        if (c == null) {
            throw RdsFault.clusterNotFound(id);
        }
        return c;
    }

    Model.Instance instance(String id) {
        Model.Instance i = instances.get(id);
        if (i == null) {
            throw RdsFault.instanceNotFound(id);
        }
        return i;
    }

    Model.Snapshot snapshot(String id, boolean cluster) {
        Model.Snapshot s = snapshots.get(snapshotKey(id, cluster));
        if (s == null) {
            throw cluster ? RdsFault.clusterSnapshotNotFound(id) : RdsFault.snapshotNotFound(id);
        }
        return s;
    }

    Model.Snapshot availableSnapshot(String id, boolean cluster) {
        Model.Snapshot s = snapshot(id, cluster);
        if (!"available".equals(s.status)) {
            throw cluster ? new RdsFault("InvalidDBClusterSnapshotStateFault", 400, "DB cluster snapshot " + id
                    + " is " + s.status + "; wait until it is available")
                    : new RdsFault("InvalidDBSnapshotState", 400, "DB snapshot " + id + " is " + s.status
                    + "; wait until it is available");
        }
        return s;
    }

    void requireAvailable(Model.Cluster c) {
        if (!"available".equals(c.status)) {
            throw RdsFault.clusterState(c.identifier, c.status, "it must be available");
        }
    }

    void requireAvailable(Model.Instance i) {
        if (!"available".equals(i.status)) {
            throw RdsFault.instanceState(i.identifier, i.status, "it must be available");
        }
    }

    static String snapshotKey(String id, boolean cluster) {
        return (cluster ? "cluster-" : "db-") + id;
    }

    static String groupKey(String name, boolean cluster) {
        return (cluster ? "cluster-" : "db-") + name;
    }

    /** The named group (the default groups are made at start), or NotFound. */
    Model.ParameterGroup group(String name, boolean cluster) {
        Model.ParameterGroup g = groups.get(groupKey(name.toLowerCase(java.util.Locale.ROOT), cluster));
        if (g == null) {
            throw RdsFault.parameterGroupNotFound(name, cluster);
        }
        return g;
    }

    Model.ParameterGroup groupFor(Optional<String> name, boolean cluster, String engine, EngineVersion version) {
        String family = version.family(engine);
        Model.ParameterGroup g = group(name.orElse("default." + family), cluster);
        if (!g.family.equals(family)) {
            throw RdsFault.invalidCombination("Parameter group " + g.name + " is of family " + g.family
                    + "; " + engine + " " + version + " needs a group of family " + family);
        }
        return g;
    }

    static boolean isLogical(Model.ParameterGroup g) {
        return "1".equals(g.parameters.get(ParameterCatalog.LOGICAL_REPLICATION));
    }

    /** {@code pending-reboot} while the group asks for another wal_level than the server runs with. */
    String groupStatus(String groupName, boolean cluster, String serverId, Model.Resource resource) {
        Model.Server server = serverId == null ? null : servers.get(serverId);
        if (server == null) {
            return "in-sync";
        }
        boolean logicalPending = (cluster || !resource.isAuroraMember()) && isLogical(group(groupName, cluster)) != server.logical;
        return logicalPending || resource.pendingReboot ? "pending-reboot" : "in-sync";
    }

    Optional<String> serverIdOf(String identifier) {
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
}
