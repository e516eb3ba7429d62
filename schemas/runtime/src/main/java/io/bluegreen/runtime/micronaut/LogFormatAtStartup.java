package io.bluegreen.runtime.micronaut;

import io.bluegreen.runtime.logging.LogFormat;
import io.micronaut.context.annotation.Context;

/**
 * Refuses to start a service whose {@value LogFormat#VARIABLE} names no format, so that a misspelt {@code json} is
 * not taken silently as text by the logging configuration.
 */
@Context
public class LogFormatAtStartup {

    private final LogFormat format;

    public LogFormatAtStartup() {
        this.format = LogFormat.configured();
    }

    public LogFormat format() {
        return format;
    }
}
