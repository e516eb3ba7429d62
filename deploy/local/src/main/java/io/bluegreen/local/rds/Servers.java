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
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;

/**
 * The PostgreSQL servers behind the resources: creating one for a Create call, copying one for a clone or a
 * snapshot restore, upgrading one to a new major (a schema copy onto the same port), restarting one to apply
 * {@code rds.logical_replication}, and dropping one. Slow calls run on a worker, outside the lock.
 */
final class Servers {

    private static final Logger LOG = LoggerFactory.getLogger(Servers.class);

    private final RdsState state;
    private final boolean durable;
    private final Map<String, LocalPostgres> running = new ConcurrentHashMap<>();
    private final Set<LocalPostgres> started = ConcurrentHashMap.newKeySet();

    /** @param durable servers created here run with {@code fsync} and {@code synchronous_commit} on, as on RDS */
    Servers(RdsState state, boolean durable) {
        this.state = state;
        this.durable = durable;
    }

    /** The running server with this id, or null. */
    LocalPostgres postgres(String serverId) {
        return serverId == null ? null : running.get(serverId);
    }

    boolean isRunning(String serverId) {
        return running.containsKey(serverId);
    }

    /** Every server started here (running or stopped). */
    Set<LocalPostgres> started() {
        return Set.copyOf(started);
    }

    /** Stops every server started here. */
    void stopAll() {
        for (LocalPostgres postgres : started) {
            try {
                postgres.stop();
            } catch (RuntimeException e) {
                LOG.warn("{} did not stop: {}", postgres, e.getMessage());
            }
        }
    }

    void checkUpgrade(QueryRequest request, EngineVersion current, EngineVersion target, LocalPostgres server,
                              Function<String, RdsFault> wrongState) {
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

    void checkSnapshotUpgrade(Model.Snapshot snapshot, EngineVersion from, EngineVersion to) {
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
    String upgradeServer(String oldServerId, int major, boolean logical) {
        Model.Server old;
        LocalPostgres oldPostgres;
        synchronized (state.lock) {
            old = state.servers.get(oldServerId);
            oldPostgres = running.get(oldServerId);
        }
        String id = newServerId();
        Path root = state.stateDirectory.resolve("servers").resolve(id);
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
        synchronized (state.lock) {
            state.servers.put(id, server);
            track(server, moved);
            state.servers.remove(oldServerId);
            running.remove(oldServerId);
            state.save();
        }
        oldPostgres.close();
        started.remove(oldPostgres);
        return id;
    }

    record Restored(String serverId, String lsn) {
    }

    /** A fresh server with the master user (and database) of a Create call. */
    Model.Server newServer(int major, boolean logical, String master, String password, String database) {
        String id = newServerId();
        Path root = state.stateDirectory.resolve("servers").resolve(id);
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
        synchronized (state.lock) {
            state.servers.put(id, server);
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
    LocalPostgres.Builder serverBuilder(int major, String id, Path root, boolean logical) {
        LocalPostgres.Builder builder = LocalPostgres.builder(major).name(id).root(root)
                .setting("wal_level", logical ? "logical" : "replica").setting("wal_recycle", "off");
        if (durable) {
            builder.setting("fsync", "on").setting("synchronous_commit", "on");
        }
        return builder;
    }

    /** Short server ids: the Unix socket path under the server's directory must stay under 108 bytes. */
    static String newServerId() {
        return UUID.randomUUID().toString().substring(0, 8);
    }

    /** Starts a server; when it does not start, the failure carries the end of its log. */
    static void startOrExplain(LocalPostgres postgres) {
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
    Model.Server prepareServer(int major, String adminPassword, boolean logical) throws IOException {
        Model.Server server = new Model.Server();
        server.id = newServerId();
        server.major = major;
        server.adminPassword = adminPassword;
        server.logical = logical;
        Path root = Files.createDirectories(state.stateDirectory.resolve("servers").resolve(server.id));
        server.root = root.toString();
        return server;
    }

    /** Starts a prepared copy, reads where it ends, and (for Aurora) makes the LSN function answer it. */
    String startCopy(Model.Server server, boolean aurora) {
        LocalPostgres postgres = LocalPostgres.adopt(server.major, server.id, Path.of(server.root), server.adminPassword);
        started.add(postgres);
        server.port = postgres.port();
        String lsn = PhysicalCopy.firstStartLsn(postgres);
        if (aurora) {
            PhysicalCopy.createAuroraFunction(postgres, lsn);
        }
        synchronized (state.lock) {
            state.servers.put(server.id, server);
            track(server, postgres);
        }
        return lsn;
    }

    Restored restoreServer(Model.Snapshot snapshot, int upgradeTo, boolean logical, boolean aurora) throws IOException {
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
    void restartApplying(String serverId, boolean logical) {
        Model.Server server;
        LocalPostgres postgres;
        synchronized (state.lock) {
            server = state.servers.get(serverId);
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
        synchronized (state.lock) {
            server.logical = logical;
        }
    }

    void dropServer(String serverId) {
        LocalPostgres postgres;
        Model.Server server;
        synchronized (state.lock) {
            postgres = running.remove(serverId);
            server = state.servers.remove(serverId);
        }
        if (postgres != null) {
            postgres.close();
            started.remove(postgres);
        }
        if (server != null) {
            Directories.deleteRecursively(Path.of(server.root));
        }
    }

    void track(Model.Server server, LocalPostgres postgres) {
        started.add(postgres);
        running.put(server.id, postgres);
    }

    Integer port(String serverId) {
        LocalPostgres postgres = serverId == null ? null : running.get(serverId);
        return postgres == null ? null : postgres.port();
    }

    boolean forgetServer(String serverId) {
        Model.Server server = state.servers.remove(serverId);
        if (server != null) {
            Directories.deleteRecursively(Path.of(server.root));
        }
        return true;
    }
}
