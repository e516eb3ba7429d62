package io.bluegreen.runtime.logging;

import org.slf4j.MDC;

import java.util.Map;

/**
 * The MDC keys every log line about an upgrade's work carries, in text and JSON alike (see
 * {@code bluegreen/logback-service.xml}): the upgrade, the command and the step it is about.
 */
public final class LogContext {

    public static final String UPGRADE_ID = "upgradeId";
    public static final String COMMAND_ID = "commandId";
    public static final String STEP = "step";

    private LogContext() {
    }

    /**
     * Runs work with the upgrade, command and step (each may be null: not named) in the MDC of this thread, then
     * restores what the caller had, so that work nested in other work names its own command and step and the outer
     * work's lines keep theirs.
     */
    public static void run(String upgradeId, String commandId, String step, Runnable work) {
        Map<String, String> outer = MDC.getCopyOfContextMap();
        putOrRemove(UPGRADE_ID, upgradeId);
        putOrRemove(COMMAND_ID, commandId);
        putOrRemove(STEP, step);
        try {
            work.run();
        } finally {
            if (outer == null) {
                MDC.clear();
            } else {
                MDC.setContextMap(outer);
            }
        }
    }

    /** Work on an upgrade that no command or step stands for (the monitor's sampling, a saga's timer). */
    public static void run(String upgradeId, Runnable work) {
        run(upgradeId, null, null, work);
    }

    private static void putOrRemove(String key, String value) {
        if (value == null) {
            MDC.remove(key);
        } else {
            MDC.put(key, value);
        }
    }
}
