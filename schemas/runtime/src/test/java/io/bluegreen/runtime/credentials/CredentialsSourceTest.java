package io.bluegreen.runtime.credentials;

import io.micronaut.context.ApplicationContext;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class CredentialsSourceTest {

    @Test
    void configurationIsTheDefaultSource() {
        try (ApplicationContext context = ApplicationContext.run(Map.of("bluegreen.topics.create", "false"))) {
            assertInstanceOf(ConfiguredCredentials.class, context.getBean(CredentialsResolver.class));
            assertEquals(1, context.getBeansOfType(CredentialsResolver.class).size());
        }
    }

    @Test
    void secretsManagerReplacesTheConfiguredCredentials() {
        try (ApplicationContext context = ApplicationContext.run(Map.of(
                "bluegreen.topics.create", "false",
                "bluegreen.credentials.source", "secrets-manager",
                "bluegreen.credentials.secrets-manager.region", "eu-west-1",
                "bluegreen.aws.endpoint-override", "http://127.0.0.1:9",
                "bluegreen.aws.access-key-id", "local",
                "bluegreen.aws.secret-access-key", "local"))) {
            CredentialsResolver resolver = context.getBean(CredentialsResolver.class);
            assertInstanceOf(SecretsManagerCredentials.class, resolver);
            assertEquals(1, context.getBeansOfType(CredentialsResolver.class).size());
            assertTrue(resolver.toString().contains("eu-west-1"), resolver.toString());
        }
    }

    @Test
    void anUnknownSourceSaysWhichValuesItMayTake() {
        try (ApplicationContext context = ApplicationContext.run(Map.of(
                "bluegreen.topics.create", "false",
                "bluegreen.credentials.source", "vault"))) {
            RuntimeException e = assertThrows(RuntimeException.class, () -> context.getBean(CredentialsResolver.class));
            String messages = chain(e);
            assertTrue(messages.contains("bluegreen.credentials.source is 'vault'") && messages.contains("secrets-manager"), messages);
        }
    }

    private static String chain(Throwable error) {
        StringBuilder text = new StringBuilder();
        for (Throwable t = error; t != null; t = t.getCause()) {
            text.append(t.getMessage()).append('\n');
        }
        return text.toString();
    }
}
