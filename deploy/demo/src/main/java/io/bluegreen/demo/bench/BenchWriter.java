package io.bluegreen.demo.bench;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

/**
 * One writer of the application: inserts rows with a unique key (its id, a sequence number per attempt, so a retry
 * is a new key and a duplicate can only come from the upgrade) at a steady rate, or as fast as the server
 * acknowledges. It writes where its {@link WriterTarget} points, reconnecting at once when the target moves, and
 * records every attempt: start, end, which server answered (told apart by the server's major version, sent at
 * connection start), acknowledged or the error's SQLSTATE. The attempts are read after {@link #stop()}.
 */
final class BenchWriter implements Runnable {

    static final String INSERT = "INSERT INTO " + BenchmarkRun.TABLE + " (writer, seq) VALUES (?, ?)";

    private final int id;
    private final WriterTarget target;
    private final String database;
    private final String user;
    private final String password;
    private final long intervalNanos;
    private final int blueMajor;
    private final List<Attempt> attempts = new ArrayList<>(1 << 16);
    private volatile boolean running = true;
    private volatile long greenAcks;
    private Thread thread;

    /**
     * @param intervalNanos time between two writes of this writer; 0: as fast as acknowledged
     * @param blueMajor     Blue's major version: a connection to any other answers as Green
     */
    BenchWriter(int id, WriterTarget target, String database, String user, String password, long intervalNanos,
                int blueMajor) {
        this.id = id;
        this.target = target;
        this.database = database;
        this.user = user;
        this.password = password;
        this.intervalNanos = intervalNanos;
        this.blueMajor = blueMajor;
    }

    void start() {
        thread = new Thread(this, "bench-writer-" + id);
        thread.setDaemon(true);
        thread.start();
    }

    void stop() throws InterruptedException {
        running = false;
        thread.join(60_000);
        if (thread.isAlive()) {
            thread.interrupt();
            thread.join(5_000);
        }
    }

    /** Every attempt; call after {@link #stop()}. */
    List<Attempt> attempts() {
        return attempts;
    }

    /** Whether Green acknowledged a write of this writer yet. */
    boolean hasWrittenToGreen() {
        return greenAcks > 0;
    }

    @Override
    public void run() {
        Connection connection = null;
        PreparedStatement insert = null;
        Endpoint connectedTo = null;
        Server server = Server.UNKNOWN;
        long seq = 0;
        long due = System.nanoTime();
        try {
            while (running) {
                if (intervalNanos > 0) {
                    long now = System.nanoTime();
                    due += intervalNanos;
                    if (due - now < -intervalNanos) {
                        due = now; // after a stall, carry on at the rate instead of bursting to catch up
                    }
                    if (due - now > 0) {
                        target.awaitChange(connectedTo == null ? target.current() : connectedTo, due - now);
                    }
                }
                seq++;
                Endpoint endpoint = target.current();
                long started = BenchClock.nowMicros();
                long connectMicros = 0;
                try {
                    if (connection != null && !endpoint.equals(connectedTo)) {
                        close(connection);
                        connection = null;
                    }
                    if (connection == null) {
                        server = Server.UNKNOWN;
                        connectedTo = endpoint;
                        connection = DriverManager.getConnection(endpoint.jdbcUrl(database, "bench-writer-" + id), user,
                                password);
                        server = connection.getMetaData().getDatabaseMajorVersion() == blueMajor ? Server.BLUE : Server.GREEN;
                        insert = connection.prepareStatement(INSERT);
                        connectMicros = BenchClock.nowMicros() - started;
                    }
                    insert.setInt(1, id);
                    insert.setLong(2, seq);
                    insert.executeUpdate();
                    attempts.add(Attempt.acknowledged(id, seq, started, BenchClock.nowMicros(), server, connectMicros));
                    if (server == Server.GREEN) {
                        greenAcks++;
                    }
                } catch (SQLException | RuntimeException e) {
                    attempts.add(Attempt.failed(id, seq, started, BenchClock.nowMicros(), server, sqlState(e), connectMicros));
                    close(connection);
                    connection = null;
                    target.afterFailure(connectedTo);
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            close(connection);
        }
    }

    private static String sqlState(Exception e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof SQLException sql && sql.getSQLState() != null) {
                return sql.getSQLState();
            }
        }
        return e.getClass().getSimpleName();
    }

    private static void close(Connection connection) {
        if (connection != null) {
            try {
                connection.close();
            } catch (SQLException ignored) {
                // already broken
            }
        }
    }
}
