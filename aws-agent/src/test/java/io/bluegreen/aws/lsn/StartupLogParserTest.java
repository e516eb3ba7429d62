package io.bluegreen.aws.lsn;

import io.bluegreen.schemas.Lsn;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class StartupLogParserTest {

    private static final String PG17_CLONE = """
            2026-11-24 10:00:00.001 UTC [101] LOG:  starting PostgreSQL 17.9 on x86_64-pc-linux-gnu
            2026-11-24 10:00:00.010 UTC [103] LOG:  database system was interrupted; last known up at 2026-11-24 09:59:58 UTC
            2026-11-24 10:00:00.020 UTC [103] LOG:  starting backup recovery with redo LSN 0/3000028, checkpoint LSN 0/3000080, on timeline ID 1
            2026-11-24 10:00:00.021 UTC [103] LOG:  redo starts at 0/3000028
            2026-11-24 10:00:00.030 UTC [103] LOG:  completed backup recovery with redo LSN 0/3000028 and end LSN 0/3000130
            2026-11-24 10:00:00.031 UTC [103] LOG:  consistent recovery state reached at 0/3000130
            2026-11-24 10:00:00.040 UTC [103] LOG:  invalid record length at 0/3000938: expected at least 24, got 0
            2026-11-24 10:00:00.041 UTC [103] LOG:  redo done at 0/3000908 system usage: CPU: user: 0.00 s
            2026-11-24 10:00:00.050 UTC [101] LOG:  database system is ready to accept connections
            """;

    @Test
    void takesTheInvalidRecordLengthLsnNotTheRedoDoneLsn() {
        StartupLogParser.SnapshotLsn found = StartupLogParser.parse(PG17_CLONE).orElseThrow();
        assertEquals(Lsn.parse("0/3000938"), found.lsn());
        assertTrue(found.evidence().stream().anyMatch(l -> l.contains("invalid record length at 0/3000938")));
        assertTrue(found.evidence().stream().anyMatch(l -> l.contains("redo done at 0/3000908")));
        assertTrue(found.evidence().stream().anyMatch(l -> l.contains("redo starts at 0/3000028")));
    }

    @Test
    void readsTheSeedsRdsLogWithItsDebugLine() {
        String log = """
                LOG: redo starts at 0/100000A0
                LOG: invalid record length at 0/1000FB78: expected at least 24, got 0
                DEBUG: Set Logical Seed LSN at 0/1000FB78
                LOG: redo done at 0/1000FB40
                """;
        assertEquals(Lsn.parse("0/1000FB78"), StartupLogParser.parse(log).orElseThrow().lsn());
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
            "PostgreSQL 13-15 older wording | LOG:  invalid record length at 0/1000FB78: wanted 24, got 0 | 0/1000FB78",
            "PostgreSQL 16-17 wording       | LOG:  invalid record length at 0/1000FB78: expected at least 24, got 0 | 0/1000FB78",
            "a torn page at the end         | LOG:  record with incorrect prev-link 0/2000060 at 0/3000938 | 0/3000938",
            "zero length (PostgreSQL 13)    | LOG:  record with zero length at 0/5000060 | 0/5000060",
            "PostgreSQL 19 zero-padded LSN  | LOG:  invalid record length at 00000000/1000FB78: expected at least 24, got 0 | 0/1000FB78",
            "a copy ending on a page boundary | LOG:  invalid magic number 0000 in WAL segment 000000010000000000000003, LSN 0/3002000, offset 8192 | 0/3002000",
    })
    void understandsTheEndOfWalWordingOfEveryVersion(String version, String line, String expected) {
        String log = "LOG:  redo starts at 0/1000028\n" + line + "\nLOG:  redo done at 0/1000040\n";
        assertEquals(Lsn.parse(expected), StartupLogParser.parse(log).orElseThrow().lsn(), version);
    }

    @Test
    void aLaterCrashRestartDoesNotReplaceTheClonesLsn() {
        String later = """
                2026-11-24 11:00:00.000 UTC [201] LOG:  database system was interrupted; last known up at 2026-11-24 10:59:00 UTC
                2026-11-24 11:00:00.010 UTC [201] LOG:  redo starts at 0/9000028
                2026-11-24 11:00:00.020 UTC [201] LOG:  invalid record length at 0/9999990: expected at least 24, got 0
                2026-11-24 11:00:00.030 UTC [201] LOG:  redo done at 0/9999900
                """;
        assertEquals(Lsn.parse("0/3000938"), StartupLogParser.parse(PG17_CLONE + later).orElseThrow().lsn());
    }

    @Test
    void aLogSplitAcrossPagesAtAnyPointParsesTheSame() {
        for (int cut = 1; cut < PG17_CLONE.length() - 1; cut += 7) {
            String joined = PG17_CLONE.substring(0, cut) + PG17_CLONE.substring(cut);
            assertEquals(Lsn.parse("0/3000938"), StartupLogParser.parse(joined).orElseThrow().lsn());
        }
    }

    @Test
    void anUnfinishedRecoveryGivesNothing() {
        String cut = PG17_CLONE.substring(0, PG17_CLONE.indexOf("invalid record length"));
        assertEquals(Optional.empty(), StartupLogParser.parse(cut));
    }

    @Test
    void aRecoveryThatNeverLoggedTheEndOfWalGivesNothing() {
        String log = "LOG:  redo starts at 0/1000028\nLOG:  redo done at 0/1000040\n";
        assertEquals(Optional.empty(), StartupLogParser.parse(log));
    }

    @Test
    void aLogWithoutRecoveryGivesNothing() {
        assertEquals(Optional.empty(), StartupLogParser.parse("LOG:  database system is ready to accept connections\n"));
    }

    @Test
    void lsnsCompareByPositionAndPrintAsPostgreSqlDoes() {
        assertTrue(Lsn.parse("1/0").compareTo(Lsn.parse("0/FFFFFFFF")) > 0);
        assertEquals("0/1000FB78", Lsn.parse("0/1000fb78").toString());
        assertEquals("16/B374D848", Lsn.parse("16/B374D848").toString());
        assertThrows(IllegalArgumentException.class, () -> Lsn.parse("1000FB78"));
    }
}
