package io.bluegreen.monitor.lag;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.sql.Connection;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;

/**
 * Everything the monitor reads from one server. The cluster-wide view (Blue: slots; Green: subscriptions) is read
 * by one job at a time over one kept connection, so a slow or dead server holds at most one thread of the probe
 * pool. The per-database details that are due (schema fingerprint, and on Green the tables not ready) are
 * refreshed apart, on the detail pool, over short-lived connections, a few at a time and within a time budget,
 * so they never hold up a sample.
 */
final class ServerLane implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(ServerLane.class);

    enum Side { BLUE, GREEN }

    /** The cluster-wide answer of one job: slots (Blue) or subscriptions (Green), or why there is none. */
    record Answer(Map<String, SlotStatus> slots, Map<String, SubscriptionStatus> subscriptions, ProbeFailure failure) {
        static Answer failed(ProbeFailure failure) {
            return new Answer(Map.of(), Map.of(), failure);
        }
    }

    /** A database this lane reads: its name and, on Green, the subscription whose tables to follow. */
    record Target(String database, String objectName) {
    }

    private final Endpoint endpoint;
    private final Side side;
    private final PgConnector connector;
    private final Clock clock;
    private final AtomicBoolean busy = new AtomicBoolean();
    private final AtomicBoolean detailsRunning = new AtomicBoolean();
    private final Map<String, DatabaseDetail> details = new ConcurrentHashMap<>();
    private final Map<String, ProbeFailure> detailFailures = new ConcurrentHashMap<>();
    private final Map<String, Instant> detailDue = new ConcurrentHashMap<>();
    private volatile boolean retired;
    private Connection connection;
    private volatile String clusterDatabase = "?";
    private int connectAttempts;

    ServerLane(Endpoint endpoint, Side side, PgConnector connector, Clock clock) {
        this.endpoint = endpoint;
        this.side = side;
        this.connector = connector;
        this.clock = clock;
    }

    Endpoint endpoint() {
        return endpoint;
    }

    DatabaseDetail detail(String database) {
        return details.get(database);
    }

    ProbeFailure detailFailure(String database) {
        return detailFailures.get(database);
    }

    /** Whether a connection to this server is open (for the connection count). */
    synchronized boolean connected() {
        return connection != null;
    }

    /**
     * Starts a job on the pool unless one still runs (then the answer is an immediate failure: this server did
     * not answer within the sample interval). The future completes when the cluster-wide view is read.
     */
    CompletableFuture<Answer> probe(List<Target> targets, Executor pool, Executor detailPool, int detailTasks,
                                    Duration detailInterval, Duration detailBudget) {
        if (!busy.compareAndSet(false, true)) {
            return CompletableFuture.completedFuture(Answer.failed(new ProbeFailure(null, endpoint
                    + " is still answering the previous sample (slower than the sample interval)")));
        }
        CompletableFuture<Answer> answer = new CompletableFuture<>();
        try {
            pool.execute(() -> run(targets, answer));
        } catch (RejectedExecutionException e) {
            busy.set(false);
            answer.complete(Answer.failed(new ProbeFailure(null, "the monitor is shutting down")));
        }
        startDetails(targets, detailPool, detailTasks, detailInterval, detailBudget);
        return answer;
    }

    private void run(List<Target> targets, CompletableFuture<Answer> answer) {
        try {
            answer.complete(readClusterView(targets));
        } catch (RuntimeException e) {
            LOG.error("Sampling {} failed unexpectedly", endpoint, e);
            answer.complete(Answer.failed(new ProbeFailure(null, e.getClass().getSimpleName() + " while sampling "
                    + endpoint + ": " + e.getMessage())));
        } finally {
            busy.set(false);
            if (retired) {
                closeConnection();
            }
        }
    }

    /**
     * Refreshes the per-database details that are due, oldest first, with up to {@code tasks} connections at a
     * time, until the budget is spent (the rest waits for the next tick). Unless the previous round still runs.
     */
    private void startDetails(List<Target> targets, Executor detailPool, int tasks, Duration interval,
                              Duration budget) {
        if (retired || !detailsRunning.compareAndSet(false, true)) {
            return;
        }
        Instant now = clock.instant();
        List<Target> due = new ArrayList<>();
        for (Target target : targets) {
            Instant at = detailDue.get(target.database());
            if (at == null || !at.isAfter(now)) {
                due.add(target);
            }
        }
        if (due.isEmpty()) {
            detailsRunning.set(false);
            return;
        }
        due.sort((a, b) -> detailDue.getOrDefault(a.database(), Instant.EPOCH)
                .compareTo(detailDue.getOrDefault(b.database(), Instant.EPOCH)));
        Queue<Target> queue = new ConcurrentLinkedQueue<>(due);
        long deadline = System.nanoTime() + budget.toNanos();
        int workers = Math.max(1, Math.min(tasks, due.size()));
        AtomicInteger running = new AtomicInteger(workers);
        for (int i = 0; i < workers; i++) {
            try {
                detailPool.execute(() -> {
                    try {
                        refreshDetails(queue, interval, deadline);
                    } finally {
                        if (running.decrementAndGet() == 0) {
                            detailsRunning.set(false);
                        }
                    }
                });
            } catch (RejectedExecutionException e) {
                if (running.decrementAndGet() == 0) {
                    detailsRunning.set(false);
                }
            }
        }
    }

    private Answer readClusterView(List<Target> targets) {
        try {
            Connection kept = connection(targets);
            clusterDatabase = kept.getCatalog();
            Set<String> names = new java.util.HashSet<>();
            targets.forEach(target -> names.add(target.objectName()));
            return side == Side.BLUE
                    ? new Answer(ReplicationQueries.slots(kept, names, connector.queryTimeoutSeconds()), Map.of(), null)
                    : new Answer(Map.of(), ReplicationQueries.subscriptions(kept, names, connector.queryTimeoutSeconds()),
                    null);
        } catch (SQLException | RuntimeException e) {
            closeConnection();
            return Answer.failed(failure(e, clusterDatabase));
        }
    }

    private synchronized Connection connection(List<Target> targets) throws SQLException {
        if (connection != null) {
            return connection;
        }
        // the cluster-wide views answer from any database: use a watched one (it exists and we may connect)
        List<String> databases = targets.stream().map(Target::database).sorted().toList();
        String database = databases.get(Math.floorMod(connectAttempts++, databases.size()));
        clusterDatabase = database;
        connection = connector.open(endpoint, database);
        return connection;
    }

    private void refreshDetails(Queue<Target> queue, Duration interval, long deadlineNanos) {
        Target target;
        while (System.nanoTime() < deadlineNanos && !retired && (target = queue.poll()) != null) {
            String database = target.database();
            try (Connection db = connector.open(endpoint, database)) {
                DatabaseDetail detail = ReplicationQueries.detail(db, side == Side.GREEN ? target.objectName() : null,
                        connector.queryTimeoutSeconds(), clock.instant());
                details.put(database, detail);
                detailFailures.remove(database);
                // while an initial copy runs, follow it at every sample
                detailDue.put(database, detail.tablesNotReady().isEmpty() ? detail.takenAt().plus(interval)
                        : detail.takenAt());
            } catch (SQLException | RuntimeException e) {
                detailFailures.put(database, failure(e, database));
                detailDue.put(database, clock.instant().plus(interval));
            }
        }
    }

    /** Forgets databases no longer watched on this server. */
    void retain(Collection<String> databases) {
        Set<String> keep = Set.copyOf(databases);
        details.keySet().retainAll(keep);
        detailFailures.keySet().retainAll(keep);
        detailDue.keySet().retainAll(keep);
    }

    private ProbeFailure failure(Exception e, String database) {
        return new ProbeFailure(sqlState(e), (e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage())
                + " (connected to database " + database + ")");
    }

    static String sqlState(Throwable error) {
        for (Throwable cause = error; cause != null; cause = cause.getCause()) {
            if (cause instanceof SQLException sql && sql.getSQLState() != null) {
                return sql.getSQLState();
            }
        }
        return null;
    }

    private synchronized void closeConnection() {
        if (connection != null) {
            try {
                connection.close();
            } catch (SQLException ignored) {
                // the connection is gone either way
            }
            connection = null;
        }
    }

    /** Stops using this server: closes now when idle, else when the running job ends. */
    @Override
    public void close() {
        retired = true;
        if (busy.compareAndSet(false, true)) {
            try {
                closeConnection();
            } finally {
                busy.set(false);
            }
        }
    }
}
