package io.bluegreen.runtime.micronaut;

import io.bluegreen.runtime.logging.LogFormat;
import io.micronaut.context.ApplicationContext;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class LogFormatAtStartupTest {

    private static final Map<String, Object> NO_TOPICS = Map.of("bluegreen.topics.create", false);

    @AfterEach
    void clear() {
        System.clearProperty(LogFormat.VARIABLE);
    }

    @Test
    void aServiceStartsWithTheFormatItWasGiven() {
        System.setProperty(LogFormat.VARIABLE, "json");
        try (ApplicationContext context = ApplicationContext.run(NO_TOPICS)) {
            assertEquals(LogFormat.JSON, context.getBean(LogFormatAtStartup.class).format());
        }
    }

    @Test
    void aMisspeltFormatStopsTheServiceAtStartUp() {
        System.setProperty(LogFormat.VARIABLE, "jsno");
        RuntimeException refused = assertThrows(RuntimeException.class, () -> ApplicationContext.run(NO_TOPICS).close());
        Throwable cause = refused;
        while (cause.getCause() != null && !(cause instanceof IllegalArgumentException)) {
            cause = cause.getCause();
        }
        assertTrue(cause.getMessage().contains("BLUEGREEN_LOG_FORMAT is 'jsno'"), String.valueOf(cause.getMessage()));
    }
}
