package io.bluegreen.pg.it;

import io.bluegreen.local.postgres.LocalPostgres;
import io.bluegreen.local.testbed.TestBed;
import io.bluegreen.local.testbed.WithTestBed;
import io.bluegreen.schemas.command.pg.CreateSubscription;
import io.bluegreen.schemas.command.pg.FenceWrites;
import io.bluegreen.schemas.command.pg.UnfenceWrites;
import io.bluegreen.schemas.common.FailureReason;
import io.bluegreen.schemas.result.StepFailed;
import io.bluegreen.schemas.result.WritesFenced;
import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import io.micronaut.test.support.TestPropertyProvider;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import java.sql.SQLException;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import static io.bluegreen.pg.it.AgentHarness.blue;
import static io.bluegreen.pg.it.AgentHarness.expectSuccess;
import static io.bluegreen.pg.it.AgentHarness.green;
import static io.bluegreen.pg.it.AgentHarness.names;
import static io.bluegreen.pg.it.AgentHarness.number;
import static io.bluegreen.pg.it.AgentHarness.sql;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Two databases of one cluster through Kafka: each replicates on its own slot, and fencing one leaves the other
 * writing and replicating. A subscription that asks to copy the data or make its own slot (the removed logical-copy
 * strategy) is refused before anything is created.
 */
@WithTestBed
@MicronautTest
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class IndependentDatabasesIT implements TestPropertyProvider {

    private static final List<String> DBS = List.of("indep_a", "indep_b");
    private static final String REFUSED = "indep_copy";
    private final LocalPostgres blueServer = TestBed.shared().postgres(16);
    private final LocalPostgres greenServer = TestBed.shared().postgres(17);
    private AgentHarness agent;

    @Override
    public Map<String, String> getProperties() {
        return AgentHarness.agentProperties();
    }

    @BeforeAll
    void setUp() {
        for (String db : List.of(DBS.get(0), DBS.get(1), REFUSED)) {
            AgentHarness.freshDatabase(db);
            for (LocalPostgres server : List.of(blueServer, greenServer)) {
                sql(server, db, "CREATE TABLE small (code text PRIMARY KEY)");
            }
        }
        agent = new AgentHarness();
    }

    @AfterAll
    void tearDown() {
        try {
            agent.assertNothingLeaks(List.of(blueServer.password(), greenServer.password()), List.of(blueServer, greenServer));
        } finally {
            agent.close();
        }
    }

    @Test
    void twoDatabasesReplicateThenFenceIndependently() {
        for (String db : DBS) {
            agent.replicate(db);
            sql(blueServer, db, "INSERT INTO small VALUES ('a'), ('b')");
        }
        for (String db : DBS) {
            AgentHarness.awaitOn(greenServer, Duration.ofSeconds(30), () -> number(greenServer, db, "SELECT count(*) FROM small") == 2);
        }

        FenceWrites fence = agent.command(new FenceWrites());
        fence.setTarget(blue("indep_a"));
        assertInstanceOf(WritesFenced.class, agent.send(fence));
        SQLException refused = assertThrows(SQLException.class, () -> {
            try (var connection = blueServer.connect("indep_a"); var statement = connection.createStatement()) {
                statement.execute("INSERT INTO small VALUES ('c')");
            }
        });
        assertEquals("25006", refused.getSQLState());
        sql(blueServer, "indep_b", "INSERT INTO small VALUES ('c')");
        AgentHarness.awaitOn(greenServer, Duration.ofSeconds(30), () -> number(greenServer, "indep_b", "SELECT count(*) FROM small") == 3);

        UnfenceWrites unfence = agent.command(new UnfenceWrites());
        unfence.setTarget(blue("indep_a"));
        expectSuccess(agent.send(unfence));
        sql(blueServer, "indep_a", "INSERT INTO small VALUES ('c')");
        AgentHarness.awaitOn(greenServer, Duration.ofSeconds(30), () -> number(greenServer, "indep_a", "SELECT count(*) FROM small") == 3);
    }

    @Test
    void aSubscriptionAskedToCopyTheDataIsRefusedAndNothingIsCreated() {
        for (boolean copyData : List.of(true, false)) {
            CreateSubscription subscribe = agent.command(new CreateSubscription());
            subscribe.setTarget(green(REFUSED));
            subscribe.setSource(blue(REFUSED));
            subscribe.setNames(names(REFUSED));
            subscribe.setCopyData(copyData);
            subscribe.setCreateSlot(true);
            subscribe.setEnabled(true);
            StepFailed refused = agent.send(subscribe);
            assertEquals(FailureReason.INVALID_REQUEST, refused.getReason());
            assertFalse(refused.getRetryable(), "asking again the same way cannot help");
            assertTrue(refused.getMessage().contains("removed logical-copy strategy")
                    && refused.getMessage().contains("copyData = false and createSlot = false"), refused.getMessage());
        }
        assertEquals(0, number(greenServer, REFUSED, "SELECT count(*) FROM pg_subscription WHERE subname = '"
                + names(REFUSED).getSubscription() + "'"));
        assertEquals(0, number(blueServer, REFUSED, "SELECT count(*) FROM pg_replication_slots WHERE slot_name = '"
                + names(REFUSED).getSlot() + "'"));
    }
}
