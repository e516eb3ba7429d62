package io.bluegreen.cli;

import picocli.CommandLine;

import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.Locale;

/** {@code 500ms}, {@code 2s}, {@code 1m}, {@code 1h}, {@code PT30S} or whole seconds; positive. */
public final class DurationConverter implements CommandLine.ITypeConverter<Duration> {

    @Override
    public Duration convert(String value) {
        return parse(value);
    }

    public static Duration parse(String value) {
        String text = value.trim().toLowerCase(Locale.ROOT);
        try {
            Duration parsed;
            if (text.startsWith("pt")) {
                parsed = Duration.parse(text.toUpperCase(Locale.ROOT));
            } else if (text.endsWith("ms")) {
                parsed = Duration.ofMillis(Long.parseLong(text.substring(0, text.length() - 2)));
            } else if (text.endsWith("s")) {
                parsed = Duration.ofSeconds(Long.parseLong(text.substring(0, text.length() - 1)));
            } else if (text.endsWith("m")) {
                parsed = Duration.ofMinutes(Long.parseLong(text.substring(0, text.length() - 1)));
            } else if (text.endsWith("h")) {
                parsed = Duration.ofHours(Long.parseLong(text.substring(0, text.length() - 1)));
            } else {
                parsed = Duration.ofSeconds(Long.parseLong(text));
            }
            if (parsed.isNegative() || parsed.isZero()) {
                throw new NumberFormatException();
            }
            return parsed;
        } catch (NumberFormatException | DateTimeParseException e) {
            throw new CommandLine.TypeConversionException("a positive duration such as 500ms, 2s, 1m or PT30S, not '"
                    + value + "'");
        }
    }
}
