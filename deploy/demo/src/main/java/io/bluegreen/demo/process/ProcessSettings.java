package io.bluegreen.demo.process;

import io.bluegreen.demo.LocalStack;

import java.net.URI;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What each service needs, in a JVM of its own ({@link ServiceProcess}), to work against one local broker and one local
 * RDS endpoint: its configuration as system properties (no secret) and the secrets as environment variables. One
 * database login and one API user with every role.
 *
 * @param kafkaBootstrapServers the broker
 * @param rdsEndpoint           the local RDS endpoint
 * @param database              the login of every database the endpoint creates, bound to loopback
 * @param api                   the API user (roles viewer, operator, approver)
 * @param awsSecretKey          the key the services sign their RDS calls with (the local endpoint takes any)
 */
public record ProcessSettings(String kafkaBootstrapServers, URI rdsEndpoint, Login database, Login api,
                              String awsSecretKey) {

    /** A credentials reference, its user and its password; {@link #toString()} leaves the password out. */
    public record Login(String ref, String user, String password) {
        @Override
        public String toString() {
            return "Login[ref=" + ref + ", user=" + user + "]";
        }

        /** The environment variable that resolves this reference's password ({@code bluegreen.credentials.<ref>.password}). */
        String passwordVariable() {
            return "BLUEGREEN_CREDENTIALS_" + ref.toUpperCase().replace('-', '_') + "_PASSWORD";
        }
    }

    /**
     * The system properties of {@code service}, listening on {@code port} (-1: any free port the service picks), with
     * {@code extra} properties that win over these.
     */
    public Map<String, String> properties(Service service, int port, Map<String, String> extra) {
        Map<String, String> properties = new LinkedHashMap<>();
        properties.put("org.apache.avro.SERIALIZABLE_PACKAGES", "io.bluegreen");
        properties.put("kafka.bootstrap.servers", kafkaBootstrapServers);
        properties.put("micronaut.server.host", "127.0.0.1");
        properties.put("micronaut.server.port", String.valueOf(port));
        properties.put("bluegreen.topics.partitions", "3");
        properties.put("bluegreen.credentials." + database.ref() + ".username", database.user());
        properties.put("bluegreen.credentials." + database.ref() + ".hosts", LocalStack.LOCAL_HOSTS);
        properties.put("bluegreen.credentials." + api.ref() + ".username", api.user());
        properties.put("bluegreen.api.users." + api.ref() + ".roles", "viewer,operator,approver");
        properties.put("bluegreen.aws.endpoint-override", rdsEndpoint.toString());
        properties.put("bluegreen.aws.access-key-id", LocalStack.ACCESS_KEY);
        properties.put("bluegreen.aws.poll-interval", "300ms");
        properties.put("bluegreen.monitor.sample-interval", "1s");
        properties.putAll(extra);
        return properties;
    }

    /** The environment of every service: the secrets, plus {@code extra} variables. */
    public Map<String, String> environment(Map<String, String> extra) {
        Map<String, String> environment = new LinkedHashMap<>();
        environment.put(database.passwordVariable(), database.password());
        environment.put(api.passwordVariable(), api.password());
        environment.put("BLUEGREEN_AWS_SECRET_ACCESS_KEY", awsSecretKey);
        environment.putAll(extra);
        return environment;
    }

    @Override
    public String toString() {
        return "ProcessSettings[kafka=" + kafkaBootstrapServers + ", rds=" + rdsEndpoint + ", database=" + database
                + ", api=" + api + "]";
    }
}
