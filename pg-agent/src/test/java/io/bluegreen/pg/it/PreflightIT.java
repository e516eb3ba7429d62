package io.bluegreen.pg.it;

import io.bluegreen.local.postgres.LocalPostgres;
import io.bluegreen.local.testbed.TestBed;
import io.bluegreen.local.testbed.WithTestBed;
import io.bluegreen.schemas.command.pg.CreatePublication;
import io.bluegreen.schemas.command.pg.RunPreflight;
import io.bluegreen.schemas.common.ClusterRef;
import io.bluegreen.schemas.common.Engine;
import io.bluegreen.schemas.common.PreflightFinding;
import io.bluegreen.schemas.common.Severity;
import io.bluegreen.schemas.result.PreflightCompleted;
import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import io.micronaut.test.support.TestPropertyProvider;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import java.util.List;
import java.util.Map;

import static io.bluegreen.pg.it.AgentHarness.expectSuccess;
import static io.bluegreen.pg.it.AgentHarness.sql;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Preflight through Kafka against Blue 16 and Green 17, plus a Blue of its own with {@code wal_level = replica}:
 * a table without a primary key blocks (named), the unlogged table is a warning (named), a downgrade is refused,
 * an object with our name from another upgrade is a conflict, a database missing on Green blocks (named).
 */
@WithTestBed
@MicronautTest
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class PreflightIT implements TestPropertyProvider {

    private static final String DB = "preflight_app";
    private static LocalPostgres replicaOnly;
    private final LocalPostgres blueServer = TestBed.shared().postgres(16);
    private final LocalPostgres greenServer = TestBed.shared().postgres(17);
    private AgentHarness agent;

    @Override
    public Map<String, String> getProperties() {
        replicaOnly = LocalPostgres.builder(16).name("replica-only").setting("wal_level", "replica").start();
        Map<String, String> properties = AgentHarness.agentProperties();
        properties.put("bluegreen.credentials.replica-only.username", replicaOnly.superuser());
        properties.put("bluegreen.credentials.replica-only.password", replicaOnly.password());
        properties.put("bluegreen.credentials.replica-only.hosts", "127.0.0.1,localhost");
        return properties;
    }

    @BeforeAll
    void setUp() {
        AgentHarness.freshDatabase(DB);
        sql(blueServer, DB, "CREATE TABLE with_pk (id int PRIMARY KEY)",
                "CREATE TABLE no_pk (a int, b text)",
                "CREATE TABLE by_index (a int NOT NULL, b text)",
                "CREATE UNIQUE INDEX by_index_a ON by_index (a)",
                "ALTER TABLE by_index REPLICA IDENTITY USING INDEX by_index_a",
                "CREATE UNLOGGED TABLE scratch (id int PRIMARY KEY)");
        agent = new AgentHarness();
    }

    @AfterAll
    void tearDown() {
        try {
            agent.assertNothingLeaks(List.of(blueServer.password(), greenServer.password(), replicaOnly.password()),
                    List.of(blueServer, greenServer));
        } finally {
            agent.close();
            replicaOnly.close();
        }
    }

    private RunPreflight preflight(ClusterRef blue, int targetMajor) {
        RunPreflight run = agent.command(new RunPreflight());
        run.setBlue(blue);
        run.setGreen(AgentHarness.green(DB).getCluster());
        run.setDatabases(List.of(DB));
        run.setTargetMajor(targetMajor);
        run.setNamePrefix("blue_green");
        return run;
    }

    private static PreflightFinding only(PreflightCompleted result, String check) {
        List<PreflightFinding> found = result.getFindings().stream().filter(f -> f.getCheck().equals(check)).toList();
        assertEquals(1, found.size(), () -> check + " in " + result.getFindings());
        return found.get(0);
    }

    @Test
    void aTableWithoutPrimaryKeyBlocksAndTheUnloggedTableIsNamed() {
        PreflightCompleted result = agent.send(preflight(AgentHarness.blue(DB).getCluster(), 17));
        assertFalse(result.getPassed());
        assertEquals(16, result.getBlueMajor());
        assertEquals(17, result.getGreenMajor());
        PreflightFinding identity = only(result, "replica_identity");
        assertEquals(Severity.ERROR, identity.getSeverity());
        assertEquals(List.of("public.no_pk"), identity.getSubjects(), "the index identity and the PK table are fine");
        PreflightFinding unlogged = only(result, "unlogged_tables");
        assertEquals(Severity.WARNING, unlogged.getSeverity());
        assertEquals(List.of("public.scratch"), unlogged.getSubjects());
        assertEquals(Severity.INFO, only(result, "wal_level").getSeverity());
        assertEquals(Severity.INFO, only(result, "versions").getSeverity());
        assertTrue(result.getFindings().stream().filter(f -> f.getCheck().equals("privileges"))
                .allMatch(f -> f.getSeverity() == Severity.INFO));
    }

    @Test
    void aDatabaseMissingOnGreenIsAnError() {
        String blueOnly = "preflight_blue_only";
        AgentHarness.dropDatabase(greenServer, blueOnly);
        AgentHarness.dropDatabase(blueServer, blueOnly);
        blueServer.createDatabase(blueOnly);
        RunPreflight run = preflight(AgentHarness.blue(DB).getCluster(), 17);
        run.setDatabases(List.of(DB, blueOnly));
        PreflightCompleted result = agent.send(run);
        assertFalse(result.getPassed());
        PreflightFinding missing = only(result, "green_databases");
        assertEquals(Severity.ERROR, missing.getSeverity());
        assertEquals(blueOnly, missing.getDatabase());
        assertTrue(missing.getMessage().contains("database " + blueOnly + " does not exist on Green")
                && missing.getMessage().contains("clone of Blue"), missing.getMessage());
    }

    @Test
    void aDowngradeAndTheSameMajorAreRefused() {
        PreflightCompleted downgrade = agent.send(preflight(AgentHarness.blue(DB).getCluster(), 15));
        PreflightFinding versions = only(downgrade, "versions");
        assertEquals(Severity.ERROR, versions.getSeverity());
        assertTrue(versions.getMessage().contains("a downgrade"), versions.getMessage());
        assertEquals(Severity.ERROR, only(agent.send(preflight(AgentHarness.blue(DB).getCluster(), 16)), "versions").getSeverity());
    }

    @Test
    void credentialsAreNotSentToAHostTheyAreNotBoundTo() {
        ClusterRef elsewhere = new ClusterRef("elsewhere", null, Engine.POSTGRES, "db.attacker.example", 5432,
                AgentHarness.blue(DB).getCluster().getCredentialsRef());
        io.bluegreen.schemas.result.StepFailed refused = agent.send(preflight(elsewhere, 17));
        assertEquals(io.bluegreen.schemas.common.FailureReason.PRECONDITION_FAILED, refused.getReason());
        assertFalse(refused.getRetryable(), "a binding does not change by retrying");
        assertTrue(refused.getMessage().contains("may not be sent to host 'db.attacker.example'")
                && refused.getMessage().contains(".hosts"), refused.getMessage());
    }

    @Test
    void walLevelReplicaIsAnError() {
        replicaOnly.createDatabase(DB);
        ClusterRef blue = new ClusterRef(null, null, Engine.POSTGRES, replicaOnly.host(), replicaOnly.port(), "replica-only");
        PreflightCompleted result = agent.send(preflight(blue, 17));
        PreflightFinding wal = only(result, "wal_level");
        assertEquals(Severity.ERROR, wal.getSeverity());
        assertTrue(wal.getMessage().contains("wal_level = replica"), wal.getMessage());
        assertFalse(result.getPassed());
    }

    @Test
    void aPublicationOfAnotherUpgradeIsAConflictAndOurOwnIsNot() {
        CreatePublication publication = agent.command(new CreatePublication());
        publication.setTarget(AgentHarness.blue(DB));
        publication.setNames(AgentHarness.names(DB));
        expectSuccess(agent.send(publication));
        PreflightCompleted ours = agent.send(preflight(AgentHarness.blue(DB).getCluster(), 17));
        assertEquals(Severity.INFO, only(ours, "existing_objects").getSeverity());

        AgentHarness other = new AgentHarness();
        try {
            RunPreflight run = other.command(new RunPreflight());
            run.setBlue(AgentHarness.blue(DB).getCluster());
            run.setDatabases(List.of(DB));
            run.setTargetMajor(17);
            run.setNamePrefix("blue_green");
            PreflightCompleted theirs = other.send(run);
            PreflightFinding conflict = only(theirs, "existing_objects");
            assertEquals(Severity.ERROR, conflict.getSeverity());
            assertEquals(List.of("blue_green_pub_preflight_app"), conflict.getSubjects());
        } finally {
            other.close();
        }
    }
}
