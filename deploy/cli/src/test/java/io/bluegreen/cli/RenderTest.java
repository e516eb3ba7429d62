package io.bluegreen.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class RenderTest {

    static final Instant NOW = Instant.parse("2026-12-01T10:00:00Z");

    static final String VIEW = """
            {"upgradeId": "upg-1234", "phase": "FAILED", "failedPhase": "REPLICATING",
             "lastFailure": "CreateSubscription on app: permission denied (42501): grant rds_replication",
             "blue": "orders", "targetVersion": "17.11", "databases": ["app", "billing"],
             "waitingFor": [{"step": "VerifyData", "database": "billing", "commandId": "upg-1234/VerifyData|billing/1",
                             "attempt": 2, "dispatchedAt": "2026-12-01T09:59:00Z", "deadline": "2026-12-01T10:04:00Z",
                             "resends": 1, "progress": "table invoices", "percent": 40,
                             "progressAt": "2026-12-01T09:59:50Z"}],
             "green": {"identifier": "orders-green-1", "host": "127.0.0.1", "port": 6543, "engineVersion": "17.11",
                       "snapshots": ["orders-snap-1"]},
             "snapshotLsn": "0/5000000", "snapshotLsnMethod": "RECOVERY_LOG",
             "perDatabase": [{"database": "app", "slotAdvancedTo": "0/5000000", "subscription": "bg_sub_app",
                              "drainedLsn": null, "sequences": 2, "verified": true}],
             "writer": null,
             "switchover": {"attempts": 1, "allowed": 3, "timeoutMs": 60000, "repoint": "EVENT",
                            "deadline": null, "dataMismatch": false}}
            """;

    private final ObjectMapper json = new ObjectMapper();

    @Test
    void anUpgradeShowsItsPhaseFailureWaitGreenAndSwitchover() throws Exception {
        String text = Render.view(json.readTree(VIEW), NOW);
        List<String> lines = Arrays.asList(text.split("\\R"));
        assertTrue(lines.contains("upgrade       upg-1234"), text);
        assertTrue(lines.contains("blue          orders -> 17.11 (databases app, billing)"), text);
        assertTrue(lines.contains("phase         FAILED"), text);
        assertTrue(lines.contains("failed phase  REPLICATING"), text);
        assertTrue(lines.contains("last failure  CreateSubscription on app: permission denied (42501): grant rds_replication"), text);
        assertTrue(lines.contains("waiting for   VerifyData on billing (attempt 2, re-sent 1 time, for 1m 00s, deadline in 4m 00s)"
                + ": table invoices (40%), reported 10 s ago"), text);
        assertTrue(lines.contains("green         orders-green-1 at 127.0.0.1:6543, PostgreSQL 17.11; snapshots orders-snap-1"), text);
        assertTrue(lines.contains("switchover    attempt 1 of 3, timeout 1m 00s, repoint event"), text);
        assertTrue(text.contains("bg_sub_app"), text);
    }

    @Test
    void theListIsATable() throws Exception {
        JsonNode list = json.readTree("[" + VIEW + ", {\"upgradeId\": \"upg-2\", \"blue\": \"billing\", \"phase\": "
                + "\"REPLICATING\", \"waitingFor\": []}]");
        String text = Render.list(list, List.of(Duration.ofMinutes(5), Duration.ofSeconds(42)), NOW);
        String[] lines = text.split("\\R");
        assertEquals(3, lines.length, text);
        assertTrue(lines[0].startsWith("ID") && lines[0].contains("PHASE") && lines[0].endsWith("AGE"), text);
        assertTrue(lines[1].matches("upg-1234 +orders +FAILED \\(in REPLICATING\\) +VerifyData\\(billing\\) +5m 00s"), text);
        assertTrue(lines[2].matches("upg-2 +billing +REPLICATING +- +42 s"), text);
        assertEquals("no upgrades" + System.lineSeparator(), Render.list(json.readTree("[]"), List.of(), NOW));
    }

    @Test
    void aRefusedPlanNamesEachFieldOnItsOwnLine() throws Exception {
        JsonNode problem = json.readTree("""
                {"type": "urn:bluegreen:problem:invalid-plan", "title": "Invalid plan", "status": 400,
                 "detail": "2 problem(s); nothing was written",
                 "errors": [{"field": "blue.port", "problem": "must be 1-65535, not 0"},
                            {"field": "databases", "problem": "required: the databases of Blue to upgrade"}]}
                """);
        String text = Render.problem(400, "POST", "http://127.0.0.1:8080/upgrades", problem, null, "ops");
        String[] lines = text.split("\\R");
        assertEquals("the coordinator refused the plan (400 Invalid plan: 2 problem(s); nothing was written), "
                + "POST http://127.0.0.1:8080/upgrades, fix these fields:", lines[0]);
        assertEquals("  blue.port: must be 1-65535, not 0", lines[1]);
        assertEquals("  databases: required: the databases of Blue to upgrade", lines[2]);
    }

    @Test
    void eachErrorStatusSaysWhatToDo() throws Exception {
        JsonNode conflict = json.readTree("{\"title\": \"Conflict\", \"status\": 409, \"detail\": \"COMPLETED does not allow "
                + "a rollback\", \"activeUpgradeId\": null}");
        String refused = Render.problem(409, "POST", "http://h/upgrades/u/rollback", conflict, null, "ops");
        assertTrue(refused.startsWith("refused in this state (409 Conflict: COMPLETED does not allow a rollback), "
                + "POST http://h/upgrades/u/rollback, "), refused);
        String login = Render.problem(401, "GET", "http://h/upgrades", null, "", "ops");
        assertTrue(login.contains("refused the login of user 'ops'") && login.contains("BLUEGREEN_PASSWORD"), login);
        String noLogin = Render.problem(401, "GET", "http://h/upgrades", null, "", null);
        assertTrue(noLogin.contains("set --user or BLUEGREEN_USER"), noLogin);
        String down = Render.problem(503, "POST", "http://h/upgrades", null, "<html>Service Unavailable</html>", null);
        assertTrue(down.startsWith("the coordinator could not answer (503: <html>Service Unavailable</html>)"), down);
        assertTrue(Render.problem(404, "GET", "http://h/upgrades/nope", null, "", null).contains("bluegreen status"));
    }

    @Test
    void aDryRunShowsPhasesAndFindings() throws Exception {
        JsonNode dryRun = json.readTree("""
                {"valid": true, "blue": "orders", "blueVersion": "16.15", "targetVersion": "17.11",
                 "validTargets": ["17.9", "17.11"],
                 "phases": [{"phase": "PREFLIGHT", "steps": ["RunPreflight"]},
                            {"phase": "PREPARING_BLUE", "steps": ["EnableLogicalReplication", "CreatePublication"]}],
                 "findings": [{"severity": "info", "subject": "switchoverMode", "message": "automatic"}]}
                """);
        String text = Render.dryRun("plan.yaml", dryRun);
        assertTrue(text.startsWith("plan plan.yaml: valid; Blue 16.15 -> 17.11 (valid targets: 17.9, 17.11)"), text);
        String nl = System.lineSeparator();
        assertTrue(text.contains("phases:" + nl + "  PREFLIGHT" + nl + "    RunPreflight" + nl + "  PREPARING_BLUE" + nl
                + "    EnableLogicalReplication" + nl + "    CreatePublication" + nl), text);
        assertTrue(text.contains("  info     switchoverMode: automatic"), text);
        assertEquals(0, Render.errorFindings(dryRun));
    }

    @Test
    void lagAgainstTheThreshold() throws Exception {
        JsonNode lag = json.readTree("""
                {"upgradeId": "upg-1", "thresholdBytes": 1048576,
                 "databases": [{"database": "app", "lagBytes": 2048, "workerAlive": true, "blueReachable": true,
                                "greenReachable": true, "measuredAt": "2026-12-01T09:59:58Z"},
                               {"database": "billing", "lagBytes": null, "workerAlive": false, "blueReachable": true,
                                "greenReachable": false, "measuredAt": "2026-12-01T09:59:58Z"}]}
                """);
        String text = Render.lag(lag, NOW);
        assertTrue(text.startsWith("lag of upg-1 (threshold 1.0 MiB)"), text);
        assertTrue(text.matches("(?s).*app +2\\.0 KiB +under +alive +reachable +reachable +2 s ago.*"), text);
        assertTrue(text.matches("(?s).*billing +unknown +DOWN +reachable +UNREACHABLE +2 s ago.*"), text);
    }

    @Test
    void aTimelineEntryIsOneLine() throws Exception {
        JsonNode entry = json.readTree("{\"at\": \"2026-12-01T09:58:00.123Z\", \"event\": \"PhaseChanged\", "
                + "\"detail\": \"from=PREFLIGHT, to=PREPARING_BLUE\"}");
        assertEquals("2026-12-01 09:58:00Z  PhaseChanged               from=PREFLIGHT, to=PREPARING_BLUE",
                Render.timelineLine(entry));
        JsonNode failed = json.readTree("{\"at\": \"2026-12-01T09:58:00Z\", \"event\": \"StepFailed\", "
                + "\"detail\": \"message=ERROR: relation missing\\n  Where: line 2\"}");
        assertEquals("2026-12-01 09:58:00Z  StepFailed                 message=ERROR: relation missing Where: line 2",
                Render.timelineLine(failed));
    }

    @Test
    void durationsAndBytes() {
        assertEquals("850 ms", Render.duration(Duration.ofMillis(850)));
        assertEquals("3h 02m", Render.duration(Duration.ofMinutes(182)));
        assertEquals("2d 04h", Render.duration(Duration.ofHours(52)));
        assertEquals("512 B", Render.bytes(512));
        assertEquals("1.5 GiB", Render.bytes(1024L * 1024 * 1536));
    }
}
