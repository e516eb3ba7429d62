package io.bluegreen.runtime.logging;

import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.joran.JoranConfigurator;
import ch.qos.logback.core.joran.spi.JoranException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.MDC;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The services' logging configuration ({@code bluegreen/logback-service.xml}, which every service's logback.xml
 * includes) as a service starts with it: readable text by default, JSON lines with {@code BLUEGREEN_LOG_FORMAT=json},
 * the upgrade, command and step on every line either way.
 */
class ServiceLogTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void jsonLinesCarryTheServiceTheUpgradeTheCommandAndTheStep() throws Exception {
        List<String> lines = logged("json", log -> {
            log.info("before any upgrade");
            LogContext.run("upg-1", "cmd-7", "CREATE_SLOTS", () -> {
                log.info("creating slot \"bg_slot\" with a quote and a\nsecond line");
                LogContext.run("upg-1", () -> log.warn("nested work names no command"));
                log.error("failed", new IllegalStateException("boom"));
            });
            log.info("after");
        });
        assertEquals(5, lines.size(), String.join("\n", lines));
        List<JsonNode> events = lines.stream().map(ServiceLogTest::parse).toList();
        for (JsonNode event : events) {
            assertEquals("pg-agent", event.path("service").asText());
            for (String field : List.of("timestamp", "level", "logger_name", "thread_name", "message",
                    LogContext.UPGRADE_ID, LogContext.COMMAND_ID, LogContext.STEP)) {
                assertTrue(event.has(field), field + " missing in " + event);
            }
        }
        assertEquals("", events.get(0).path(LogContext.UPGRADE_ID).asText());
        JsonNode slot = events.get(1);
        assertEquals("upg-1", slot.path(LogContext.UPGRADE_ID).asText());
        assertEquals("cmd-7", slot.path(LogContext.COMMAND_ID).asText());
        assertEquals("CREATE_SLOTS", slot.path(LogContext.STEP).asText());
        assertEquals("creating slot \"bg_slot\" with a quote and a\nsecond line", slot.path("message").asText());
        assertEquals("INFO", slot.path("level").asText());
        assertEquals("", events.get(2).path(LogContext.COMMAND_ID).asText());
        assertEquals("upg-1", events.get(2).path(LogContext.UPGRADE_ID).asText());
        assertEquals("cmd-7", events.get(3).path(LogContext.COMMAND_ID).asText(), "the outer work's ids are restored");
        assertTrue(events.get(3).path("stack_trace").asText().contains("IllegalStateException: boom"));
        assertEquals("", events.get(4).path(LogContext.STEP).asText(), "nothing is left behind after the work");
    }

    @Test
    void textStaysTheDefaultAndNamesTheSameIds() throws Exception {
        List<String> lines = logged(null, log -> LogContext.run("upg-2", "cmd-3", "UPGRADE_ENGINE",
                () -> log.info("upgrading")));
        assertEquals(1, lines.size(), String.join("\n", lines));
        String line = lines.get(0);
        assertFalse(line.startsWith("{"), line);
        assertTrue(line.contains("[upgrade=upg-2 command=cmd-3 step=UPGRADE_ENGINE] - upgrading"), line);
    }

    private interface Work {
        void log(Logger log);
    }

    /** Configures a logger context as a service's logback.xml does, with the format given, and returns its lines. */
    private static List<String> logged(String format, Work work) throws JoranException, IOException {
        String config = "<configuration><property name=\"BLUEGREEN_SERVICE\" value=\"pg-agent\"/>"
                + "<include resource=\"bluegreen/logback-service.xml\"/></configuration>";
        PrintStream stdout = System.out;
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        LoggerContext context = new LoggerContext();
        context.setMDCAdapter(MDC.getMDCAdapter()); // the one LogContext writes to
        try {
            if (format != null) {
                System.setProperty(LogFormat.VARIABLE, format);
            }
            System.setOut(new PrintStream(captured, true, StandardCharsets.UTF_8)); // the appender takes it as it starts
            JoranConfigurator configurator = new JoranConfigurator();
            configurator.setContext(context);
            configurator.doConfigure(new ByteArrayInputStream(config.getBytes(StandardCharsets.UTF_8)));
            work.log(context.getLogger("io.bluegreen.pg.PgSteps"));
        } finally {
            System.setOut(stdout);
            System.clearProperty(LogFormat.VARIABLE);
            context.stop();
        }
        return captured.toString(StandardCharsets.UTF_8).lines().toList();
    }

    private static JsonNode parse(String line) {
        try {
            return JSON.readTree(line);
        } catch (IOException e) {
            throw new AssertionError("not a JSON line: " + line, e);
        }
    }
}
