package io.bluegreen.local.rds;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.bluegreen.local.postgres.LocalPostgres;
import io.bluegreen.local.secrets.SecretsManagerEndpoint;
import io.bluegreen.local.support.Directories;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * A local endpoint that answers the RDS Query API ({@code POST /}, form-encoded, {@code Version=2014-10-31}, XML
 * answers, AWS's error XML and codes) on 127.0.0.1, backed by real PostgreSQL 16/17 servers, so the real AWS SDK
 * v2 {@code RdsClient} (endpoint override, any region, static credentials) drives it as it drives AWS.
 *
 * <ul>
 *   <li>An Aurora cluster ({@code CreateDBCluster}, engine {@code aurora-postgresql}) is one PostgreSQL server;
 *       its instances ({@code CreateDBInstance} with {@code DBClusterIdentifier}) are endpoints onto it, the first
 *       one the writer. An RDS PostgreSQL instance ({@code CreateDBInstance}, engine {@code postgres}) is one
 *       server. {@code EngineVersion} 16.x or 17.x picks the major; the master user is a superuser with the given
 *       password; endpoints are 127.0.0.1 and the server's port.</li>
 *   <li>A clone ({@code RestoreDBClusterToPointInTime}, {@code UseLatestRestorableTime}) and a snapshot
 *       ({@code CreateDBSnapshot}, {@code CreateDBClusterSnapshot}, restored with
 *       {@code RestoreDBInstanceFromDBSnapshot} / {@code RestoreDBClusterFromSnapshot}) are physical copies
 *       taken with the backup API while the source takes writes ({@link PhysicalCopy}); replication slots are
 *       copied, as on AWS. The copy's first start logs PostgreSQL's own {@code invalid record length at X}, served
 *       by {@code DescribeDBLogFiles} / {@code DownloadDBLogFilePortion}; Aurora copies answer
 *       {@code SELECT aurora_volume_logical_start_lsn()} with X in every database.</li>
 *   <li>Parameter groups: {@code rds.logical_replication = 1} is static ({@code pending-reboot}); servers run with
 *       {@code wal_level = replica} until {@code RebootDBInstance} applies it ({@code wal_level = logical}).</li>
 *   <li>A major upgrade ({@code ModifyDBCluster} / {@code ModifyDBInstance} with {@code EngineVersion} and
 *       {@code AllowMajorVersionUpgrade}) builds a server of the new major filled by {@link SchemaCopy} (no
 *       pg_upgrade exists for 16/17 here; that class lists what it carries) on the same port. It is refused while
 *       the source holds replication slots, as AWS's pre-check refuses it.</li>
 *   <li>Statuses move with time ({@code creating}, {@code modifying}, {@code rebooting}, {@code upgrading},
 *       {@code deleting}, then {@code available} or gone): at least {@link Builder#transitionDelay} and as long
 *       as the real work takes.</li>
 *   <li>Given a {@link Builder#stateDirectory}, resources, servers and snapshots survive a restart of the
 *       emulator; without one, everything lives in a temporary directory deleted by {@link #close()}.</li>
 *   <li>The same endpoint answers AWS Secrets Manager's JSON protocol (a request with an
 *       {@code X-Amz-Target: secretsmanager.*} header) through {@link SecretsManagerEndpoint}
 *       ({@link #secretsManager()}), so the real {@code SecretsManagerClient} can store, rotate and read the
 *       credentials of these servers.</li>
 * </ul>
 */
public final class RdsEmulator implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(RdsEmulator.class);

    private final HttpServer http;
    private final ExecutorService handlers;
    private final ControlPlane controlPlane;
    private final InjectedFaults faults;
    private final SecretsManagerEndpoint secretsManager = new SecretsManagerEndpoint();
    private final Path stateDirectory;
    private final boolean temporaryState;

    private RdsEmulator(HttpServer http, ExecutorService handlers, ControlPlane controlPlane, InjectedFaults faults,
                        Path stateDirectory, boolean temporaryState) {
        this.http = http;
        this.faults = faults;
        this.handlers = handlers;
        this.controlPlane = controlPlane;
        this.stateDirectory = stateDirectory;
        this.temporaryState = temporaryState;
    }

    public static Builder builder() {
        return new Builder();
    }

    /**
     * Faults the next calls of an action meet (throttling, an invalid state, a quota, a slow answer) and slow
     * transitions ({@link InjectedFaults#slowTransition}).
     */
    public InjectedFaults faults() {
        return faults;
    }

    /** Where the SDK sends its requests: {@code http://127.0.0.1:port}. */
    public URI endpoint() {
        return URI.create("http://" + LocalPostgres.HOST + ":" + http.getAddress().getPort());
    }

    public Path stateDirectory() {
        return stateDirectory;
    }

    /**
     * Test hook (not an AWS call): the LSN at which the copy behind this cluster or instance ends, i.e. the redo
     * LSN of the copy's first checkpoint, which equals the {@code invalid record length at} LSN of its log.
     *
     * @throws IllegalArgumentException when no such cluster or instance exists
     * @throws IllegalStateException    when it is not a copy (or not yet started)
     */
    public String knownSnapshotLsn(String clusterOrInstanceIdentifier) {
        return controlPlane.knownSnapshotLsn(clusterOrInstanceIdentifier.toLowerCase())
                .orElseThrow(() -> new IllegalStateException("'" + clusterOrInstanceIdentifier
                        + "' is not a clone or restored snapshot that has started (yet)"));
    }

    /** Test hook (not an AWS call): the PostgreSQL server behind a cluster or instance. */
    public LocalPostgres server(String identifier) {
        return controlPlane.server(identifier.toLowerCase());
    }

    /** The Secrets Manager calls this endpoint answers (its secrets, and {@link SecretsManagerEndpoint#calls}). */
    public SecretsManagerEndpoint secretsManager() {
        return secretsManager;
    }

    /** Every PostgreSQL server this emulator started, running or not. */
    public Set<LocalPostgres> startedServers() {
        return controlPlane.startedServers();
    }

    /** Stops the HTTP server and every PostgreSQL server this emulator started. */
    @Override
    public void close() {
        http.stop(0);
        handlers.shutdownNow();
        controlPlane.close();
        if (temporaryState) {
            Directories.deleteRecursively(stateDirectory);
        }
        LOG.info("RDS emulator at {} stopped", endpoint());
    }

    private void handle(HttpExchange exchange) throws IOException {
        if (SecretsManagerEndpoint.isSecretsManagerCall(exchange.getRequestHeaders().getFirst("X-Amz-Target"))) {
            secretsManager.serve(exchange);
            return;
        }
        int status;
        String body;
        try {
            String form = "GET".equals(exchange.getRequestMethod()) ? exchange.getRequestURI().getRawQuery()
                    : new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
            QueryRequest request = QueryRequest.parse(form)
                    .signedWith(exchange.getRequestHeaders().getFirst("Authorization"));
            faults.apply(request.action());
            body = controlPlane.handle(request);
            status = 200;
        } catch (RdsFault fault) {
            status = fault.httpStatus();
            body = Responses.error(fault);
            LOG.debug("RDS emulator answered {}: {}", fault.code(), fault.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            RdsFault fault = new RdsFault("InternalFailure", 500, "The local RDS endpoint was stopped during a request");
            status = fault.httpStatus();
            body = Responses.error(fault);
        } catch (RuntimeException e) {
            LOG.error("RDS emulator failed on a request: {}", e.getMessage(), e);
            RdsFault fault = new RdsFault("InternalFailure", 500, "The local RDS endpoint failed: " + e.getMessage());
            status = fault.httpStatus();
            body = Responses.error(fault);
        }
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", "text/xml;charset=UTF-8");
        exchange.getResponseHeaders().set("x-amzn-RequestId", java.util.UUID.randomUUID().toString());
        exchange.sendResponseHeaders(status, bytes.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(bytes);
        }
    }

    /** How to start an emulator. */
    public static final class Builder {
        private Path stateDirectory;
        private Duration transitionDelay = Duration.ofMillis(300);
        private int port;
        private boolean durable;

        private Builder() {
        }

        /** Keep resources, servers and snapshots here so they survive a restart (optional). */
        public Builder stateDirectory(Path stateDirectory) {
            this.stateDirectory = stateDirectory;
            return this;
        }

        /** The least time creating, modifying, rebooting, upgrading and deleting take (default 300 ms). */
        public Builder transitionDelay(Duration transitionDelay) {
            this.transitionDelay = transitionDelay;
            return this;
        }

        /**
         * Run every PostgreSQL server created from now on with {@code fsync = on} and {@code synchronous_commit = on},
         * as RDS does (default off: the servers run with {@code fsync = off}, right for tests, wrong for benchmarks).
         * Clones and restored snapshots keep the settings of their source.
         */
        public Builder durable(boolean durable) {
            this.durable = durable;
            return this;
        }

        /** The HTTP port on 127.0.0.1 (default: a free one). */
        public Builder port(int port) {
            this.port = port;
            return this;
        }

        public RdsEmulator start() {
            try {
                boolean temporary = stateDirectory == null;
                Path state = temporary ? Files.createTempDirectory("bluegreen-rds-") : Files.createDirectories(stateDirectory);
                // the servers run as an unprivileged user that must reach their directories below this one
                for (Path directory : new Path[]{state, Files.createDirectories(state.resolve("servers")),
                        Files.createDirectories(state.resolve("snapshots"))}) {
                    Files.setPosixFilePermissions(directory, PosixFilePermissions.fromString("rwxr-xr-x"));
                }
                InjectedFaults faults = new InjectedFaults();
                ControlPlane controlPlane = new ControlPlane(state, transitionDelay, durable, faults);
                HttpServer http = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 0);
                ExecutorService handlers = Executors.newFixedThreadPool(4, runnable -> {
                    Thread thread = new Thread(runnable, "rds-emulator-http");
                    thread.setDaemon(true);
                    return thread;
                });
                http.setExecutor(handlers);
                RdsEmulator emulator = new RdsEmulator(http, handlers, controlPlane, faults, state, temporary);
                http.createContext("/", emulator::handle);
                http.start();
                LOG.info("RDS emulator listening at {} (state in {}{})", emulator.endpoint(), state,
                        durable ? "; servers with fsync and synchronous_commit on" : "");
                return emulator;
            } catch (IOException e) {
                throw new UncheckedIOException("Could not start the RDS emulator: " + e.getMessage(), e);
            }
        }
    }
}
