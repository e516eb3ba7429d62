package io.bluegreen.demo.rehearsal;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Green as it was handed over: before the first workload client connects to Green (the moment Blue's name first
 * resolves to it), one {@code REPEATABLE READ} transaction per database is begun on Green and held to the end, so the
 * final comparison reads Green at the drain point, not Green plus the writes made on it since. The sessions are opened
 * beforehand ({@link #prepare}, while replicating) so the hold inside the write-unavailable window is one round trip
 * per database.
 */
public final class GreenHandover implements AutoCloseable {

    private final List<String> databases;
    private final int blueMajor;
    private final String user;
    private final String password;
    private final Map<String, Connection> sessions = new LinkedHashMap<>();
    private String preparedHost;
    private int preparedPort;
    private Instant heldAt;
    private String problem;

    public GreenHandover(List<String> databases, int blueMajor, String user, String password) {
        this.databases = List.copyOf(databases);
        this.blueMajor = blueMajor;
        this.user = user;
        this.password = password;
    }

    /** Opens a session per database on Green (once it runs another major than Blue); ignored once held. */
    public synchronized void prepare(String host, int port) {
        if (heldAt != null || (host.equals(preparedHost) && port == preparedPort)) {
            return;
        }
        closeSessions();
        Endpoint green = new Endpoint("green", host, port, null);
        try {
            for (String database : databases) {
                Connection session = open(green, database);
                if (session.getMetaData().getDatabaseMajorVersion() == blueMajor) {
                    session.close(); // Green before its engine upgrade: too early
                    closeSessions();
                    return;
                }
                sessions.put(database, session);
            }
            preparedHost = host;
            preparedPort = port;
        } catch (SQLException e) {
            closeSessions(); // retried at the next call, or opened when held
        }
    }

    /** Called with every resolution of Blue's name to another server than Blue: the first call holds Green's state. */
    synchronized void hold(Endpoint green) {
        if (heldAt != null || problem != null) {
            return;
        }
        try {
            if (!(green.host().equals(preparedHost) && green.port() == preparedPort)) {
                closeSessions();
            }
            for (String database : databases) {
                Connection session = sessions.get(database);
                if (session == null || !session.isValid(2)) {
                    close(session);
                    session = open(green, database);
                    sessions.put(database, session);
                }
                session.setAutoCommit(false);
                session.setTransactionIsolation(Connection.TRANSACTION_REPEATABLE_READ);
                try (Statement s = session.createStatement()) {
                    s.execute("SELECT 1"); // the snapshot is taken at the transaction's first statement
                }
            }
            heldAt = Instant.now();
        } catch (SQLException e) {
            problem = "Green's state at the handover could not be held (SQLSTATE " + SqlErrors.state(e) + ": "
                    + e.getMessage() + ")";
            closeSessions();
        }
    }

    /** The held session of {@code database}, inside its transaction; empty when nothing was held. */
    public synchronized Optional<Connection> session(String database) {
        return heldAt == null ? Optional.empty() : Optional.ofNullable(sessions.get(database));
    }

    public synchronized Optional<Instant> heldAt() {
        return Optional.ofNullable(heldAt);
    }

    /** Why nothing was held, when holding failed. */
    public synchronized Optional<String> problem() {
        return Optional.ofNullable(problem);
    }

    private Connection open(Endpoint green, String database) throws SQLException {
        Connection session = DriverManager.getConnection(green.jdbcUrl(database), user, password);
        try (Statement s = session.createStatement()) {
            s.execute(Catalogs.TEXT_SETTINGS);
        }
        return session;
    }

    private void closeSessions() {
        sessions.values().forEach(GreenHandover::close);
        sessions.clear();
        preparedHost = null;
        preparedPort = 0;
    }

    private static void close(Connection session) {
        if (session != null) {
            try {
                session.close();
            } catch (SQLException ignored) {
                // gone already
            }
        }
    }

    @Override
    public synchronized void close() {
        closeSessions();
    }
}
