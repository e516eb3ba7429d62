package io.bluegreen.cli;

/**
 * A failure the command line explains itself: its message reads {@code <what>, <where>, <what to do>} and is printed
 * after {@code bluegreen: }; the exit code follows {@link ExitCodes}.
 */
public class CliException extends RuntimeException {

    private final int exitCode;

    public CliException(int exitCode, String message) {
        super(message);
        this.exitCode = exitCode;
    }

    public CliException(int exitCode, String message, Throwable cause) {
        super(message, cause);
        this.exitCode = exitCode;
    }

    public int exitCode() {
        return exitCode;
    }

    /** Bad input: a flag, a file, a value. */
    static CliException badInput(String what, String where, String whatToDo) {
        return new CliException(ExitCodes.BAD_INPUT, what + ", " + where + ", " + whatToDo);
    }
}
