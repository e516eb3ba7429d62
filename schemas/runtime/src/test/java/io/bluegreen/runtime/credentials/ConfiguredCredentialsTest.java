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
        }
    }
}
