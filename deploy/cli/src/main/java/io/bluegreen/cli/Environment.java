package io.bluegreen.cli;

import java.io.PrintStream;
import java.util.Map;
import java.util.Optional;

/**
 * What the command line gets from where it runs: environment variables, stdout, stderr, and whether stdout is a
 * terminal (then {@code --watch} redraws in place). Tests make their own.
 *
 * @param variables the environment (BLUEGREEN_API, BLUEGREEN_USER, BLUEGREEN_PASSWORD, BLUEGREEN_PASSWORD_FILE,
 *                  XDG_RUNTIME_DIR, HOME)
 */
public record Environment(Map<String, String> variables, PrintStream out, PrintStream err, boolean terminal) {

    public static Environment system() {
        return new Environment(System.getenv(), System.out, System.err, System.console() != null);
    }

    /** A variable, empty when unset or blank. */
    public Optional<String> get(String name) {
        String value = variables.get(name);
        return value == null || value.isBlank() ? Optional.empty() : Optional.of(value);
    }
}
