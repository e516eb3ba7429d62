package io.bluegreen.monitor.lag;

import io.bluegreen.runtime.credentials.Credentials;
import io.bluegreen.runtime.credentials.CredentialsResolver;
import io.bluegreen.runtime.credentials.Logins;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.time.Duration;
import java.util.Properties;

/**
 * Opens JDBC connections for sampling: credentials resolved from the endpoint's reference (read again once when a
 * login is refused after a rotation, {@link Logins}), bounded connect,
 * login and socket timeouts (so a server that stops answering frees its thread), read-only, and a recognisable
 * {@code application_name}.
 */
public final class PgConnector {

    public static final String APPLICATION_NAME = "bluegreen-monitor";

    private final CredentialsResolver credentials;
    private final Duration connectTimeout;
    private final Duration queryTimeout;

    public PgConnector(CredentialsResolver credentials, Duration connectTimeout, Duration queryTimeout) {
        this.credentials = credentials;
        this.connectTimeout = connectTimeout;
        this.queryTimeout = queryTimeout;
    }

    public Connection open(Endpoint endpoint, String database) throws SQLException {
        // a login refused after the password was rotated reads the credentials again, once
        Connection connection = Logins.open(credentials, endpoint.credentialsRef(), endpoint.host(),
                login -> DriverManager.getConnection("jdbc:postgresql://" + endpoint.host() + ":" + endpoint.port() + "/"
                        + database, connectionProperties(login)));
        connection.setAutoCommit(true);
        return connection;
    }

    private Properties connectionProperties(Credentials resolved) {
        Properties props = new Properties();
        props.setProperty("user", resolved.username());
        props.setProperty("password", resolved.password());
        props.setProperty("ApplicationName", APPLICATION_NAME);
        props.setProperty("connectTimeout", Long.toString(seconds(connectTimeout)));
        props.setProperty("loginTimeout", Long.toString(seconds(connectTimeout)));
        // a query that hangs past its own timeout (a dead socket) is cut by the socket timeout
        props.setProperty("socketTimeout", Long.toString(seconds(queryTimeout) + seconds(connectTimeout)));
        props.setProperty("readOnly", "true");
        props.setProperty("assumeMinServerVersion", "16");
        return props;
    }

    public int queryTimeoutSeconds() {
        return (int) seconds(queryTimeout);
    }

    private static long seconds(Duration duration) {
        return Math.max(1, (duration.toMillis() + 999) / 1000);
    }
}
