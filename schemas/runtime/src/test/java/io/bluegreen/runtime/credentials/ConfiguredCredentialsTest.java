package io.bluegreen.runtime.credentials;

import io.micronaut.context.ApplicationContext;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ConfiguredCredentialsTest {

    @Test
    void resolvesAConfiguredReferenceAndNeverPrintsThePassword() {
        try (ApplicationContext context = ApplicationContext.run(Map.of(
                "bluegreen.credentials.blue.username", "app_admin",
                "bluegreen.credentials.blue.password", "s3cr3t-value",
                "bluegreen.topics.create", "false"))) {
            CredentialsResolver resolver = context.getBean(CredentialsResolver.class);
            Credentials credentials = resolver.resolve("blue");
            assertEquals("app_admin", credentials.username());
            assertEquals("s3cr3t-value", credentials.password());
            assertFalse(credentials.toString().contains("s3cr3t"), credentials.toString());

            UnknownCredentialsException missing = assertThrows(UnknownCredentialsException.class,
                    () -> resolver.resolve("green"));
            assertTrue(missing.getMessage().contains("bluegreen.credentials.green.password"), missing.getMessage());

            CredentialsNotBoundException unbound = assertThrows(CredentialsNotBoundException.class,
                    () -> resolver.resolveFor("blue", "db.example.com"));
            assertTrue(unbound.getMessage().contains("bluegreen.credentials.blue.hosts")
                    && unbound.getMessage().contains("db.example.com") && !unbound.getMessage().contains("s3cr3t"),
                    unbound.getMessage());
        }
    }

    @Test
    void credentialsAreGivenOutOnlyForTheHostsTheyAreBoundTo() {
        try (ApplicationContext context = ApplicationContext.run(Map.of(
                "bluegreen.credentials.blue.username", "app_admin",
                "bluegreen.credentials.blue.password", "s3cr3t-value",
                "bluegreen.credentials.blue.hosts", "127.0.0.1,*.c9abc.eu-west-1.rds.amazonaws.com",
                "bluegreen.topics.create", "false"))) {
            CredentialsResolver resolver = context.getBean(CredentialsResolver.class);
            assertEquals("app_admin", resolver.resolveFor("blue", "127.0.0.1").username());
            assertEquals("app_admin", resolver.resolveFor("blue", "Orders-Green.C9ABC.eu-west-1.rds.amazonaws.com").username());
            assertThrows(CredentialsNotBoundException.class, () -> resolver.resolveFor("blue", "attacker.example.com"));
            assertThrows(CredentialsNotBoundException.class,
                    () -> resolver.resolveFor("blue", "orders.c9abc.eu-west-1.rds.amazonaws.com.attacker.example.com"));
            assertThrows(CredentialsNotBoundException.class, () -> resolver.resolveFor("blue", "127.0.0.10"));
        }
    }

    @Test
    void aHostPatternMatchesWholeNamesOnly() {
        HostBinding binding = new HostBinding(java.util.List.of("*.rds.amazonaws.com", "localhost"));
        assertTrue(binding.allows("a.rds.amazonaws.com"));
        assertTrue(binding.allows("LOCALHOST"));
        assertFalse(binding.allows("rds.amazonaws.com.evil"));
        assertFalse(binding.allows("localhost.evil"));
        assertFalse(binding.allows(""));
        assertFalse(new HostBinding(java.util.List.of()).allows("localhost"), "bound to nothing, sent nowhere");
    }
}
