package io.bluegreen.runtime.credentials;

import org.junit.jupiter.api.Test;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SecretsManagerCredentialsTest {

    /** A clock the test moves. */
    static final class TestClock extends Clock {
        private Instant now = Instant.parse("2026-12-01T10:00:00Z");

        void advance(Duration duration) {
            now = now.plus(duration);
        }

        @Override
        public ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return now;
        }
    }

    /** Secrets by id, counting reads. */
    static final class Store implements SecretStore {
        final Map<String, String> values = new HashMap<>();
        final List<String> reads = new ArrayList<>();

        @Override
        public String read(String reference, String secretId) {
            reads.add(secretId);
            if (!values.containsKey(secretId)) {
                throw new UnknownCredentialsException(reference, "no secret '" + secretId + "'");
            }
            return values.get(secretId);
        }

        @Override
        public String describe() {
            return "test store";
        }
    }

    private final TestClock clock = new TestClock();
    private final Store store = new Store();
    private final HostBindings bindings = new HostBindings(reference -> List.of("127.0.0.1", "*.c9abc.eu-west-1.rds.amazonaws.com"));

    private SecretsManagerCredentials resolver(Duration keepFor) {
        return new SecretsManagerCredentials(store, SecretsManagerCredentials.secretIds("bluegreen/", reference -> Optional.empty()),
                bindings, keepFor, clock);
    }

    private static String secret(String username, String password) {
        return "{\"username\": \"" + username + "\", \"password\": \"" + password + "\"}";
    }

    @Test
    void readsTheJsonRdsKeepsInItsManagedSecrets() {
        Credentials credentials = SecretJson.credentials("blue", "rds!cluster-1", "{\"username\": \"postgres\", "
                + "\"password\": \"p-4x\\\"y\", \"engine\": \"postgres\", \"host\": \"h\", \"port\": 5432, \"dbname\": \"app\"}");
        assertEquals(new Credentials("postgres", "p-4x\"y"), credentials);
    }

    @Test
    void aSecretThatIsNotUsableIsNamedWithoutItsValue() {
        Map<String, String> unusable = Map.of(
                "not JSON", "hunter2-secret",
                "no password", "{\"username\": \"app\", \"pass\": \"hunter2-secret\"}",
                "password not a string", "{\"username\": \"app\", \"password\": [\"hunter2-secret\"]}",
                "not an object", "[\"hunter2-secret\"]",
                "truncated", "{\"username\": \"app\", \"password\": \"hunter2-secret");
        unusable.forEach((what, value) -> {
            UnknownCredentialsException e = assertThrows(UnknownCredentialsException.class,
                    () -> SecretJson.credentials("orders", "bluegreen/orders", value), what);
            assertTrue(e.getMessage().contains("'orders'") && e.getMessage().contains("'bluegreen/orders'"), e.getMessage());
            assertFalse(e.getMessage().contains("hunter2"), what + ": " + e.getMessage());
            assertNull(e.getCause(), what + ": a parser's exception would quote the value");
        });
        UnknownCredentialsException binary = assertThrows(UnknownCredentialsException.class,
                () -> SecretJson.credentials("orders", "bluegreen/orders", null));
        assertTrue(binary.getMessage().contains("binary"), binary.getMessage());
    }

    @Test
    void theSecretIdIsTheReferenceBehindThePrefixUnlessOneIsConfigured() {
        var ids = SecretsManagerCredentials.secretIds("bluegreen/",
                reference -> reference.equals("managed") ? Optional.of("rds!cluster-abc") : Optional.empty());
        assertEquals("bluegreen/orders", ids.apply("orders"));
        assertEquals("rds!cluster-abc", ids.apply("managed"));
        assertEquals("orders", SecretsManagerCredentials.secretIds("", reference -> Optional.of(" ")).apply("orders"));
    }

    @Test
    void aSecretIsKeptForTheCacheDurationThenReadAgain() {
        store.values.put("bluegreen/blue", secret("app", "one"));
        SecretsManagerCredentials resolver = resolver(Duration.ofMinutes(5));
        assertEquals("one", resolver.resolveFor("blue", "127.0.0.1").password());
        store.values.put("bluegreen/blue", secret("app", "two"));
        clock.advance(Duration.ofMinutes(4).plusSeconds(59));
        assertEquals("one", resolver.resolve("blue").password(), "kept");
        assertEquals(1, store.reads.size());
        clock.advance(Duration.ofSeconds(1));
        assertEquals("two", resolver.resolve("blue").password(), "read again once the duration has passed");
        assertEquals(2, store.reads.size());
    }

    @Test
    void forgetDropsTheKeptSecretAtOnceAndOnlyThatOne() {
        store.values.put("bluegreen/blue", secret("app", "one"));
        store.values.put("bluegreen/green", secret("app", "green-one"));
        SecretsManagerCredentials resolver = resolver(Duration.ofMinutes(5));
        resolver.resolve("blue");
        resolver.resolve("green");
        store.values.put("bluegreen/blue", secret("app", "two"));
        resolver.forget("blue");
        assertEquals("two", resolver.resolve("blue").password());
        assertEquals("green-one", resolver.resolve("green").password());
        assertEquals(List.of("bluegreen/blue", "bluegreen/green", "bluegreen/blue"), store.reads);
    }

    @Test
    void aZeroDurationKeepsNothing() {
        store.values.put("bluegreen/blue", secret("app", "one"));
        SecretsManagerCredentials resolver = resolver(Duration.ZERO);
        resolver.resolve("blue");
        resolver.resolve("blue");
        assertEquals(2, store.reads.size());
        assertThrows(IllegalArgumentException.class, () -> resolver(Duration.ofSeconds(-1)));
    }

    @Test
    void anUnboundHostIsRefusedBeforeTheSecretIsRead() {
        store.values.put("bluegreen/blue", secret("app", "one"));
        CredentialsNotBoundException unbound = assertThrows(CredentialsNotBoundException.class,
                () -> resolver(Duration.ofMinutes(5)).resolveFor("blue", "attacker.example.com"));
        assertTrue(unbound.getMessage().contains("bluegreen.credentials.blue.hosts"), unbound.getMessage());
        assertEquals(List.of(), store.reads);
    }

    @Test
    void aFailedReadIsNotKept() {
        SecretsManagerCredentials resolver = resolver(Duration.ofMinutes(5));
        assertThrows(UnknownCredentialsException.class, () -> resolver.resolve("blue"));
        store.values.put("bluegreen/blue", secret("app", "one"));
        assertEquals("one", resolver.resolve("blue").password());
    }
}
