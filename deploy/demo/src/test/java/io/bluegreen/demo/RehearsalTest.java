package io.bluegreen.demo;

import io.bluegreen.demo.rehearsal.Comparison;
import io.bluegreen.demo.rehearsal.DefaultSchema;
import io.bluegreen.demo.rehearsal.Ledger;
import io.bluegreen.demo.rehearsal.Phases;
import io.bluegreen.demo.rehearsal.SqlErrors;
import io.bluegreen.demo.rehearsal.TableFigures;
import io.bluegreen.demo.rehearsal.Workload;
import io.micronaut.core.type.Argument;
import io.micronaut.serde.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The rehearsal's decisions without any server: options, workload files, comparison, ledger, errors, report. */
class RehearsalTest {

    // ---- options

    @Test
    void defaultsAreTheDemosSchemaOnAppAndBillingWithFourClientsAtAModestRate() {
        DemoOptions options = DemoOptions.defaults();
        assertEquals(List.of("app", "billing"), options.databases());
        assertEquals(4, options.clients());
        assertEquals(200, options.rate());
        assertEquals("snapshot", options.strategy());
        assertEquals(null, options.schema());
        assertEquals(null, options.workload());
        assertEquals(new DemoOptions(null, null, null, 4, 200, null, null), options);
    }

    @Test
    void aStrategyOtherThanSnapshotIsRefusedBeforeAnythingStarts() {
        IllegalArgumentException copy = assertThrows(IllegalArgumentException.class,
                () -> DemoOptions.defaults().withStrategy("logical-copy"));
        assertTrue(copy.getMessage().contains("unknown strategy 'logical-copy'") && copy.getMessage().contains("'snapshot'"),
                copy.getMessage());
        IllegalArgumentException unknown = assertThrows(IllegalArgumentException.class,
                () -> DemoOptions.defaults().withStrategy("clone"));
        assertTrue(unknown.getMessage().contains("unknown strategy 'clone'"), unknown.getMessage());
        assertEquals("snapshot", DemoOptions.defaults().withStrategy(" SNAPSHOT ").strategy());
    }

    @Test
    void unusableOptionValuesAreRefusedWithWhatToGive() {
        assertThrows(IllegalArgumentException.class, () -> DemoOptions.defaults().withClients(0));
        assertThrows(IllegalArgumentException.class, () -> DemoOptions.defaults().withRate(-1));
        assertThrows(IllegalArgumentException.class, () -> DemoOptions.defaults().withTimeout(Duration.ZERO));
        assertThrows(IllegalArgumentException.class, () -> DemoOptions.defaults().withDatabases(List.of("App-1")));
        assertThrows(IllegalArgumentException.class, () -> DemoOptions.defaults().withDatabases(List.of("postgres")));
        assertThrows(IllegalArgumentException.class, () -> DemoOptions.defaults().withDatabases(List.of("a", "a")));
        assertEquals(0, DemoOptions.defaults().withRate(0).rate(), "0 is as fast as possible");
    }

    // ---- workload files

    @Test
    void aWorkloadFileIsOneStatementPerLineWithoutCommentsBlankLinesOrTrailingSemicolons() {
        String file = "-- inserts\r\n"
                + "INSERT INTO t (v) VALUES (1);\n"
                + "\n"
                + "   UPDATE t SET v = v + 1 WHERE id = 3   \n"
                + "  -- indented comment\n"
                + "SELECT 'a -- not a comment'\n"
                + ";\n";
        assertEquals(List.of("INSERT INTO t (v) VALUES (1)", "UPDATE t SET v = v + 1 WHERE id = 3",
                "SELECT 'a -- not a comment'"), Workload.parse(file));
    }

    @Test
    void aWorkloadFileWithoutStatementsOrMissingIsAnArgumentError(@TempDir Path dir) throws IOException {
        Path comments = Files.writeString(dir.resolve("comments.sql"), "-- nothing\n\n");
        assertThrows(IllegalArgumentException.class, () -> Workload.read(comments));
        IllegalArgumentException missing = assertThrows(IllegalArgumentException.class,
                () -> Workload.read(dir.resolve("missing.sql")));
        assertTrue(missing.getMessage().contains("does not exist"), missing.getMessage());
        Path one = Files.writeString(dir.resolve("one.sql"), "INSERT INTO t DEFAULT VALUES;\n");
        assertEquals(List.of("INSERT INTO t DEFAULT VALUES"), Workload.read(one).statementsFor("any"));
    }

    @Test
    void theDefaultWorkloadRunsBillingsStatementsOnBillingAndTheAppsElsewhere() {
        Workload workload = DefaultSchema.workload(List.of("app", "billing", "extra"));
        assertTrue(workload.statementsFor("billing").stream().allMatch(s -> s.contains("invoices") || s.contains("exchange_rates")));
        assertTrue(workload.statementsFor("app").stream().noneMatch(s -> s.contains("invoices")));
        assertEquals(workload.statementsFor("app"), workload.statementsFor("extra"));
        assertEquals(5, DefaultSchema.tables("app"));
        assertEquals(3, DefaultSchema.tables("billing"));
    }

    // ---- comparison

    private static TableFigures figures(long rows, long checksum) {
        return new TableFigures(rows, BigDecimal.valueOf(checksum));
    }

    @Test
    void equalTablesAreComparedAndNotReported() {
        Map<String, TableFigures> blue = Map.of("public.orders", figures(3, 42), "public.lines", figures(0, 0));
        Map<String, TableFigures> green = Map.of("public.orders", figures(3, 42), "public.lines", figures(0, 0));
        assertEquals(List.of(), Comparison.tableMismatches("app", blue, green));
        assertEquals(2, Comparison.compared(blue, green));
    }

    @Test
    void eachDifferenceIsReportedWithTheDatabaseSchemaTableAndWhy() {
        Map<String, TableFigures> blue = new LinkedHashMap<>();
        blue.put("public.orders", figures(3, 42));
        blue.put("public.lines", figures(5, 7));
        blue.put("public.gone", figures(1, 1));
        blue.put("public.same", figures(2, 2));
        Map<String, TableFigures> green = new LinkedHashMap<>();
        green.put("public.orders", figures(4, 43));
        green.put("public.lines", figures(5, 8));
        green.put("public.extra", figures(0, 0));
        green.put("public.same", figures(2, 2));
        assertEquals(List.of(
                "app.public.extra: only on Green (0 rows), not on Blue",
                "app.public.gone: missing on Green (Blue has 1 rows)",
                "app.public.lines: same 5 rows but different contents (checksum)",
                "app.public.orders: Blue has 3 rows, Green 4"), Comparison.tableMismatches("app", blue, green));
        assertEquals(5, Comparison.compared(blue, green));
    }

    @Test
    void aSequenceIsBehindWhenGreensValueIsBelowBluesOrMissing() {
        Map<String, Long> blue = new HashMap<>();
        blue.put("public.ahead", 100L);
        blue.put("public.equal", 100L);
        blue.put("public.behind", 100L);
        blue.put("public.unused", null);
        blue.put("public.gone", 5L);
        blue.put("public.reset", 7L);
        Map<String, Long> green = new HashMap<>();
        green.put("public.ahead", 1100L);
        green.put("public.equal", 100L);
        green.put("public.behind", 99L);
        green.put("public.unused", null);
        green.put("public.reset", null);
        assertEquals(List.of(
                "billing.public.behind: Green at 99, behind Blue's 100",
                "billing.public.gone: missing on Green (Blue at 5)",
                "billing.public.reset: Green at its start (never used), behind Blue's 7"),
                Comparison.sequencesBehind("billing", blue, green));
    }

    @Test
    void aColumnIsBehindWhenItsSequenceWouldGiveAValueItHolds() {
        List<Comparison.SequenceColumn> columns = List.of(
                new Comparison.SequenceColumn("public.orders.id", "orders_id_seq", 1001, 1000L),
                new Comparison.SequenceColumn("public.invoices.number", "invoice_numbers", 50, 50L),
                new Comparison.SequenceColumn("public.empty.id", "empty_id_seq", 1, null));
        assertEquals(List.of("app.public.invoices.number: its sequence invoice_numbers gives 50 next, not above the "
                + "column's largest value 50"), Comparison.columnsBehind("app", columns));
    }

    // ---- ledger

    @Test
    void anAcknowledgedWriteMissingIsLostAndAnyWriteTwiceIsDuplicated() {
        Ledger.Ack a = new Ledger.Ack(1, 1);
        Ledger.Ack b = new Ledger.Ack(1, 2);
        Ledger.Ack c = new Ledger.Ack(2, 1);
        Ledger.Ack unacknowledged = new Ledger.Ack(2, 2);
        Ledger.Check check = Ledger.check("app", Set.of(a, b, c), Map.of(a, 1L, c, 2L, unacknowledged, 1L));
        assertEquals(1, check.lost());
        assertEquals(1, check.duplicated());
        assertTrue(check.examples().contains("app: acknowledged write client 1 seq 2 is missing"), check.examples().toString());
        Ledger.Check whole = Ledger.check("app", Set.of(a, b), Map.of(a, 1L, b, 1L, unacknowledged, 1L));
        assertEquals(0, whole.lost(), "a commit whose answer was lost may be there once: neither lost nor doubled");
        assertEquals(0, whole.duplicated());
    }

    // ---- errors

    @Test
    void aLostOrFencedSessionMeansReconnectAndAStatementErrorIsTheWorkloads() {
        for (String state : List.of("08006", "08001", "57P01", "57P03", "25006", "53300")) {
            assertTrue(SqlErrors.sessionLost(new SQLException("x", state)), state);
        }
        for (String state : List.of("23505", "23503", "40P01", "40001", "42P01", "22012")) {
            assertFalse(SqlErrors.sessionLost(new SQLException("x", state)), state);
        }
        assertTrue(SqlErrors.sessionLost(new SQLException("no state")), "no SQLSTATE: reconnect to be safe");
        assertFalse(SqlErrors.sessionLost(new SQLException("wrapped", null, new SQLException("inner", "23505"))));
        assertEquals("23505", SqlErrors.state(new RuntimeException(new SQLException("inner", "23505"))));
    }

    // ---- phases and report

    @Test
    void phasesComeFromThePhaseEnteredEventsEachEndingWhenTheNextBegins() {
        Instant t0 = Instant.parse("2026-12-01T10:00:00Z");
        List<Phases.Event> events = List.of(
                new Phases.Event(t0, "UpgradeRequested", "requestedBy=local-admin"),
                new Phases.Event(t0, "PhaseEntered", "phase=PREFLIGHT, previousPhase=UNKNOWN"),
                new Phases.Event(t0.plusSeconds(1), "StepCompleted", "step=RunPreflight"),
                new Phases.Event(t0.plusSeconds(2), "PhaseEntered", "causationId=c1, phase=PREPARING_BLUE, previousPhase=PREFLIGHT"),
                new Phases.Event(t0.plusSeconds(9), "PhaseEntered", "causationId=c2, phase=COMPLETED, previousPhase=PREPARING_BLUE"));
        assertEquals(List.of(
                new Phases.Phase("PREFLIGHT", t0, t0.plusSeconds(2)),
                new Phases.Phase("PREPARING_BLUE", t0.plusSeconds(2), t0.plusSeconds(9)),
                new Phases.Phase("COMPLETED", t0.plusSeconds(9), t0.plusSeconds(9))), Phases.of(events));
    }

    @Test
    void theLongestSilenceIsPlacedInThePhaseItEndedIn() {
        Instant t0 = Instant.parse("2026-12-01T10:00:00Z");
        List<Phases.Phase> phases = List.of(new Phases.Phase("PREPARING_BLUE", t0, t0.plusSeconds(5)),
                new Phases.Phase("SWITCHING_OVER", t0.plusSeconds(5), t0.plusSeconds(8)));
        assertEquals(java.util.Optional.of("PREPARING_BLUE"), Phases.at(phases, t0.plusSeconds(2)));
        assertEquals(java.util.Optional.of("SWITCHING_OVER"), Phases.at(phases, t0.plusSeconds(5)));
        assertEquals(java.util.Optional.empty(), Phases.at(phases, t0.plusSeconds(9)));
    }

    private static DemoRun.Report report(String greenVersion, List<String> mismatched, long lost, String failure) {
        Instant t0 = Instant.parse("2026-12-01T10:00:00Z");
        return new DemoRun.Report("upg-1", "16.15", greenVersion, "17.11",
                List.of(new Phases.Phase("PREFLIGHT", t0, t0.plusMillis(1500))), "0/3000028", "STARTUP_LOG", 10,
                mismatched, List.of(), 1234, lost, 0, 2, 850, true, failure);
    }

    @Test
    void aReportIsProvenOnlyWhenEveryCheckHoldsAndGreenRunsTheTargetMajor() {
        assertTrue(report("17.11", List.of(), 0, null).proven());
        assertFalse(report("16.15", List.of(), 0, null).proven(), "Blue's name still reaches 16");
        assertFalse(report("17.11", List.of("app.public.orders: Blue has 3 rows, Green 4"), 0, null).proven());
        assertFalse(report("17.11", List.of(), 1, null).proven());
        assertFalse(report("17.11", List.of(), 0, "the proof could not be completed").proven());
    }

    @Test
    void theJsonIsOneObjectWithTheReportsFieldsByName() throws IOException {
        String json = report("17.11", List.of("app.public.\"odd\": why"), 0, null).toJson();
        Map<String, Object> parsed = ObjectMapper.getDefault().readValue(json, Argument.mapOf(String.class, Object.class));
        assertEquals(List.of("upgradeId", "blueVersion", "greenVersion", "targetVersion", "phases", "snapshotLsn",
                "snapshotLsnMethod", "tablesCompared", "tablesMismatched", "sequencesBehind", "writesCommitted",
                "lostWrites", "duplicatedWrites", "workloadErrors", "writeUnavailableMs", "completed", "failure",
                "proven"), List.copyOf(parsed.keySet()));
        assertEquals("upg-1", parsed.get("upgradeId"));
        assertEquals(List.of(Map.of("name", "PREFLIGHT", "start", "2026-12-01T10:00:00Z", "end", "2026-12-01T10:00:01.500Z")),
                parsed.get("phases"));
        assertEquals(List.of("app.public.\"odd\": why"), parsed.get("tablesMismatched"));
        assertEquals(10, ((Number) parsed.get("tablesCompared")).intValue());
        assertEquals(850, ((Number) parsed.get("writeUnavailableMs")).longValue());
        assertEquals(null, parsed.get("failure"));
        assertEquals(false, parsed.get("proven"));
        assertEquals(true, parsed.get("completed"));
    }
}
