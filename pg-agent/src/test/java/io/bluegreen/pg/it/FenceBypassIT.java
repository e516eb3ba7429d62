package io.bluegreen.pg.it;

import io.bluegreen.local.postgres.LocalPostgres;
import io.bluegreen.local.testbed.TestBed;
import io.bluegreen.local.testbed.WithTestBed;
import io.bluegreen.pg.replication.Catalog;
import io.bluegreen.pg.replication.FenceCheck;
import io.bluegreen.pg.replication.JdbcReplicationAdmin;
import io.bluegreen.pg.replication.PgSession;
import io.bluegreen.pg.replication.ReplicationAdmin;
import io.bluegreen.pg.replication.Secrets;
import io.bluegreen.pg.switchover.WriteFence;
import io.bluegreen.schemas.command.pg.DrainReplication;
import io.bluegreen.schemas.command.pg.FenceWrites;
import io.bluegreen.schemas.command.pg.UnfenceWrites;
import io.bluegreen.schemas.common.FailureReason;
import io.bluegreen.runtime.credentials.Credentials;
import io.bluegreen.schemas.result.ReplicationDrained;
import io.bluegreen.schemas.result.StepFailed;
import io.bluegreen.schemas.result.StepSucceeded;
import io.bluegreen.schemas.result.WritesFenced;
import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import io.micronaut.test.support.TestPropertyProvider;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.postgresql.PGConnection;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentSkipListSet;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

import static io.bluegreen.pg.it.AgentHarness.blue;
import static io.bluegreen.pg.it.AgentHarness.green;
import static io.bluegreen.pg.it.AgentHarness.names;
import static io.bluegreen.pg.it.AgentHarness.number;
import static io.bluegreen.pg.it.AgentHarness.sql;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Every way an application role could write past the fence, tried against Blue 16 while a writer acknowledges
 * rows, then a drain through Kafka that must leave Green 17 with exactly the acknowledged rows. The application
 * role is no superuser but owns the tables and may {@code SET session_replication_role} (as rds_superuser may
 * on RDS). Also: arming is idempotent and leaves writes alone, a table created after arming is guarded by the
 * next arm, a guard the owner disabled after arming is enabled again inside the window, a prepared transaction
 * makes the fence refuse and leaves Blue writable, the agent's own sessions keep working on a fenced Blue, and
 * releasing with and without the guards.
 */
@WithTestBed
@MicronautTest
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class FenceBypassIT implements TestPropertyProvider {

    private static final String DB = "fence_bypass";
    private static final String APP = "fence_app";
    private static final String APP_PASSWORD = "fence-app-password";
    private static final String[] TABLES = {
            "CREATE TABLE orders (id bigint PRIMARY KEY, note text)",
            "CREATE TABLE events (id bigint, part int, PRIMARY KEY (id, part)) PARTITION BY LIST (part)",
            "CREATE TABLE events_1 PARTITION OF events FOR VALUES IN (1)"};
    private static final String LATE_TABLE = "CREATE TABLE late (id bigint PRIMARY KEY)";

    private final LocalPostgres blueServer = TestBed.shared().postgres(16);
    private final LocalPostgres greenServer = TestBed.shared().postgres(17);
    private final ConcurrentSkipListSet<Long> acknowledged = new ConcurrentSkipListSet<>();
    private final AtomicLong nextId = new AtomicLong(1);
    private final AtomicBoolean writing = new AtomicBoolean(true);
    private final AtomicLong refusedWrites = new AtomicLong();
    private final List<String> writerErrors = new java.util.concurrent.CopyOnWriteArrayList<>();
    private AgentHarness agent;
    private ReplicationAdmin admin;
    private CompletableFuture<Void> writer;

    @Override
    public Map<String, String> getProperties() {
        return AgentHarness.agentProperties();
    }

    @BeforeAll
    void setUp() {
        AgentHarness.freshDatabase(DB);
        sql(blueServer, "postgres", "DO $$BEGIN IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = '" + APP + "') "
                        + "THEN CREATE ROLE " + APP + " LOGIN; END IF; END$$",
                "ALTER ROLE " + APP + " LOGIN NOSUPERUSER PASSWORD '" + APP_PASSWORD + "'",
                "GRANT SET ON PARAMETER session_replication_role TO " + APP);
        // generous defaults: whatever the agent creates, the application may use; the operator token must stay unreadable
        sql(blueServer, DB, "GRANT CREATE ON SCHEMA public TO " + APP,
                "ALTER DEFAULT PRIVILEGES GRANT USAGE ON SCHEMAS TO " + APP,
                "ALTER DEFAULT PRIVILEGES GRANT SELECT ON TABLES TO " + APP);
        asApp(TABLES);
        sql(greenServer, DB, TABLES);
        sql(greenServer, DB, LATE_TABLE);
        agent = new AgentHarness();
        agent.replicate(DB);
        admin = new JdbcReplicationAdmin(AgentHarness.onLoopback(ref -> ref.equals(AgentHarness.BLUE_REF)
                ? new Credentials(blueServer.superuser(), blueServer.password())
                : new Credentials(greenServer.superuser(), greenServer.password())), new Secrets(),
                new JdbcReplicationAdmin.Settings("bluegreen-fence-test", "prefer", 10));
        writer = CompletableFuture.runAsync(this::write);
        await().atMost(Duration.ofSeconds(30)).until(() -> acknowledged.size() >= 50);
    }

    /** Like an application behind a pool: reconnects after every failure and writes again. */
    private void write() {
        while (writing.get()) {
            try (Connection connection = connectAsApp(); Statement statement = connection.createStatement()) {
                while (writing.get()) {
                    long id = nextId.getAndIncrement();
                    statement.executeUpdate("INSERT INTO orders (id, note) VALUES (" + id + ", 'writer')");
                    acknowledged.add(id);
                }
            } catch (SQLException e) {
                refusedWrites.incrementAndGet();
                if (writerErrors.size() < 20) {
                    writerErrors.add(java.time.LocalTime.now() + " " + e.getSQLState() + " " + e.getMessage());
                }
                // reconnect at once, as a pool validating its connections does
            }
        }
    }

    @AfterAll
    void tearDown() throws Exception {
        writing.set(false);
        try {
            writer.get(30, TimeUnit.SECONDS);
            agent.assertNothingLeaks(List.of(blueServer.password(), greenServer.password()), List.of(blueServer, greenServer));
        } finally {
            agent.close();
        }
    }

    @Test
    @Order(1)
    void armingIsIdempotentLeavesWritesAloneAndTheNextArmGuardsANewTable() throws Exception {
        WriteFence fence = new WriteFence(admin, Duration.ofSeconds(30));
        try (PgSession session = admin.open(blue(DB))) {
            int guarded = fence.arm(session);
            assertEquals(3, guarded, "orders, events and events_1");
            assertEquals(guarded, fence.arm(session));
            long before = acknowledged.size();
            await().atMost(Duration.ofSeconds(10)).until(() -> acknowledged.size() > before + 20);

            asApp(LATE_TABLE, "ALTER TABLE orders DISABLE TRIGGER bluegreen_write_fence");
            assertFalse(FenceCheck.read(session).fenced());
            assertEquals(List.of("public.late", "public.orders"), unguarded(session));
            assertEquals(4, fence.arm(session), "the new table is guarded and the owner's disabled guard enabled again");
            assertEquals(List.of(), unguarded(session));
            assertEquals(4, number(blueServer, DB, "SELECT count(*) FROM pg_trigger WHERE tgname = 'bluegreen_write_fence' "
                    + "AND tgenabled = 'A'"));
            asApp("INSERT INTO late VALUES (1)", "DELETE FROM late");
        }
    }

    @Test
    @Order(2)
    void engagingGuardsATableWhoseGuardTheOwnerDisabledAfterArmingAndReleasingKeepsTheGuards() throws Exception {
        WriteFence fence = new WriteFence(admin, Duration.ofSeconds(30));
        try (PgSession session = admin.open(blue(DB)); Connection idle = connectAsApp()) {
            asApp("ALTER TABLE late DISABLE TRIGGER bluegreen_write_fence");
            try {
                WriteFence.Engaged engaged = fence.engage(session);
                assertEquals(4, engaged.tables());
                assertTrue(engaged.terminatedSessions() >= 1, () -> "at least the idle session: " + engaged + "; " + writerErrors);
                assertTrue(FenceCheck.read(session).fenced());
                assertEquals(List.of(), unguarded(session));
                assertEquals("25006", refused("SET default_transaction_read_only = off", "INSERT INTO late VALUES (-1)"));
            } finally {
                fence.release(session, true);
            }
            assertFalse(FenceCheck.read(session).fenced());
            assertEquals(List.of(), unguarded(session), "the guards stay, disarmed");
            asApp("INSERT INTO late VALUES (-1)", "DELETE FROM late");
            fence.release(session, true);
        }
        long before = acknowledged.size();
        await().atMost(Duration.ofSeconds(10)).until(() -> acknowledged.size() > before + 20);
    }

    @Test
    @Order(3)
    void aPreparedTransactionMakesTheFenceRefuseAndLeavesBlueWritable() throws Exception {
        long id = nextId.getAndIncrement();
        asApp("BEGIN", "INSERT INTO orders (id, note) VALUES (" + id + ", 'prepared')", "PREPARE TRANSACTION 'fence-bypass-1'");

        StepFailed refused = agent.send(fence());
        assertEquals(FailureReason.PRECONDITION_FAILED, refused.getReason());
        assertTrue(refused.getMessage().contains("'fence-bypass-1'"), refused.getMessage());
        assertTrue(refused.getMessage().contains("COMMIT PREPARED"), refused.getMessage());
        try (PgSession session = admin.open(blue(DB))) {
            assertFalse(FenceCheck.read(session).fenced());
            assertFalse(Catalog.readOnlyByDefault(session));
        }
        long before = acknowledged.size();
        await().atMost(Duration.ofSeconds(10)).until(() -> acknowledged.size() > before + 20);

        asApp("COMMIT PREPARED 'fence-bypass-1'"); // resolved: the row is acknowledged now
        acknowledged.add(id);
    }

    private Connection heldIdle;
    private Connection heldInTransaction;
    private final long heldId = 900_000_000L;

    @Test
    @Order(4)
    void fenceWritesTerminatesTheWriterAndEverySession() throws Exception {
        heldIdle = connectAsApp();
        heldInTransaction = connectAsApp();
        heldInTransaction.setAutoCommit(false);
        try (Statement statement = heldInTransaction.createStatement()) {
            statement.executeUpdate("INSERT INTO orders (id, note) VALUES (" + heldId + ", 'open transaction')");
        }
        WritesFenced fenced = agent.send(fence());
        assertTrue(fenced.getTerminatedSessions() >= 2, fenced.toString());
        long refusedBefore = refusedWrites.get();
        await().atMost(Duration.ofSeconds(10)).until(() -> refusedWrites.get() >= refusedBefore + 3);
        long stalled = acknowledged.size();
        long refusedNow = refusedWrites.get();
        await().atMost(Duration.ofSeconds(10)).until(() -> refusedWrites.get() >= refusedNow + 10);
        assertEquals(stalled, acknowledged.size(), "no write is acknowledged after the fence");
        try (PgSession session = admin.open(blue(DB))) {
            FenceCheck.State state = FenceCheck.read(session);
            assertTrue(state.fenced(), state.describe());
        }
        // a repeat while the writer keeps reconnecting: it may end the writer's new sessions again, and succeeds
        AgentHarness.expectSuccess(agent.send(fence()));
        try (PgSession session = admin.open(blue(DB))) {
            assertTrue(FenceCheck.read(session).fenced());
        }
    }

    @Test
    @Order(5)
    void existingSessionsAreGone() {
        SQLException idle = assertThrows(SQLException.class, () -> {
            try (Statement statement = heldIdle.createStatement()) {
                statement.executeUpdate("INSERT INTO orders (id, note) VALUES (" + (heldId + 1) + ", 'idle session')");
            }
        });
        assertTrue(idle.getSQLState().startsWith("57P01") || idle.getSQLState().startsWith("08"), idle.getSQLState());
        SQLException open = assertThrows(SQLException.class, () -> heldInTransaction.commit());
        assertTrue(open.getSQLState().startsWith("57P01") || open.getSQLState().startsWith("08"), open.getSQLState());
        assertNotOnBlue(heldId, heldId + 1);
    }

    @Test
    @Order(6)
    void newSessionsAndTheirSettingsAreRefused() {
        long id = nextId.getAndIncrement();
        assertEquals("25006", refused("INSERT INTO orders (id, note) VALUES (" + id + ", 'new session')"));
        assertEquals("25006", refused("BEGIN READ WRITE", "INSERT INTO orders (id, note) VALUES (" + (id + 1) + ", 'x')", "COMMIT"));
        assertEquals("25006", refused("SET default_transaction_read_only = off",
                "INSERT INTO orders (id, note) VALUES (" + (id + 2) + ", 'x')"));
        assertEquals("25006", refused("SET default_transaction_read_only = off", "SET session_replication_role = replica",
                "INSERT INTO orders (id, note) VALUES (" + (id + 3) + ", 'replica')"));
        assertNotOnBlue(id, id + 1, id + 2, id + 3);
    }

    @Test
    @Order(7)
    void everyKindOfWriteStatementIsRefused() {
        String rw = "SET default_transaction_read_only = off";
        long id = nextId.getAndIncrement();
        long existing = acknowledged.first();
        assertEquals("25006", refused(rw, "UPDATE orders SET note = 'changed' WHERE id = " + existing));
        assertEquals("25006", refused(rw, "DELETE FROM orders WHERE id = " + existing));
        assertEquals("25006", refused(rw, "TRUNCATE orders"));
        assertEquals("25006", refused(rw, "INSERT INTO orders VALUES (" + id + ", 'x') ON CONFLICT (id) DO NOTHING"));
        assertEquals("25006", refused(rw, "MERGE INTO orders o USING (SELECT " + id + " AS id) s ON o.id = s.id "
                + "WHEN NOT MATCHED THEN INSERT VALUES (s.id, 'merge')"));
        assertEquals("25006", refused(rw, "WITH w AS (INSERT INTO orders VALUES (" + id + ", 'cte') RETURNING id) SELECT * FROM w"));
        assertEquals("25006", refused(rw, "INSERT INTO events VALUES (" + id + ", 1)"));
        assertEquals("25006", refused(rw, "INSERT INTO events_1 VALUES (" + id + ", 1)"));
        assertEquals("25006", refused(rw, "INSERT INTO late VALUES (" + id + ")"));
        SQLException copy = assertThrows(SQLException.class, () -> {
            try (Connection connection = connectAsApp(); Statement statement = connection.createStatement()) {
                statement.execute(rw);
                connection.unwrap(PGConnection.class).getCopyAPI().copyIn("COPY orders FROM STDIN",
                        new java.io.StringReader(id + "\tcopied\n"));
            }
        });
        assertEquals("25006", copy.getSQLState());
        assertNotOnBlue(id);
        assertEquals(acknowledged.size(), number(blueServer, DB, "SELECT count(*) FROM orders WHERE note <> 'changed'"));
        assertEquals(0, number(blueServer, DB, "SELECT count(*) FROM events") + number(blueServer, DB, "SELECT count(*) FROM late"));
    }

    @Test
    @Order(8)
    void theTableOwnerCannotDisableDropOrBypassTheGuard() {
        String rw = "SET default_transaction_read_only = off";
        String replica = "SET session_replication_role = replica";
        long id = nextId.getAndIncrement();
        assertEquals("25006", refused(rw, "ALTER TABLE orders DISABLE TRIGGER bluegreen_write_fence"));
        assertEquals("25006", refused(rw, replica, "ALTER TABLE orders DISABLE TRIGGER ALL"));
        assertEquals("25006", refused(rw, "DROP TRIGGER bluegreen_write_fence ON orders"));
        assertEquals("25006", refused(rw, "ALTER TABLE orders ENABLE TRIGGER bluegreen_write_fence"));
        assertEquals("25006", refused(rw, "ALTER TABLE orders RENAME TO orders_old"));
        assertEquals("25006", refused(rw, "DROP TABLE late"));
        assertEquals("25006", refused(rw, "CREATE OR REPLACE FUNCTION public.bypass() RETURNS trigger LANGUAGE plpgsql AS "
                + "'BEGIN RETURN NULL; END'"));
        assertEquals("25006", refused(rw, "SET bluegreen.operator = 'guessed'", "ALTER TABLE orders DISABLE TRIGGER ALL"));
        assertEquals("42501", refused("SELECT token FROM bluegreen.fence_operator"));
        assertEquals("42501", refused(rw, "ALTER EVENT TRIGGER bluegreen_ddl_fence DISABLE"));
        assertEquals("25006", refused(rw, "CREATE OR REPLACE FUNCTION bluegreen.write_guard() RETURNS trigger LANGUAGE plpgsql "
                + "AS 'BEGIN RETURN NULL; END'"));
        assertEquals("25006", refused(rw, replica, "INSERT INTO orders (id, note) VALUES (" + id + ", 'owner')"));
        assertNotOnBlue(id);
        assertEquals(4, number(blueServer, DB, "SELECT count(*) FROM pg_trigger WHERE tgname = 'bluegreen_write_fence' "
                + "AND tgenabled = 'A'"));
    }

    @Test
    @Order(9)
    void aTableCreatedAfterTheFenceCannotBeCreated() {
        String rw = "SET default_transaction_read_only = off";
        assertEquals("25006", refused(rw, "CREATE TABLE fresh (id bigint PRIMARY KEY)", "INSERT INTO fresh VALUES (1)"));
        assertEquals("25006", refused(rw, "CREATE TABLE copied AS SELECT * FROM orders"));
        assertEquals("25006", refused(rw, "SELECT * INTO copied FROM orders"));
        assertEquals("25006", refused(rw, "CREATE UNLOGGED TABLE fresh (id bigint)"));
        assertEquals(0, number(blueServer, DB, "SELECT count(*) FROM pg_class WHERE relname IN ('fresh', 'copied')"));
    }

    @Test
    @Order(10)
    void largeObjectsCannotBeWritten() throws Exception {
        long before = number(blueServer, DB, "SELECT count(*) FROM pg_largeobject_metadata");
        String rw = "SET default_transaction_read_only = off";
        assertEquals("42501", refused(rw, "SELECT lo_from_bytea(0, 'fenced'::bytea)"));
        assertEquals("42501", refused(rw, "SELECT lo_creat(-1)"));
        assertEquals("42501", refused(rw, "SELECT lo_create(0)"));
        SQLException api = assertThrows(SQLException.class, () -> {
            try (Connection connection = connectAsApp(); Statement statement = connection.createStatement()) {
                statement.execute(rw);
                connection.setAutoCommit(false);
                connection.unwrap(PGConnection.class).getLargeObjectAPI().createLO();
                connection.commit();
            }
        });
        assertEquals("42501", api.getSQLState());
        assertEquals(before, number(blueServer, DB, "SELECT count(*) FROM pg_largeobject_metadata"));
    }

    @Test
    @Order(11)
    void theAgentsOwnSessionsStillWork() throws Exception {
        try (PgSession session = admin.open(blue(DB))) {
            assertTrue(FenceCheck.read(session).fenced());
            session.execute("INSERT INTO bluegreen.drain_marker (token, command_id) VALUES ('agent', 'agent')");
            session.execute("DELETE FROM bluegreen.drain_marker WHERE token = 'agent'");
            session.number("SELECT count(*) FROM pg_sequences");
            session.execute("ALTER DATABASE " + DB + " SET work_mem = '8MB'");
            session.execute("ALTER DATABASE " + DB + " RESET work_mem");
            session.execute("COMMENT ON TABLE orders IS 'the agent may run DDL on a fenced Blue'");
        }
        // a session without the operator token, even a superuser's, is refused DDL (a superuser may still undo the fence)
        IllegalStateException superuser = assertThrows(IllegalStateException.class,
                () -> sql(blueServer, DB, "SET default_transaction_read_only = off", "COMMENT ON TABLE orders IS NULL"));
        assertEquals("25006", ((SQLException) superuser.getCause()).getSQLState(), superuser.getMessage());
    }

    @Test
    @Order(12)
    void drainLeavesGreenWithExactlyTheAcknowledgedRows() {
        ReplicationDrained drained = agent.send(drain());
        assertEquals("MARKER", drained.getMethod());
        writing.set(false);
        List<Long> expected = new ArrayList<>(acknowledged);
        assertEquals(expected, ids(blueServer), "Blue holds exactly the acknowledged rows");
        assertEquals(expected.size(), number(greenServer, DB, "SELECT count(*) FROM orders"));
        assertEquals(expected, ids(greenServer), "Green holds exactly the acknowledged rows");
    }

    @Test
    @Order(13)
    void releasingWithTheGuardsKeptAllowsWritesAndLeavesTheGuardsDisarmed() throws Exception {
        Connection openedWhileFenced = connectAsApp(); // it starts with the read-only default
        UnfenceWrites unfence = agent.command(new UnfenceWrites());
        unfence.setTarget(blue(DB));
        unfence.setKeepGuards(true);
        assertFalse(((StepSucceeded) agent.send(unfence)).getAlreadyDone());
        try (Statement stale = openedWhileFenced.createStatement()) {
            SQLException ended = assertThrows(SQLException.class, () -> stale.execute("SELECT 1"),
                    "a session opened during the fence is ended by the release, not left read-only");
            assertTrue(ended.getSQLState().startsWith("57") || ended.getSQLState().startsWith("08"), ended.getSQLState());
        } finally {
            openedWhileFenced.close();
        }
        asApp("INSERT INTO orders (id, note) VALUES (" + nextId.getAndIncrement() + ", 'after release')",
                "SELECT lo_unlink(lo_from_bytea(0, 'after release'::bytea))",
                "CREATE TABLE after_release (id int)", "DROP TABLE after_release");
        try (PgSession session = admin.open(blue(DB))) {
            FenceCheck.State state = FenceCheck.read(session);
            assertFalse(state.fenced());
            assertFalse(state.writeGuardEngaged());
            assertEquals(List.of(), unguarded(session), "the guards stay, disarmed");
        }
        assertEquals(1, number(blueServer, DB, "SELECT count(*) FROM pg_event_trigger WHERE evtname = 'bluegreen_ddl_fence'"));
        WritesFenced fencedAgain = agent.send(fence());
        assertEquals(DB, fencedAgain.getDatabase());
        assertEquals("25006", refused("SET default_transaction_read_only = off", "INSERT INTO orders (id, note) VALUES (-1, 'x')"));
    }

    @Test
    @Order(14)
    void releasingWithoutTheGuardsRemovesEveryFenceObject() {
        UnfenceWrites unfence = agent.command(new UnfenceWrites());
        unfence.setTarget(blue(DB));
        unfence.setKeepGuards(false);
        assertFalse(((StepSucceeded) agent.send(unfence)).getAlreadyDone());
        assertEquals(0, number(blueServer, DB, "SELECT count(*) FROM pg_trigger WHERE tgname = 'bluegreen_write_fence'"));
        assertEquals(0, number(blueServer, DB, "SELECT count(*) FROM pg_event_trigger"));
        assertEquals(0, number(blueServer, DB, "SELECT count(*) FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace "
                + "WHERE n.nspname = 'bluegreen'"));
        assertEquals(0, number(blueServer, DB, "SELECT count(*) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
                + "WHERE n.nspname = 'bluegreen' AND c.relname <> 'drain_marker' AND c.relname NOT LIKE 'drain_marker%'"));
        assertEquals(0, number(blueServer, DB, "SELECT count(*) FROM pg_db_role_setting s JOIN pg_database d ON d.oid = s.setdatabase "
                + "WHERE d.datname = current_database()"));
        assertEquals(1, number(blueServer, DB, "SELECT count(*) FROM pg_proc WHERE proname = 'lo_creat' "
                + "AND has_function_privilege('" + APP + "', oid, 'EXECUTE')"));
        asApp("INSERT INTO orders (id, note) VALUES (" + nextId.getAndIncrement() + ", 'after removal')",
                "CREATE TABLE after_removal (id int)", "DROP TABLE after_removal");
        UnfenceWrites again = agent.command(new UnfenceWrites());
        again.setTarget(blue(DB));
        again.setKeepGuards(false);
        assertTrue(((StepSucceeded) agent.send(again)).getAlreadyDone());
    }

    // ---- helpers ----

    private FenceWrites fence() {
        FenceWrites fence = agent.command(new FenceWrites());
        fence.setTarget(blue(DB));
        return fence;
    }

    private DrainReplication drain() {
        DrainReplication drain = agent.command(new DrainReplication());
        drain.setTarget(green(DB));
        drain.setSource(blue(DB));
        drain.setNames(names(DB));
        drain.setTimeoutMs(30_000L);
        return drain;
    }

    private Connection connectAsApp() throws SQLException {
        Properties props = new Properties();
        props.setProperty("user", APP);
        props.setProperty("password", APP_PASSWORD);
        props.setProperty("ApplicationName", "fence-bypass-app");
        props.setProperty("options", "-c statement_timeout=15s"); // a failing check must not hang on a lock
        return DriverManager.getConnection(blueServer.jdbcUrl(DB), props);
    }

    private void asApp(String... statements) {
        try (Connection connection = connectAsApp(); Statement statement = connection.createStatement()) {
            for (String sql : statements) {
                statement.execute(sql);
            }
        } catch (SQLException e) {
            throw new IllegalStateException("as " + APP + ": " + e.getMessage(), e);
        }
    }

    /** Runs the statements as the application on a new session; the SQLSTATE they are refused with. */
    private String refused(String... statements) {
        SQLException e = assertThrows(SQLException.class, () -> {
            try (Connection connection = connectAsApp(); Statement statement = connection.createStatement()) {
                for (String sql : statements) {
                    statement.execute(sql);
                }
            }
        }, () -> String.join("; ", statements) + " was not refused");
        return e.getSQLState();
    }

    private static List<String> unguarded(PgSession session) throws SQLException {
        return FenceCheck.gaps(session).stream().map(FenceCheck.Gap::name).toList();
    }

    private void assertNotOnBlue(long... ids) {
        for (long id : ids) {
            assertEquals(0, number(blueServer, DB, "SELECT count(*) FROM orders WHERE id = " + id), "row " + id + " is on Blue");
        }
    }

    private static List<Long> ids(LocalPostgres server) {
        try (Connection connection = server.connect(DB); Statement statement = connection.createStatement()) {
            var rs = statement.executeQuery("SELECT id FROM orders WHERE note IN ('writer', 'prepared') ORDER BY id");
            List<Long> ids = new ArrayList<>();
            while (rs.next()) {
                ids.add(rs.getLong(1));
            }
            return ids;
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }
}
