package io.bluegreen.demo.rehearsal;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

/**
 * The application during the upgrade: {@code clients} threads, each taking the databases in turn and, in each, the
 * next of its statements; one transaction per statement, with the acknowledgement in the ledger
 * ({@code autocommit off; statement; insert ack; commit}). A pair counts as acknowledged only once its commit
 * returned. Paced at {@code rate} transactions per second over all clients (0: as fast as answered).
 *
 * <p>Errors are told apart by SQLSTATE ({@link SqlErrors}): a lost or fenced session (class 08, 57P01, 25006, ...) is
 * closed, and the next attempt re-resolves Blue's name ({@link BlueName}) and reconnects after
 * {@value #RETRY_PAUSE_MS} ms, as an application follows the rename repoint; any other error is the statement's own
 * (a constraint, a deadlock): rolled back and counted as a workload error, the session kept. The write-unavailable
 * window is the longest time in which no client had an answer from a server: neither a commit nor a statement error.
 */
public final class WorkloadClients {

    static final long RETRY_PAUSE_MS = 20;

    private final Workload workload;
    private final List<String> databases;
    private final BlueName blueName;
    private final String user;
    private final String password;
    private final long intervalNanos;
    private final List<Client> clients = new ArrayList<>();
    private final AtomicLong committed = new AtomicLong();
    private final AtomicLong committedOnGreen = new AtomicLong();
    private final AtomicLong workloadErrors = new AtomicLong();
    private final AtomicLong sessionFailures = new AtomicLong();
    private volatile boolean running = true;
    private volatile String lastWorkloadError = "";
    private long lastAnswerNanos;
    private long longestSilenceNanos;
    private Instant longestSilenceEndedAt;

    /**
     * @param rate transactions per second over all clients; 0: as fast as the servers answer
     */
    public WorkloadClients(Workload workload, List<String> databases, int clients, int rate, BlueName blueName,
                           String user, String password) {
        this.workload = workload;
        this.databases = List.copyOf(databases);
        this.blueName = blueName;
        this.user = user;
        this.password = password;
        this.intervalNanos = rate == 0 ? 0 : (long) (clients * 1e9 / rate);
        for (int id = 1; id <= clients; id++) {
            this.clients.add(new Client(id));
        }
    }

    public void start() {
        synchronized (this) {
            lastAnswerNanos = System.nanoTime();
        }
        for (Client client : clients) {
            Thread thread = new Thread(client, "rehearsal-client-" + client.id);
            thread.setDaemon(true);
            client.thread = thread;
            thread.start();
        }
    }

    /** Stops every client after its current transaction; the figures are final afterwards. */
    public void stop() throws InterruptedException {
        running = false;
        for (Client client : clients) {
            if (client.thread != null) {
                client.thread.join(40_000);
                if (client.thread.isAlive()) {
                    client.thread.interrupt();
                    client.thread.join(5_000);
                }
            }
        }
    }

    public long committed() {
        return committed.get();
    }

    public long committedOnGreen() {
        return committedOnGreen.get();
    }

    public long workloadErrors() {
        return workloadErrors.get();
    }

    public long sessionFailures() {
        return sessionFailures.get();
    }

    /** The SQLSTATE and message of the latest workload error, for the summary; empty when none. */
    public String lastWorkloadError() {
        return lastWorkloadError;
    }

    public synchronized Duration longestUnavailable() {
        return Duration.ofNanos(longestSilenceNanos);
    }

    /** The acknowledged pairs of {@code database}; read after {@link #stop()}. */
    public Set<Ledger.Ack> acknowledged(String database) {
        int index = databases.indexOf(database);
        Set<Ledger.Ack> acks = new HashSet<>();
        for (Client client : clients) {
            BitSet seqs = client.acknowledged[index];
            for (int seq = seqs.nextSetBit(0); seq >= 0; seq = seqs.nextSetBit(seq + 1)) {
                acks.add(new Ledger.Ack(client.id, seq));
            }
        }
        return acks;
    }

    /** When the longest time without an answer ended (the first answer after it); empty before any answer. */
    public synchronized Optional<Instant> longestUnavailableEndedAt() {
        return Optional.ofNullable(longestSilenceEndedAt);
    }

    private synchronized void answered(long now) {
        if (now - lastAnswerNanos > longestSilenceNanos) {
            longestSilenceNanos = now - lastAnswerNanos;
            longestSilenceEndedAt = Instant.now();
        }
        lastAnswerNanos = Math.max(lastAnswerNanos, now);
    }

    /** A session and whether it reached Green (another major than Blue's). */
    private record Session(Connection connection, boolean green) {
    }

    private final class Client implements Runnable {
        private final int id;
        private final BitSet[] acknowledged = new BitSet[databases.size()];
        private final int[] next = new int[databases.size()];
        private final Map<String, Session> sessions = new LinkedHashMap<>();
        private Thread thread;

        Client(int id) {
            this.id = id;
            for (int i = 0; i < acknowledged.length; i++) {
                acknowledged[i] = new BitSet();
                next[i] = id - 1; // clients start at different statements
            }
        }

        @Override
        public void run() {
            int seq = 0;
            int turn = id - 1;
            long due = System.nanoTime();
            while (running) {
                if (intervalNanos > 0) {
                    due += intervalNanos;
                    long wait = due - System.nanoTime();
                    if (wait > 0) {
                        LockSupport.parkNanos(wait);
                    } else if (wait < -1_000_000_000L) {
                        due = System.nanoTime(); // after an outage: on at the rate, no burst to catch up
                    }
                }
                int index = turn++ % databases.size();
                String database = databases.get(index);
                List<String> statements = workload.statementsFor(database);
                String sql = statements.get(next[index]++ % statements.size());
                seq++;
                Session session = sessions.get(database);
                try {
                    if (session == null) {
                        session = connect(database);
                        sessions.put(database, session);
                    }
                } catch (SQLException | RuntimeException e) {
                    sessionFailures.incrementAndGet();
                    pause();
                    continue;
                }
                try {
                    try (Statement statement = session.connection().createStatement()) {
                        statement.execute(sql);
                    }
                    try (PreparedStatement ack = session.connection().prepareStatement(Ledger.INSERT)) {
                        ack.setInt(1, id);
                        ack.setLong(2, seq);
                        ack.executeUpdate();
                    }
                    session.connection().commit();
                    acknowledged[index].set(seq);
                    committed.incrementAndGet();
                    if (session.green()) {
                        committedOnGreen.incrementAndGet();
                    }
                    answered(System.nanoTime());
                } catch (SQLException e) {
                    if (SqlErrors.sessionLost(e) || !rolledBack(session)) {
                        sessionFailures.incrementAndGet();
                        close(session);
                        sessions.remove(database);
                        pause();
                    } else {
                        workloadErrors.incrementAndGet();
                        lastWorkloadError = database + ": SQLSTATE " + SqlErrors.state(e) + " " + e.getMessage();
                        answered(System.nanoTime());
                    }
                }
            }
            sessions.values().forEach(WorkloadClients::close);
        }

        private Session connect(String database) throws SQLException {
            Endpoint endpoint = blueName.resolve();
            Connection connection = DriverManager.getConnection(endpoint.jdbcUrl(database), user, password);
            try {
                connection.setAutoCommit(false);
                boolean green = connection.getMetaData().getDatabaseMajorVersion() != blueName.blue().major();
                return new Session(connection, green);
            } catch (SQLException | RuntimeException e) {
                connection.close();
                throw e;
            }
        }
    }

    private static boolean rolledBack(Session session) {
        try {
            session.connection().rollback();
            return true;
        } catch (SQLException e) {
            return false;
        }
    }

    private static void close(Session session) {
        try {
            session.connection().close();
        } catch (SQLException ignored) {
            // already broken
        }
    }

    private static void pause() {
        try {
            Thread.sleep(RETRY_PAUSE_MS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
