package io.bluegreen.demo;

import io.bluegreen.local.kafka.EmbeddedKafka;
import io.bluegreen.local.rds.RdsEmulator;
import io.bluegreen.local.support.FreePorts;
import io.bluegreen.schemas.AvroTrust;
import io.micronaut.context.ApplicationContext;
import io.micronaut.runtime.server.EmbeddedServer;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.rds.RdsClient;

import java.net.URL;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.Base64;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The embedded local stack: a KRaft Kafka broker, the local RDS endpoint (real PostgreSQL behind it), and
 * every bluegreen service (coordinator, aws-agent, pg-agent, monitor) in one Micronaut application on loopback.
 * Everything it starts, it stops.
 */
public final class LocalStack implements AutoCloseable {

    public static final String REGION = "eu-west-1";
    public static final String ACCESS_KEY = "local";
    /** The local RDS endpoint accepts any signature: the key is made up per start, never written down. */
    private static final String SECRET_KEY = java.util.UUID.randomUUID().toString();
    public static final String CREDENTIALS_REF = "demo-admin";
    /** The hosts the local databases' credentials are bound to: loopback, where the local RDS endpoint runs them. */
    public static final String LOCAL_HOSTS = "127.0.0.1,localhost";
    /** The credentials reference of the API user the local stack makes for itself (every role). */
    public static final String API_CREDENTIALS_REF = "local-api-admin";

    /**
     * A user of the coordinator's API: HTTP Basic, its password made per start. {@link #toString()} hides the password.
     */
    public record ApiUser(String name, String password) {
        @Override
        public String toString() {
            return "ApiUser[name=" + name + ", password=****]";
        }
    }

    private final EmbeddedKafka kafka;
    private final RdsEmulator rds;
    private final RdsClient rdsClient;
    private final EmbeddedServer services;
    private final boolean durableDatabases;
    private final ApiUser apiUser;

    private LocalStack(EmbeddedKafka kafka, RdsEmulator rds, RdsClient rdsClient, EmbeddedServer services,
                       boolean durableDatabases, ApiUser apiUser) {
        this.apiUser = apiUser;
        this.kafka = kafka;
        this.rds = rds;
        this.rdsClient = rdsClient;
        this.services = services;
        this.durableDatabases = durableDatabases;
    }

    /**
     * A master password made at run time for one local stack (random, never written down): it reaches the services as
     * configuration behind their credentials reference, and the databases the stack creates.
     */
    public static String generatedMasterPassword() {
        byte[] random = new byte[18];
        new SecureRandom().nextBytes(random);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(random);
    }

    /**
     * @param masterUser     the login every database created here gets
     * @param masterPassword its password: given to the services as configuration, never put in a message
     */
    public static LocalStack start(String masterUser, String masterPassword) {
        return builder(masterUser, masterPassword).start();
    }

    /**
     * @param overrides extra Micronaut properties for the services; they win over the stack's own
     */
    public static LocalStack start(String masterUser, String masterPassword, Map<String, Object> overrides) {
        return builder(masterUser, masterPassword).properties(overrides).start();
    }

    /**
     * @param masterUser     the login every database created here gets
     * @param masterPassword its password: given to the services as configuration, never put in a message
     */
    public static Builder builder(String masterUser, String masterPassword) {
        return new Builder(masterUser, masterPassword);
    }

    /** How to start a local stack. */
    public static final class Builder {
        private final String masterUser;
        private final String masterPassword;
        private final Map<String, Object> overrides = new LinkedHashMap<>();
        private boolean durableDatabases;

        private Builder(String masterUser, String masterPassword) {
            this.masterUser = masterUser;
            this.masterPassword = masterPassword;
        }

        /** Extra Micronaut properties for the services; they win over the stack's own. */
        public Builder properties(Map<String, Object> properties) {
            overrides.putAll(properties);
            return this;
        }

        /**
         * Database servers of the local RDS endpoint with production durability ({@code fsync} and
         * {@code synchronous_commit} on, as on RDS) instead of the test default {@code fsync = off}, and a broker that
         * syncs every append ({@link EmbeddedKafka#durable()}). Benchmarks need it: without it every figure is
         * flattered.
         */
        public Builder durableDatabases(boolean durable) {
            this.durableDatabases = durable;
            return this;
        }

        public LocalStack start() {
            AvroTrust.install();
            EmbeddedKafka kafka = (durableDatabases ? EmbeddedKafka.durable() : new EmbeddedKafka()).start();
            RdsEmulator rds = null;
            try {
                rds = RdsEmulator.builder().transitionDelay(Duration.ofMillis(500)).durable(durableDatabases).start();
                RdsClient client = RdsClient.builder().endpointOverride(rds.endpoint()).region(Region.of(REGION))
                        .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create(ACCESS_KEY, SECRET_KEY)))
                        .httpClientBuilder(UrlConnectionHttpClient.builder()).build();
                Map<String, Object> config = new HashMap<>();
                config.put("micronaut.application.name", "bluegreen-local");
                config.put("micronaut.server.host", "127.0.0.1");
                config.put("micronaut.server.port", FreePorts.next());
                config.put("endpoints.health.sensitive", false);
                config.put("endpoints.prometheus.sensitive", false);
                config.put("micronaut.metrics.export.prometheus.enabled", true);
                config.put("kafka.bootstrap.servers", kafka.bootstrapServers());
                config.put("bluegreen.topics.partitions", 3);
                config.put("bluegreen.aws.endpoint-override", rds.endpoint().toString());
                config.put("bluegreen.aws.access-key-id", ACCESS_KEY);
                config.put("bluegreen.aws.secret-access-key", SECRET_KEY);
                config.put("bluegreen.aws.poll-interval", "300ms");
                config.put("bluegreen.monitor.sample-interval", "1s");
                config.put("bluegreen.credentials." + CREDENTIALS_REF + ".username", masterUser);
                config.put("bluegreen.credentials." + CREDENTIALS_REF + ".password", masterPassword);
                // the local RDS endpoint's databases all answer on loopback
                config.put("bluegreen.credentials." + CREDENTIALS_REF + ".hosts", LOCAL_HOSTS);
                ApiUser apiUser = new ApiUser("local-admin", generatedMasterPassword());
                config.put("bluegreen.credentials." + API_CREDENTIALS_REF + ".username", apiUser.name());
                config.put("bluegreen.credentials." + API_CREDENTIALS_REF + ".password", apiUser.password());
                config.put("bluegreen.api.users." + API_CREDENTIALS_REF + ".roles", java.util.List.of("viewer", "operator", "approver"));
                config.put("micronaut.security.reject-not-found", false);
                config.put("micronaut.server.max-request-size", "1MB");
                config.put("micronaut.security.intercept-url-map", java.util.List.of(
                        Map.of("pattern", "/openapi/**", "access", java.util.List.of("isAnonymous()")),
                        Map.of("pattern", "/ui/**", "access", java.util.List.of("isAnonymous()"))));
                // the coordinator's web view: its files need no login, its data comes from the API with one
                config.put("micronaut.router.static-resources.ui.paths", "classpath:ui");
                config.put("micronaut.router.static-resources.ui.mapping", "/ui/**");
                config.putAll(overrides);
                EmbeddedServer services = ApplicationContext.run(EmbeddedServer.class, config);
                return new LocalStack(kafka, rds, client, services, durableDatabases, apiUser);
            } catch (RuntimeException e) {
                if (rds != null) {
                    rds.close();
                }
                kafka.close();
                throw e;
            }
        }
    }

    public RdsClient rds() {
        return rdsClient;
    }

    public RdsEmulator emulator() {
        return rds;
    }

    /**
     * The AWS secret key the services sign their calls to the local RDS endpoint with: made per start (the endpoint
     * accepts any signature), never written down here. A user's own AWS CLI may sign with it too.
     */
    public String awsSecretAccessKey() {
        return SECRET_KEY;
    }

    /** The API user this stack made for itself: every role (viewer, operator, approver). */
    public ApiUser apiUser() {
        return apiUser;
    }

    /** The coordinator's URL with a login in its user info (HTTP Basic, as Micronaut's HTTP client sends it). */
    public URL coordinatorAs(ApiUser user) {
        URL url = services.getURL();
        try {
            return new URL(url.getProtocol() + "://" + user.name() + ":" + user.password() + "@" + url.getHost() + ":"
                    + url.getPort());
        } catch (java.net.MalformedURLException e) {
            throw new IllegalStateException(e);
        }
    }

    public URL coordinator() {
        return services.getURL();
    }

    public String kafkaBootstrapServers() {
        return kafka.bootstrapServers();
    }

    /** Whether the database servers run with fsync and synchronous_commit on. */
    public boolean durableDatabases() {
        return durableDatabases;
    }

    @Override
    public void close() {
        try {
            services.close();
        } finally {
            try {
                rdsClient.close();
                rds.close();
            } finally {
                kafka.close();
            }
        }
    }
}
