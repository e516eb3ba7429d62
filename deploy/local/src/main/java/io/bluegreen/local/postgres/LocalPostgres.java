package io.bluegreen.local.postgres;

import io.bluegreen.local.support.Directories;
import io.bluegreen.local.support.FreePorts;
import io.bluegreen.local.support.Processes;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;

/**
 * A real PostgreSQL server of one major version on a free loopback port, run from the Maven-resolved
 * binaries as an unprivileged user ({@link ServerUser}).
 *
 * <p>Each server owns a directory holding {@code data/} (the cluster), {@code sock/} (its Unix socket) and
 * {@code postgresql.log} (everything the server logs, readable by tests). Defaults suit logical replication:
 * {@code wal_level = logical} and room for many slots, senders and workers. Local connections are trusted;
 * TCP connections need the superuser's password ({@link #password()}), generated per server, as on a real host.
 */
public final class LocalPostgres implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(LocalPostgres.class);
    public static final String SUPERUSER = "postgres";
    public static final String HOST = "127.0.0.1";

    private final PostgresBinaries binaries;
    private final ServerUser user;
    private final String name;
    private final Path root;
    private final int port;
    private final String password;
    private final Map<String, String> settings;
    private boolean running;
    private Thread shutdownHook;
    private Duration startupTime = Duration.ZERO;

    /**
     * Like {@link #adopt(int, String, Path, String)}, on a port of the caller's choice (a restarted emulator
     * keeps its servers' endpoints); a port that is taken falls back to a free one.
     */
    public static LocalPostgres adopt(int major, String name, Path root, String password, int port) {
        Builder builder = new Builder(major).name(name);
        LocalPostgres server = new LocalPostgres(builder, root, portIsFree(port) ? port : FreePorts.next(),
                password);
        server.writeServerSettings(Map.of());
        server.start();
        return server;
    }

    private static boolean portIsFree(int port) {
        try (java.net.ServerSocket socket = new java.net.ServerSocket()) {
            socket.setReuseAddress(true);
            socket.bind(new java.net.InetSocketAddress(HOST, port));
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    private LocalPostgres(Builder builder, Path root, int port, String password) {
        this.binaries = PostgresBinaries.forMajor(builder.major);
        this.user = ServerUser.current();
        this.name = builder.name;
        this.root = root;
        this.port = port;
        this.password = password;
        this.settings = builder.settings;
    }

    public static Builder builder(int major) {
        return new Builder(major);
    }

    /** Creates and starts a server with the defaults. */
    public static LocalPostgres start(int major) {
        return builder(major).start();
    }

    /**
     * Adopts a data directory prepared elsewhere (a clone, a restored snapshot): the directory is handed to
     * the server user, its port and socket settings are rewritten, and it is started.
     *
     * @param root a directory holding {@code data/}; the log goes to {@code root/postgresql.log}
     */
    public static LocalPostgres adopt(int major, String name, Path root, String password) {
        Builder builder = new Builder(major).name(name);
        LocalPostgres server = new LocalPostgres(builder, root, FreePorts.next(), password);
        server.writeServerSettings(Map.of());
        server.start();
        return server;
    }

    public int major() {
        return binaries.major();
    }

    public String name() {
        return name;
    }

    public String host() {
        return HOST;
    }

    public int port() {
        return port;
    }

    public String superuser() {
        return SUPERUSER;
    }

    /** The superuser's password. Never log it. */
    public String password() {
        return password;
    }

    public Path root() {
        return root;
    }

    public Path dataDirectory() {
        return root.resolve("data");
    }

    public Path logFile() {
        return root.resolve("postgresql.log");
    }

    public PostgresBinaries binaries() {
        return binaries;
    }

    public Duration startupTime() {
        return startupTime;
    }

    public String jdbcUrl(String database) {
        return "jdbc:postgresql://" + HOST + ":" + port + "/" + database;
    }

    /** A libpq connection string without the password (add it where it is needed, never log it). */
    public String conninfo(String database) {
        return "host=" + HOST + " port=" + port + " dbname=" + database + " user=" + SUPERUSER;
    }

    public Connection connect(String database) throws SQLException {
        Properties props = new Properties();
        props.setProperty("user", SUPERUSER);
        props.setProperty("password", password);
        props.setProperty("ApplicationName", "bluegreen-local");
        return DriverManager.getConnection(jdbcUrl(database), props);
    }

    /** Creates a database when it does not exist yet. */
    public LocalPostgres createDatabase(String database) {
        try (Connection connection = connect("postgres"); Statement statement = connection.createStatement()) {
            var rs = statement.executeQuery("SELECT 1 FROM pg_database WHERE datname = '" + database.replace("'", "''") + "'");
            if (!rs.next()) {
                statement.execute("CREATE DATABASE \"" + database.replace("\"", "\"\"") + "\"");
            }
            return this;
        } catch (SQLException e) {
            throw new IllegalStateException("Could not create database " + database + " on " + this + ": "
                    + e.getMessage(), e);
        }
    }

    /** The full server version, e.g. {@code 16.15}. */
    public String serverVersion() {
        try (Connection connection = connect("postgres"); Statement statement = connection.createStatement()) {
            var rs = statement.executeQuery("SHOW server_version");
            rs.next();
            return rs.getString(1).split(" ")[0];
        } catch (SQLException e) {
            throw new IllegalStateException("Could not read the version of " + this + ": " + e.getMessage(), e);
        }
    }

    public String readLog() {
        try {
            return Files.readString(logFile());
        } catch (IOException e) {
            throw new UncheckedIOException("Could not read " + logFile() + ": " + e.getMessage(), e);
        }
    }

    public synchronized boolean isRunning() {
        return running;
    }

    /** Starts the server (again) and waits until it accepts connections. */
    public synchronized LocalPostgres start() {
        if (running) {
            return this;
        }
        long began = System.nanoTime();
        user.own(root);
        pgCtl(List.of("-D", dataDirectory().toString(), "-l", logFile().toString(), "-w", "-t", "120", "start"));
        running = true;
        if (shutdownHook == null) {
            shutdownHook = new Thread(this::stopQuietly, "local-postgres-shutdown-" + name);
            Runtime.getRuntime().addShutdownHook(shutdownHook);
        }
        startupTime = Duration.ofNanos(System.nanoTime() - began);
        LOG.info("{} started in {} ms", this, startupTime.toMillis());
        return this;
    }

    /** Stops the server (fast shutdown) and keeps its directory. */
    public synchronized void stop() {
        if (!running) {
            return;
        }
        pgCtl(List.of("-D", dataDirectory().toString(), "-m", "fast", "-w", "-t", "120", "stop"));
        running = false;
    }

    /** Stops the server and deletes its directory. */
    @Override
    public synchronized void close() {
        stopQuietly();
        Directories.deleteRecursively(root);
        if (shutdownHook != null) {
            try {
                Runtime.getRuntime().removeShutdownHook(shutdownHook);
            } catch (IllegalStateException alreadyShuttingDown) {
                // the hook is running or has run
            }
            shutdownHook = null;
        }
    }

    private synchronized void stopQuietly() {
        try {
            stop();
        } catch (RuntimeException e) {
            LOG.warn("{} did not stop cleanly: {}", this, e.getMessage());
            running = false;
        }
    }

    private void pgCtl(List<String> args) {
        List<String> command = new ArrayList<>();
        command.add(binaries.bin("pg_ctl").toString());
        command.addAll(args);
        Processes.run(user.command(command), root, Map.of(), Duration.ofSeconds(150));
    }

    private void initdb() {
        try {
            Path pwfile = root.resolve("pwfile");
            Files.writeString(pwfile, password + "\n", StandardOpenOption.CREATE_NEW);
            Files.setPosixFilePermissions(pwfile, PosixFilePermissions.fromString("rw-------"));
            user.own(root);
            try {
                Processes.run(user.command(List.of(binaries.bin("initdb").toString(),
                                "-D", dataDirectory().toString(), "-U", SUPERUSER, "--pwfile=" + pwfile,
                                "--auth-local=trust", "--auth-host=scram-sha-256", "-E", "UTF8", "--locale=C",
                                "--no-sync")),
                        root, Map.of(), Duration.ofMinutes(2));
            } finally {
                Files.deleteIfExists(pwfile);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("initdb of " + this + " failed: " + e.getMessage(), e);
        }
    }

    /**
     * Writes where the server listens (address, port, socket) into {@code bluegreen-placement.conf}, included
     * last from {@code postgresql.conf}, and the access rules into {@code pg_hba.conf}. Settings go to
     * {@code postgresql.conf} once at creation, so {@code ALTER SYSTEM} stays free for the server's owner and a
     * copied data directory keeps them.
     */
    void writeServerSettings(Map<String, String> settings) {
        try {
            Path sock = Files.createDirectories(root.resolve("sock"));
            Path conf = dataDirectory().resolve("postgresql.conf");
            String include = "include_if_exists = 'bluegreen-placement.conf'";
            String existing = Files.readString(conf);
            StringBuilder appended = new StringBuilder();
            if (!settings.isEmpty()) {
                appended.append("\n# bluegreen LocalPostgres defaults\n");
                settings.forEach((key, value) -> appended.append(key).append(" = ").append(value).append('\n'));
            }
            if (!existing.contains(include)) {
                appended.append(include).append('\n');
            }
            if (appended.length() > 0) {
                Files.writeString(conf, existing.replace(include + "\n", "") + appended
                        + (existing.contains(include) ? include + "\n" : ""));
            }
            Files.writeString(dataDirectory().resolve("bluegreen-placement.conf"),
                    "listen_addresses = '" + HOST + "'\n"
                            + "port = " + port + "\n"
                            + "unix_socket_directories = '" + sock + "'\n");
            Files.writeString(dataDirectory().resolve("pg_hba.conf"),
                    "local all all trust\n"
                            + "local replication all trust\n"
                            + "host all all 127.0.0.1/32 scram-sha-256\n"
                            + "host replication all 127.0.0.1/32 scram-sha-256\n");
            user.own(root);
        } catch (IOException e) {
            throw new UncheckedIOException("Could not configure " + this + ": " + e.getMessage(), e);
        }
    }

    @Override
    public String toString() {
        return "PostgreSQL " + major() + " '" + name + "' at " + HOST + ":" + port;
    }

    /** How to make a new server. */
    public static final class Builder {
        private final int major;
        private String name;
        private final Map<String, String> settings = new LinkedHashMap<>();
        private Path root;
        private String password;

        private Builder(int major) {
            this.major = major;
            this.name = "pg" + major;
            settings.put("wal_level", "logical");
            settings.put("max_connections", "300");
            settings.put("max_wal_senders", "64");
            settings.put("max_replication_slots", "64");
            settings.put("max_worker_processes", "64");
            settings.put("max_logical_replication_workers", "32");
            settings.put("max_prepared_transactions", "8");
            settings.put("shared_buffers", "'64MB'");
            settings.put("fsync", "off");
            settings.put("full_page_writes", "on");
            settings.put("log_line_prefix", "'%m [%p] '");
            settings.put("log_min_messages", "info");
        }

        public Builder name(String name) {
            this.name = name;
            return this;
        }

        /** A postgresql.conf setting; values are written as given (quote strings yourself). */
        public Builder setting(String key, String value) {
            settings.put(key, value);
            return this;
        }

        /** Where the server's directory goes (created; must not exist or be empty); default: a new temp directory. */
        public Builder root(Path root) {
            this.root = root;
            return this;
        }

        /** The superuser's password instead of a generated one. Never log it. */
        public Builder password(String password) {
            this.password = password;
            return this;
        }

        public LocalPostgres start() {
            return create().start();
        }

        /** Creates the cluster (initdb + settings) without starting it. */
        public LocalPostgres create() {
            try {
                Path root = this.root != null ? Files.createDirectories(this.root)
                        : Files.createTempDirectory("bluegreen-pg-" + name + "-");
                Files.setPosixFilePermissions(root, PosixFilePermissions.fromString("rwxr-xr-x"));
                byte[] secret = new byte[18];
                new SecureRandom().nextBytes(secret);
                String superuserPassword = password != null ? password : HexFormat.of().formatHex(secret);
                LocalPostgres server = new LocalPostgres(this, root, FreePorts.next(), superuserPassword);
                server.initdb();
                server.writeServerSettings(settings);
                return server;
            } catch (IOException e) {
                throw new UncheckedIOException("Could not create PostgreSQL " + major + " '" + name + "': "
                        + e.getMessage(), e);
            }
        }
    }
}
