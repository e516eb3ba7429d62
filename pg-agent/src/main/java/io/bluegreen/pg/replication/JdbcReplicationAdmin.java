package io.bluegreen.pg.replication;

import io.bluegreen.runtime.agent.StepFailure;
import io.bluegreen.schemas.common.ClusterRef;
import io.bluegreen.schemas.common.DatabaseTarget;
import io.bluegreen.schemas.common.FailureReason;
import io.bluegreen.schemas.common.Role;
import io.bluegreen.runtime.credentials.Credentials;
import io.bluegreen.runtime.credentials.CredentialsResolver;
import io.bluegreen.runtime.credentials.Logins;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Properties;

/** {@link ReplicationAdmin} over the PostgreSQL JDBC driver. */
public final class JdbcReplicationAdmin implements ReplicationAdmin {

    /** How to connect: the application name shown in pg_stat_activity, TLS mode, connect timeout. */
    public record Settings(String applicationName, String sslMode, int connectTimeoutSeconds) {
    }

    private final CredentialsResolver credentials;
    private final Secrets secrets;
    private final Settings settings;

    public JdbcReplicationAdmin(CredentialsResolver credentials, Secrets secrets, Settings settings) {
        this.credentials = credentials;
        this.secrets = secrets;
        this.settings = settings;
    }

    @Override
    public PgSession open(DatabaseTarget target) throws SQLException {
        ClusterRef cluster = target.getCluster();
        requireEndpoint(cluster, target.getRole().name());
        String where = target.getDatabase() + " on " + target.getRole() + " " + cluster.getHost() + ":" + cluster.getPort();
        // a login refused after the password was rotated reads the credentials again, once
        Connection connection = Logins.open(credentials, cluster.getCredentialsRef(), cluster.getHost(), login -> {
            secrets.remember(login.password());
            return DriverManager.getConnection(jdbcUrl(cluster, target.getDatabase()), connectionProperties(login));
        });
        PgSession session = new PgSession(connection, where);
        if (target.getRole() == Role.BLUE) {
            try {
                // a fenced Blue refuses DDL except from the operator (WriteFence): present its token, read on the server
                session.execute(Sql.presentOperator());
            } catch (SQLException | RuntimeException e) {
                session.close();
                throw e;
            }
        }
        return session;
    }

    private Properties connectionProperties(Credentials login) {
        Properties props = new Properties();
        props.setProperty("user", login.username());
        props.setProperty("password", login.password());
        props.setProperty("ApplicationName", settings.applicationName());
        props.setProperty("sslmode", settings.sslMode());
        props.setProperty("connectTimeout", Integer.toString(settings.connectTimeoutSeconds()));
        props.setProperty("tcpKeepAlive", "true");
        // the agent is the operator of a fenced Blue: its own sessions must still run DDL there (drop the
        // publication and slot, unfence) while every application session is held read-only
        props.setProperty("options", "-c default_transaction_read_only=off");
        return props;
    }

    @Override
    public String publisherConninfo(DatabaseTarget blue, String replicationCredentialsRef) {
        ClusterRef cluster = blue.getCluster();
        requireEndpoint(cluster, "BLUE");
        Credentials login = resolve(replicationCredentialsRef != null ? replicationCredentialsRef : cluster.getCredentialsRef(),
                cluster.getHost());
        Map<String, String> parameters = new LinkedHashMap<>();
        parameters.put("host", cluster.getHost());
        parameters.put("port", Integer.toString(cluster.getPort()));
        parameters.put("dbname", blue.getDatabase());
        parameters.put("user", login.username());
        parameters.put("password", login.password());
        parameters.put("sslmode", settings.sslMode());
        parameters.put("application_name", settings.applicationName() + "-subscription");
        return Sql.conninfo(parameters);
    }

    @Override
    public String redact(String text) {
        return secrets.redact(text);
    }

    private Credentials resolve(String reference, String host) {
        Credentials login = credentials.resolveFor(reference, host);
        secrets.remember(login.password());
        return login;
    }

    private static void requireEndpoint(ClusterRef cluster, String role) {
        if (cluster.getHost() == null || cluster.getPort() == null) {
            throw new StepFailure(FailureReason.INVALID_REQUEST, false, role + " cluster "
                    + (cluster.getIdentifier() == null ? "" : cluster.getIdentifier() + " ")
                    + "has no endpoint (host and port) in the command: send the endpoint the aws-agent reported");
        }
    }

    static String jdbcUrl(ClusterRef cluster, String database) {
        String host = cluster.getHost().contains(":") ? "[" + cluster.getHost() + "]" : cluster.getHost();
        return "jdbc:postgresql://" + host + ":" + cluster.getPort() + "/"
                + java.net.URLEncoder.encode(database, java.nio.charset.StandardCharsets.UTF_8).replace("+", "%20");
    }
}
