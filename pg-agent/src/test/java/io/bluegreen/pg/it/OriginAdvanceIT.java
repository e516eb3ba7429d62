package io.bluegreen.pg.it;

import io.bluegreen.local.postgres.LocalPostgres;
import io.bluegreen.local.testbed.TestBed;
import io.bluegreen.local.testbed.WithTestBed;
import io.bluegreen.schemas.command.pg.AdvanceOrigin;
import io.bluegreen.schemas.command.pg.CreatePublication;
import io.bluegreen.schemas.command.pg.CreateSlot;
import io.bluegreen.schemas.command.pg.CreateSubscription;
import io.bluegreen.schemas.common.FailureReason;
import io.bluegreen.schemas.result.StepFailed;
import io.bluegreen.schemas.result.StepSucceeded;
import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import io.micronaut.test.support.TestPropertyProvider;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static io.bluegreen.pg.it.AgentHarness.blue;
import static io.bluegreen.pg.it.AgentHarness.expectSuccess;
import static io.bluegreen.pg.it.AgentHarness.green;
import static io.bluegreen.pg.it.AgentHarness.names;
import static io.bluegreen.pg.it.AgentHarness.number;
import static io.bluegreen.pg.it.AgentHarness.sql;
import static io.bluegreen.pg.it.AgentHarness.text;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * AWS's documented seeding through Kafka: the subscription created disabled, its origin advanced on Green to
 * the snapshot LSN, then enabled; the subscription reaches Blue as a dedicated replication role named by
 * {@code replicationCredentialsRef}. A wrong replication password fails without showing any password.
 */
@WithTestBed
@MicronautTest
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class OriginAdvanceIT implements TestPropertyProvider {

    private static final String DB = "origin_app";
    private static final String WRONG_DB = "origin_wrong";
    private static final String REPLICATOR_PASSWORD = "Repl-" + UUID.randomUUID();
    private static final String WRONG_PASSWORD = "Wrong-" + UUID.randomUUID();
    private final LocalPostgres blueServer = TestBed.shared().postgres(16);
    private final LocalPostgres greenServer = TestBed.shared().postgres(17);
    private AgentHarness agent;

    @Override
    public Map<String, String> getProperties() {
        Map<String, String> properties = AgentHarness.agentProperties();
        properties.put("bluegreen.credentials.replicator.username", "bg_replicator");
        properties.put("bluegreen.credentials.replicator.password", REPLICATOR_PASSWORD);
        properties.put("bluegreen.credentials.replicator.hosts", "127.0.0.1,localhost");
        properties.put("bluegreen.credentials.wrong.username", "bg_replicator");
        properties.put("bluegreen.credentials.wrong.password", WRONG_PASSWORD);
        properties.put("bluegreen.credentials.wrong.hosts", "127.0.0.1,localhost");
        return properties;
    }

    @BeforeAll
    void setUp() {
        AgentHarness.freshDatabase(DB);
        AgentHarness.freshDatabase(WRONG_DB);
        sql(blueServer, "postgres", "DROP ROLE IF EXISTS bg_replicator",
                "CREATE ROLE bg_replicator LOGIN REPLICATION PASSWORD '" + REPLICATOR_PASSWORD + "'");
        for (LocalPostgres server : List.of(blueServer, greenServer)) {
            sql(server, DB, "CREATE TABLE events (id int PRIMARY KEY, note text)");
            sql(server, WRONG_DB, "CREATE TABLE events (id int PRIMARY KEY, note text)");
        }
        sql(blueServer, DB, "GRANT SELECT ON ALL TABLES IN SCHEMA public TO bg_replicator");
        agent = new AgentHarness();
    }

    @AfterAll
    void tearDown() {
        try {
            agent.assertNothingLeaks(List.of(blueServer.password(), greenServer.password(), REPLICATOR_PASSWORD, WRONG_PASSWORD),
                    List.of(blueServer, greenServer));
        } finally {
            agent.close();
        }
    }

    private void prepareBlue(String database) {
        CreatePublication publication = agent.command(new CreatePublication());
        publication.setTarget(blue(database));
        publication.setNames(names(database));
        expectSuccess(agent.send(publication));
        CreateSlot slot = agent.command(new CreateSlot());
        slot.setTarget(blue(database));
        slot.setNames(names(database));
        expectSuccess(agent.send(slot));
    }

    @Test
    void seedsByOriginAdvanceWithoutTouchingBluesSlot() {
        prepareBlue(DB);
        String slotBefore = text(blueServer, DB, "SELECT confirmed_flush_lsn::text FROM pg_replication_slots WHERE slot_name = '"
                + names(DB).getSlot() + "'");
        sql(blueServer, DB, "INSERT INTO events SELECT g, 'before' FROM generate_series(1, 5) g");
        sql(greenServer, DB, "INSERT INTO events SELECT g, 'before' FROM generate_series(1, 5) g");
        String snapshot = text(blueServer, DB, "SELECT pg_current_wal_lsn()::text");
        sql(blueServer, DB, "INSERT INTO events SELECT g, 'after' FROM generate_series(6, 9) g");
        assertEquals(slotBefore, text(blueServer, DB, "SELECT confirmed_flush_lsn::text FROM pg_replication_slots "
                + "WHERE slot_name = '" + names(DB).getSlot() + "'"), "nothing advanced Blue's slot");

        AdvanceOrigin advance = agent.command(new AdvanceOrigin());
        advance.setTarget(green(DB));
        advance.setSource(blue(DB));
        advance.setNames(names(DB));
        advance.setLsn(snapshot);
        advance.setReplicationCredentialsRef("replicator");
        StepSucceeded advanced = expectSuccess(agent.send(advance));
        assertFalse(advanced.getAlreadyDone());
        assertTrue(advanced.getDetails().get("origin").startsWith("pg_"), advanced.toString());

        AgentHarness.awaitOn(greenServer, Duration.ofSeconds(30), () -> number(greenServer, DB, "SELECT count(*) FROM events") == 9);
        assertEquals(5, number(greenServer, DB, "SELECT count(*) FROM events WHERE note = 'before'"));
        assertEquals(0, number(greenServer, DB, "SELECT coalesce(sum(apply_error_count), 0) FROM pg_stat_subscription_stats"));
        assertEquals("bg_replicator", text(blueServer, DB, "SELECT usename FROM pg_stat_replication WHERE application_name LIKE '"
                + names(DB).getSubscription() + "%' OR usename = 'bg_replicator' LIMIT 1"));

        AdvanceOrigin again = agent.command(new AdvanceOrigin());
        again.setTarget(green(DB));
        again.setSource(blue(DB));
        again.setNames(names(DB));
        again.setLsn(snapshot);
        again.setReplicationCredentialsRef("replicator");
        assertTrue(((StepSucceeded) expectSuccess(agent.send(again))).getAlreadyDone());
    }

    @Test
    void aWrongReplicationPasswordFailsWithoutShowingIt() {
        prepareBlue(WRONG_DB);
        CreateSubscription subscribe = agent.command(new CreateSubscription());
        subscribe.setTarget(green(WRONG_DB));
        subscribe.setSource(blue(WRONG_DB));
        subscribe.setNames(names(WRONG_DB));
        subscribe.setCopyData(false);
        subscribe.setCreateSlot(false);
        subscribe.setEnabled(true);
        subscribe.setReplicationCredentialsRef("wrong");
        StepFailed failed = agent.send(subscribe);
        assertFalse(failed.getMessage().contains(WRONG_PASSWORD), failed.getMessage());
        assertTrue(failed.getMessage().contains("CreateSubscription on " + WRONG_DB + " on GREEN"), failed.getMessage());
        // pg_subscription is shared by the server's databases: count this database's only
        assertEquals(0, number(greenServer, WRONG_DB, "SELECT count(*) FROM pg_subscription s JOIN pg_database d "
                + "ON d.oid = s.subdbid WHERE d.datname = current_database()"));
        assertTrue(List.of(FailureReason.UNREACHABLE, FailureReason.AUTHENTICATION_FAILED, FailureReason.UNKNOWN)
                .contains(failed.getReason()), failed.toString());
    }
}
