package io.bluegreen.cli;

import picocli.CommandLine;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Set;

/**
 * Exit codes scripts can trust: 0 done; 1 the upgrade failed or was not proven; 2 bad input (a flag, a file, a plan
 * the coordinator refused, a login refused, an unknown upgrade, a request refused in this state); 3 the service could
 * not be reached or could not answer (connection refused, timeout, 5xx).
 */
public final class ExitCodes {

    public static final int OK = 0;
    public static final int FAILED = 1;
    public static final int BAD_INPUT = 2;
    public static final int UNREACHABLE = 3;

    /** The phases an upgrade never leaves. */
    public static final Set<String> TERMINAL_PHASES = Set.of("COMPLETED", "FAILED", "ROLLED_BACK");

    private ExitCodes() {
    }

    /** 2xx 0; 5xx 3; any other answer (4xx, a redirect from a wrong --api) 2. */
    public static int forStatus(int status) {
        if (status >= 200 && status < 300) {
            return OK;
        }
        if (status >= 500) {
            return UNREACHABLE;
        }
        return BAD_INPUT;
    }

    /** FAILED and ROLLED_BACK 1; anything else (COMPLETED, or still running) 0. */
    public static int forPhase(String phase) {
        return "FAILED".equals(phase) || "ROLLED_BACK".equals(phase) ? FAILED : OK;
    }

    public static boolean terminal(String phase) {
        return TERMINAL_PHASES.contains(phase);
    }

    /** The exit code of what a command threw. */
    public static int forException(Throwable e) {
        if (e instanceof CliException cli) {
            return cli.exitCode();
        }
        if (e instanceof CommandLine.ParameterException) {
            return BAD_INPUT;
        }
        if (e instanceof IOException || e instanceof UncheckedIOException) {
            return UNREACHABLE;
        }
        return FAILED;
    }
}
