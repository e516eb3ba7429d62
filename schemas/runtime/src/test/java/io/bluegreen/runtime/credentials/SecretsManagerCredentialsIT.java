package io.bluegreen.runtime.credentials;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.ThrowableProxyUtil;
import ch.qos.logback.core.read.ListAppender;
import io.bluegreen.local.postgres.LocalPostgres;
import io.bluegreen.local.rds.RdsEmulator;
import io.bluegreen.local.secrets.SecretsManagerEndpoint;
import io.bluegreen.local.testbed.Postgres;
import io.bluegreen.local.testbed.TestBed;
import io.bluegreen.local.testbed.WithTestBed;
import io.micronaut.context.ApplicationContext;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.secretsmanager.SecretsManagerClient;

import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The Secrets Manager resolver through the real {@code SecretsManagerClient} against the local endpoint, logging in to
 * a real PostgreSQL 16: resolve, keep, a rotation picked up by the one re-read after a refused login, an unknown
 * secret, and no secret value in any log line or exception.
 */
@WithTestBed
class SecretsManagerCredentialsIT {

    private static final SecureRandom RANDOM = new SecureRandom();
    private static final ListAppender<ILoggingEvent> LOG_LINES = new ListAppender<>();
    private static final List<String> SECRETS = new ArrayList<>();
    private static final List<String> MESSAGES = new ArrayList<>();
    private static final String ROLE = "bg_rotating_" + hex(4);
    private static final String REFERENCE = "orders-" + hex(4);
    private static final String SECRET_ID = "bluegreen/" + REFERENCE;

    private static LocalPostgres server;
    private static SecretsManagerEndpoint endpoint;
    private static SecretsManagerClient admin;
    private static ApplicationContext context;
    private static Level previousLevel;

    @BeforeAll
    static void start(TestBed bed, @Postgres(16) LocalPostgres postgres) {
        Logger bluegreen = (Logger) LoggerFactory.getLogger("io.bluegreen");
        previousLevel = bluegreen.getLevel();
        bluegreen.setLevel(Level.DEBUG);
        Logger root = (Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
        LOG_LINES.setContext(root.getLoggerContext());
        LOG_LINES.start();
        root.addAppender(LOG_LINES);

        server = postgres;
        RdsEmulator rds = bed.rds();
        endpoint = rds.secretsManager();
        admin = SecretsManagerClient.builder().endpointOverride(rds.endpoint()).region(Region.EU_WEST_1)
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("local", "local")))
                .httpClient(UrlConnectionHttpClient.create()).build();
        context = ApplicationContext.run(Map.of(
                "bluegreen.topics.create", "false",
                "bluegreen.credentials.source", "secrets-manager",
                "bluegreen.credentials.secrets-manager.region", "eu-west-1",
                "bluegreen.credentials.secrets-manager.prefix", "bluegreen/",
                "bluegreen.credentials." + REFERENCE + ".hosts", LocalPostgres.HOST,
                "bluegreen.aws.endpoint-override", rds.endpoint().toString(),
                "bluegreen.aws.access-key-id", "local",
                "bluegreen.aws.secret-access-key", "local"));
    }

    @AfterAll
    static void stop() {
        try {
            if (context != null) {
                context.close();
            }
            if (admin != null) {
                admin.close();
            }
            List<String> texts = new ArrayList<>(MESSAGES);
            for (ILoggingEvent event : List.copyOf(LOG_LINES.list)) {
                texts.add(event.getFormattedMessage());
                if (event.getThrowableProxy() != null) {
                    texts.add(ThrowableProxyUtil.asString(event.getThrowableProxy()));
                }
            }
            texts.add(server.readLog());
            assertTrue(LOG_LINES.list.size() > 0, "log lines were captured");
            for (String secret : SECRETS) {
                for (String text : texts) {
                    assertFalse(text.contains(secret), () -> "a secret leaked into: " + text.substring(0, Math.min(400, text.length())));
                }
            }
        } finally {
            ((Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME)).detachAppender(LOG_LINES);
            ((Logger) LoggerFactory.getLogger("io.bluegreen")).setLevel(previousLevel);
        }
    }

    @Test
    void aRotatedPasswordIsReadAgainOnceAfterTheRefusedLogin() throws SQLException {
        CredentialsResolver resolver = context.getBean(CredentialsResolver.class);
        assertInstanceOf(SecretsManagerCredentials.class, resolver);
        String first = password();
        sql("CREATE ROLE " + ROLE + " LOGIN PASSWORD '" + first + "'");
        admin.createSecret(request -> request.name(SECRET_ID).secretString(secretJson(first)));
        int reads = endpoint.calls("GetSecretValue");

        assertEquals(ROLE, logIn(resolver));
        assertEquals(reads + 1, endpoint.calls("GetSecretValue"), "read from the secret");
        assertEquals(ROLE, logIn(resolver));
        assertEquals(reads + 1, endpoint.calls("GetSecretValue"), "kept: no second read within the cache duration");

        String second = password();
        admin.putSecretValue(request -> request.secretId(SECRET_ID).secretString(secretJson(second)));
        sql("ALTER ROLE " + ROLE + " PASSWORD '" + second + "'");
        assertEquals(ROLE, logIn(resolver), "the kept password is refused, the secret read again, the new one accepted");
        assertEquals(reads + 2, endpoint.calls("GetSecretValue"));
        assertTrue(List.copyOf(LOG_LINES.list).stream().anyMatch(event -> event.getLoggerName().equals(Logins.class.getName())
                && event.getFormattedMessage().contains("'" + REFERENCE + "'")), "the refused first login was reported");
        assertEquals(ROLE, logIn(resolver));
        assertEquals(reads + 2, endpoint.calls("GetSecretValue"), "the new password is kept");

        sql("ALTER ROLE " + ROLE + " PASSWORD '" + password() + "'");
        SQLException refused = assertThrows(SQLException.class, () -> logIn(resolver),
                "a password the secret does not hold stays refused");
        assertEquals("28P01", refused.getSQLState());
        assertEquals(reads + 3, endpoint.calls("GetSecretValue"), "read again once, not in a loop");
        MESSAGES.add(refused.toString());
    }

    @Test
    void anUnknownSecretNamesTheReferenceAndTheSecret() {
        CredentialsResolver resolver = context.getBean(CredentialsResolver.class);
        UnknownCredentialsException missing = assertThrows(UnknownCredentialsException.class, () -> resolver.resolve("missing-ref"));
        assertTrue(missing.getMessage().contains("'missing-ref'") && missing.getMessage().contains("'bluegreen/missing-ref'")
                && missing.getMessage().contains("AWS Secrets Manager (eu-west-1"), missing.getMessage());
        MESSAGES.add(missing.getMessage());
    }

    @Test
    void aSecretThatIsNotCredentialsIsRefusedWithoutItsValue() {
        String value = password();
        String reference = "broken-" + hex(4);
        admin.createSecret(request -> request.name("bluegreen/" + reference).secretString("{\"user\": \"x\", \"password\": \"" + value));
        UnknownCredentialsException broken = assertThrows(UnknownCredentialsException.class,
                () -> context.getBean(CredentialsResolver.class).resolve(reference));
        assertTrue(broken.getMessage().contains("'bluegreen/" + reference + "' is not JSON"), broken.getMessage());
        MESSAGES.add(broken.getMessage());
    }

    private static String logIn(CredentialsResolver resolver) throws SQLException {
        try (Connection connection = Logins.open(resolver, REFERENCE, LocalPostgres.HOST,
                login -> DriverManager.getConnection(server.jdbcUrl("postgres"), login.username(), login.password()));
             Statement statement = connection.createStatement();
             ResultSet rs = statement.executeQuery("SELECT current_user")) {
            rs.next();
            return rs.getString(1);
        }
    }

    private static void sql(String statement) throws SQLException {
        try (Connection connection = server.connect("postgres"); Statement s = connection.createStatement()) {
            s.execute(statement);
        }
    }

    private static String password() {
        String password = "pw-" + hex(12);
        SECRETS.add(password);
        return password;
    }

    private static String hex(int bytes) {
        byte[] random = new byte[bytes];
        RANDOM.nextBytes(random);
        return HexFormat.of().formatHex(random);
    }

    private static String secretJson(String password) {
        return "{\"username\": \"" + ROLE + "\", \"password\": \"" + password + "\", \"engine\": \"postgres\"}";
    }
}
