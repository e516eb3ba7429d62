package io.bluegreen.demo.kill;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

/**
 * The application during an upgrade: inserts one row at a time into {@code kill_writes} with a sequence number of its
 * own (a retry is a new number, so a duplicate can only come from the upgrade), keeps the numbers the server
 * acknowledged, and writes where the last {@code WriterEndpointChanged} points (event repoint). A failed write (Blue
 * fenced, a server gone) waits a little for news of a new endpoint, then tries again.
 */
final class AckedWriter implements AutoCloseable {

    static final String TABLE = "CREATE TABLE kill_writes (id bigserial PRIMARY KEY, seq bigint NOT NULL, "
            + "written_at timestamptz NOT NULL DEFAULT now())";

    /** A writer endpoint. */
    record Endpoint(String host, int port) {
        String url(String database) {
            return "jdbc:postgresql://" + host + ":" + port + "/" + database
                    + "?connectTimeout=5&socketTimeout=20&ApplicationName=kill-matrix-writer";
        }
    }

    private final String database;
    private final String user;
    private final String password;
    private final long intervalNanos;
    private final Object monitor = new Object();
    private final List<Long> acknowledged = new CopyOnWriteArrayList<>();
    private final Thread thread;
    private volatile Endpoint endpoint;
    private volatile boolean running = true;
    private volatile long failures;
    private volatile long greenAcknowledged;
    private volatile boolean moved;

    AckedWriter(String name, Endpoint blue, String database, String user, String password, long writesPerSecond) {
        this.endpoint = blue;
        this.database = database;
        this.user = user;
        this.password = password;
        this.intervalNanos = TimeUnit.SECONDS.toNanos(1) / writesPerSecond;
        this.thread = new Thread(this::run, "kill-matrix-writer-" + name);
        this.thread.setDaemon(true);
    }

    AckedWriter start() {
        thread.start();
        return this;
    }

    /** The application is told to write elsewhere. */
    void moveTo(Endpoint next) {
        synchronized (monitor) {
            if (!next.equals(endpoint)) {
                endpoint = next;
                moved = true;
                monitor.notifyAll();
            }
        }
    }

    List<Long> acknowledged() {
        return List.copyOf(acknowledged);
    }

    long failures() {
        return failures;
    }

    long acknowledgedAfterMove() {
        return greenAcknowledged;
    }

    private void run() {
        Connection connection = null;
        PreparedStatement insert = null;
        Endpoint connectedTo = null;
        long seq = 0;
        while (running) {
            seq++;
            Endpoint target = endpoint;
            try {
                if (connection != null && !target.equals(connectedTo)) {
                    close(connection);
                    connection = null;
                }
                if (connection == null) {
                    connectedTo = target;
                    connection = DriverManager.getConnection(target.url(database), user, password);
                    insert = connection.prepareStatement("INSERT INTO kill_writes (seq) VALUES (?)");
                }
                insert.setLong(1, seq);
                insert.executeUpdate();
                acknowledged.add(seq);
                if (moved) {
                    greenAcknowledged++;
                }
                pause(intervalNanos, target);
            } catch (SQLException e) {
                failures++;
                close(connection);
                connection = null;
                pause(TimeUnit.MILLISECONDS.toNanos(100), target);
            }
        }
        close(connection);
    }

    /** Waits up to {@code nanos}, or less when the endpoint moves away from {@code seen} or the writer stops. */
    private void pause(long nanos, Endpoint seen) {
        long deadline = System.nanoTime() + nanos;
        synchronized (monitor) {
            long left;
            while (running && endpoint.equals(seen) && (left = deadline - System.nanoTime()) > 0) {
                try {
                    TimeUnit.NANOSECONDS.timedWait(monitor, left);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                }
            }
        }
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

    @Override
    public void close() throws InterruptedException {
        synchronized (monitor) {
            running = false;
            monitor.notifyAll();
        }
        thread.join(30_000);
    }
}
