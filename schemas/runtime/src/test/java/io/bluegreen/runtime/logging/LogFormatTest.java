package io.bluegreen.runtime.logging;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class LogFormatTest {

    @Test
    void textUnlessJsonIsAskedFor() {
        assertEquals(LogFormat.TEXT, LogFormat.of(null));
        assertEquals(LogFormat.TEXT, LogFormat.of(""));
        assertEquals(LogFormat.TEXT, LogFormat.of("text"));
        assertEquals(LogFormat.JSON, LogFormat.of("json"));
    }

    @Test
    void anotherValueIsRefusedWithWhatToSet() {
        IllegalArgumentException wrong = assertThrows(IllegalArgumentException.class, () -> LogFormat.of("JSON"));
        assertTrue(wrong.getMessage().contains("BLUEGREEN_LOG_FORMAT is 'JSON'"), wrong.getMessage());
        assertTrue(wrong.getMessage().contains("json") && wrong.getMessage().contains("lower case"), wrong.getMessage());
        assertThrows(IllegalArgumentException.class, () -> LogFormat.of("yaml"));
    }
}
