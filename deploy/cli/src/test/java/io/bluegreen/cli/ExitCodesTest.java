package io.bluegreen.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import picocli.CommandLine;

import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpTimeoutException;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ExitCodesTest {

    @ParameterizedTest
    @CsvSource({"200, 0", "201, 0", "204, 0", "400, 2", "401, 2", "403, 2", "404, 2", "409, 2", "413, 2", "302, 2",
            "500, 3", "502, 3", "503, 3"})
    void statusCodes(int status, int exit) {
        assertEquals(exit, ExitCodes.forStatus(status));
    }

    @ParameterizedTest
    @CsvSource({"COMPLETED, 0", "FAILED, 1", "ROLLED_BACK, 1", "REPLICATING, 0", "READY_FOR_SWITCHOVER, 0"})
    void phases(String phase, int exit) {
        assertEquals(exit, ExitCodes.forPhase(phase));
    }

    @Test
    void onlyCompletedFailedAndRolledBackAreTerminal() {
        assertTrue(ExitCodes.terminal("COMPLETED"));
        assertTrue(ExitCodes.terminal("FAILED"));
        assertTrue(ExitCodes.terminal("ROLLED_BACK"));
        assertFalse(ExitCodes.terminal("SWITCHING_OVER"));
    }

    @Test
    void aConnectionThatCannotBeMadeOrATimeoutIsUnreachable() {
        URI uri = URI.create("http://127.0.0.1:1/upgrades");
        for (IOException e : new IOException[]{new ConnectException(), new HttpConnectTimeoutException("connect"),
                new HttpTimeoutException("request"), new IOException("reset")}) {
            CliException unreachable = ApiClient.unreachable("GET", uri, e);
            assertEquals(ExitCodes.UNREACHABLE, ExitCodes.forException(unreachable), e.toString());
            assertTrue(unreachable.getMessage().contains("GET " + uri), unreachable.getMessage());
        }
        assertEquals(ExitCodes.UNREACHABLE, ExitCodes.forException(new ConnectException()));
    }

    @Test
    void errorAnswersBadInputAndOtherExceptions() {
        assertEquals(2, ExitCodes.forException(new ApiException(404, "GET", "http://x/upgrades/u", null, "", null)));
        assertEquals(2, ExitCodes.forException(new ApiException(409, "POST", "http://x/upgrades/u/rollback", null, "", "u")));
        assertEquals(3, ExitCodes.forException(new ApiException(503, "POST", "http://x/upgrades", null, "", null)));
        assertEquals(2, ExitCodes.forException(CliException.badInput("what", "where", "what to do")));
        assertEquals(2, ExitCodes.forException(new CommandLine.ParameterException(new CommandLine(new Main()), "bad")));
        assertEquals(1, ExitCodes.forException(new IllegalStateException("a defect")));
    }
}
