package io.bluegreen.pg.it;

import io.bluegreen.local.postgres.LocalPostgres;
import io.bluegreen.local.testbed.TestBed;
import io.bluegreen.local.testbed.WithTestBed;
import io.bluegreen.schemas.command.pg.AwaitInitialCopy;
import io.bluegreen.schemas.command.pg.FenceWrites;
import io.bluegreen.schemas.command.pg.UnfenceWrites;
import io.bluegreen.schemas.result.StepSucceeded;
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
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;

/**
 * The logical-copy strategy through Kafka, for two databases of one cluster: each subscription copies its data
 * ({@code copy_data = true}, slot made by the subscription), {@code AwaitInitialCopy} waits until every table is
 * ready, and fencing one database leaves the other writing and replicating.
 */
@WithTestBed
@MicronautTest
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class LogicalCopyIT implements TestPropertyProvider {

    private static final List<String> DBS = List.of("copy_a", "copy_b");
    private final LocalPostgres blueServer = TestBed.shared().postgres(16);
    private final LocalPostgres greenServer = TestBed.shared().postgres(17);
    private AgentHarness agent;

    @Override
    public Map<String, String> getProperties() {
        return AgentHarness.agentProperties();
    }

    @BeforeAll
    void setUp() {
        for (String db : DBS) {
            AgentHarness.freshDatabase(db);
            for (LocalPostgres server : List.of(blueServer, greenServer)) {
                sql(server, db, "CREATE TABLE big (id bigint PRIMARY KEY, payload text)",
                        "CREATE TABLE small (code text PRIMARY KEY)");
            }
            sql(blueServer, db, "INSERT INTO big SELECT g, repeat('x', 200) FROM generate_series(1, 20000) g",
                    "INSERT INTO small VALUES ('a'), ('b')");
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
    void twoDatabasesCopyThenSwitchIndependently() {
        for (String db : DBS) {
            agent.replicate(db, true);
        }
        for (String db : DBS) {
            AwaitInitialCopy await = agent.command(new AwaitInitialCopy());
            await.setTarget(green(db));
            await.setNames(names(db));
            await.setTimeoutMs(120_000);
            StepSucceeded copied = expectSuccess(agent.send(await));
            assertEquals("3", copied.getDetails().get("tables"), copied.toString());
            assertEquals(20000, number(greenServer, db, "SELECT count(*) FROM big"));
            assertEquals(2, number(greenServer, db, "SELECT count(*) FROM small"));
        }

        FenceWrites fence = agent.command(new FenceWrites());
        fence.setTarget(blue("copy_a"));
        assertInstanceOf(WritesFenced.class, agent.send(fence));
        SQLException refused = assertThrows(SQLException.class, () -> {
            try (var connection = blueServer.connect("copy_a"); var statement = connection.createStatement()) {
                statement.execute("INSERT INTO small VALUES ('c')");
            }
        });
        assertEquals("25006", refused.getSQLState());
        sql(blueServer, "copy_b", "INSERT INTO small VALUES ('c')");
        AgentHarness.awaitOn(greenServer, Duration.ofSeconds(30), () -> number(greenServer, "copy_b", "SELECT count(*) FROM small") == 3);

        UnfenceWrites unfence = agent.command(new UnfenceWrites());
        unfence.setTarget(blue("copy_a"));
        expectSuccess(agent.send(unfence));
        sql(blueServer, "copy_a", "INSERT INTO small VALUES ('c')");
        AgentHarness.awaitOn(greenServer, Duration.ofSeconds(30), () -> number(greenServer, "copy_a", "SELECT count(*) FROM small") == 3);
    }
}
