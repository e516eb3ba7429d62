package io.bluegreen.demo;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;

/**
 * The application during the upgrade: inserts one order every few milliseconds through Blue's endpoint name,
 * reconnecting (and re-resolving the endpoint) whenever a write fails. Counts committed writes and measures the
 * longest time no write could commit: the write-unavailable window of the switchover.
 */
final class Writer implements Runnable {

    private final Supplier<String> jdbcUrl;
    private final String user;
    private final String password;
    private final AtomicLong committed = new AtomicLong();
    private final AtomicLong failures = new AtomicLong();
    private volatile boolean running = true;
    private volatile long longestGapNanos;
    private volatile String lastError = "";
    private Thread thread;

    Writer(Supplier<String> jdbcUrl, String user, String password) {
        this.jdbcUrl = jdbcUrl;
        this.user = user;
        this.password = password;
    }

    void start() {
        thread = new Thread(this, "demo-writer");
        thread.setDaemon(true);
        thread.start();
    }

    void stop() throws InterruptedException {
        running = false;
        thread.join(10_000);
    }

    long committed() {
        return committed.get();
    }

    long failures() {
        return failures.get();
    }

    Duration longestUnavailable() {
        return Duration.ofNanos(longestGapNanos);
    }

    String lastError() {
        return lastError;
    }

    @Override
    public void run() {
        long lastSuccess = System.nanoTime();
        Connection connection = null;
        while (running) {
            try {
                if (connection == null) {
                    connection = DriverManager.getConnection(jdbcUrl.get(), user, password);
                }
                try (PreparedStatement insert = connection.prepareStatement(
                        "INSERT INTO orders (note) VALUES ('written during the upgrade')")) {
                    insert.executeUpdate();
                }
                committed.incrementAndGet();
                long now = System.nanoTime();
                longestGapNanos = Math.max(longestGapNanos, now - lastSuccess);
                lastSuccess = now;
                Thread.sleep(5);
            } catch (SQLException | RuntimeException e) {
                failures.incrementAndGet();
                lastError = (e instanceof SQLException sql ? sql.getSQLState() + " " : "") + e.getMessage();
                close(connection);
                connection = null;
                pause(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        close(connection);
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

    private static void pause(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
