package io.bluegreen.runtime.logging;

/**
 * How a service writes its log: readable text (the default) or one JSON object per line. Chosen by the environment
 * variable or system property {@value #VARIABLE}, which {@code bluegreen/logback-service.xml} reads too; a value that
 * is neither stops the service at start-up instead of being taken silently as text.
 */
public enum LogFormat {
    TEXT,
    JSON;

    public static final String VARIABLE = "BLUEGREEN_LOG_FORMAT";

    /** The format a value names: {@code text} or {@code json}, exactly as the logging configuration compares it. */
    public static LogFormat of(String value) {
        if (value == null || value.isEmpty() || value.equals("text")) {
            return TEXT;
        }
        if (value.equals("json")) {
            return JSON;
        }
        throw new IllegalArgumentException(VARIABLE + " is '" + value + "': set it to json (one JSON object per line) "
                + "or text (readable lines, the default), in lower case");
    }

    /** The format this process was started with: the system property first, then the environment. */
    public static LogFormat configured() {
        String value = System.getProperty(VARIABLE);
        return of(value != null ? value : System.getenv(VARIABLE));
    }
}
