package io.bluegreen.pg.it;

import io.bluegreen.local.postgres.LocalPostgres;
import io.bluegreen.pg.replication.JdbcReplicationAdmin;
import io.bluegreen.pg.replication.PgSession;
import io.bluegreen.pg.replication.PublisherSteps;
import io.bluegreen.pg.replication.ReplicationAdmin;
import io.bluegreen.pg.replication.Secrets;
import io.bluegreen.runtime.agent.StepContext;
import io.bluegreen.pg.replication.SubscriberSteps;
import io.bluegreen.pg.switchover.Guardrails;
import io.bluegreen.schemas.SchemaFingerprint;
import io.bluegreen.schemas.command.pg.CreatePublication;
import io.bluegreen.schemas.command.pg.CreateSlot;
import io.bluegreen.schemas.command.pg.CreateSubscription;
import io.bluegreen.schemas.common.DatabaseTarget;
import io.bluegreen.schemas.common.GuardrailFinding;
import io.bluegreen.schemas.common.ReplicationNames;
import io.bluegreen.schemas.common.Role;
import io.bluegreen.runtime.credentials.Credentials;
import io.bluegreen.schemas.result.StepFailed;
import org.apache.avro.specific.SpecificRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicReference;

import static io.bluegreen.pg.it.AgentHarness.names;
import static io.bluegreen.pg.it.AgentHarness.number;
import static io.bluegreen.pg.it.AgentHarness.sql;
import static io.bluegreen.pg.it.AgentHarness.text;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The guardrails at the fence against a real Blue 16 and Green 17 replicating one database: all pass on a healthy
 * pair; then each guardrail refuses, one cause at a time, and passes again once the cause is removed. Its own two
 * servers: Blue allows prepared transactions (the test bed's servers do not), and the apply-worker case changes a
 * server-wide setting of Green.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class GuardrailsIT {

    private static final String DB = "guard_app";
    private static final long MB = 1024 * 1024;
    private static final Duration WAIT = Duration.ofSeconds(60);

    private LocalPostgres blueServer;
    private LocalPostgres greenServer;
    private PgSession blue;
    private PgSession green;
    private final ReplicationNames names = names(DB);
    private final Guardrails guardrails = new Guardrails();

    @BeforeAll
    void setUp() throws SQLException {
        blueServer = LocalPostgres.builder(16).name("guardrails-blue").setting("max_prepared_transactions", "8").start();
        greenServer = LocalPostgres.builder(17).name("guardrails-green").start();
        for (LocalPostgres server : List.of(blueServer, greenServer)) {
            server.createDatabase(DB);
            sql(server, DB, "CREATE TABLE items (id int PRIMARY KEY, note text)",
                    "CREATE TABLE events (id int, at date, PRIMARY KEY (id, at)) PARTITION BY RANGE (at)",
                    "CREATE TABLE events_2026 PARTITION OF events FOR VALUES FROM ('2026-01-01') TO ('2027-01-01')");
        }
        ReplicationAdmin admin = new JdbcReplicationAdmin(AgentHarness.onLoopback(ref -> ref.equals(AgentHarness.BLUE_REF)
                ? new Credentials(blueServer.superuser(), blueServer.password())
                : new Credentials(greenServer.superuser(), greenServer.password())), new Secrets(),
                new JdbcReplicationAdmin.Settings("bluegreen-guardrails-it", "prefer", 10));
        DatabaseTarget blueTarget = AgentHarness.target(blueServer, AgentHarness.BLUE_REF, DB, Role.BLUE);
        DatabaseTarget greenTarget = AgentHarness.target(greenServer, AgentHarness.GREEN_REF, DB, Role.GREEN);
        StepContext ctx = new StepContext("guardrails-it", "setup", "Setup", 1, java.time.Clock.systemUTC());
        PublisherSteps publisher = new PublisherSteps(admin);
        succeeded(publisher.createPublication(ctx, new CreatePublication("guardrails-it", "p", 1, Instant.now(), blueTarget,
                names, null)));
        succeeded(publisher.createSlot(ctx, new CreateSlot("guardrails-it", "s", 1, Instant.now(), blueTarget, names)));
        succeeded(new SubscriberSteps(admin).createSubscription(ctx, new CreateSubscription(
                "guardrails-it", "c", 1, Instant.now(), greenTarget, blueTarget, names, false, false, true, null)));
        blue = admin.open(blueTarget);
        green = admin.open(greenTarget);
    }

    @AfterAll
    void tearDown() {
        if (blue != null) {
            blue.close();
            green.close();
        }
        if (greenServer != null) {
            greenServer.close();
        }
        if (blueServer != null) {
            blueServer.close();
        }
    }

    @Test
    @Order(1)
    void aHealthyPairPassesEvenWhenTheAgentsOwnSchemaDiffers() throws Exception {
        sql(blueServer, DB, "INSERT INTO items VALUES (1, 'first')");
        awaitOn(blueServer, () -> number(greenServer, DB, "SELECT count(*) FROM items WHERE id = 1") == 1);
        awaitPasses(limits(MB));

        sql(greenServer, DB, "ALTER TABLE bluegreen.drain_marker ADD COLUMN only_on_green text");
        assertEquals(List.of(), guardrails.check(blue, green, names, DB, limits(MB)), "bluegreen.* is ours, may differ");
        sql(greenServer, DB, "ALTER TABLE bluegreen.drain_marker DROP COLUMN only_on_green");

        // the fingerprint is the hash of its entries, as documented
        String entries = String.join(",", blue.list(SchemaFingerprint.COLUMNS, rs -> rs.getString(1)));
        assertTrue(entries.contains("public.items.note text"), entries);
        assertFalse(entries.contains("drain_marker"), entries);
        assertEquals(HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(entries.getBytes(StandardCharsets.UTF_8))),
                blue.text(SchemaFingerprint.QUERY));
    }

    @Test
    @Order(2)
    void lagOverTheThresholdRefusesUntilGreenCatchesUp() throws Exception {
        awaitPasses(limits(1024));
        try (Connection lock = greenServer.connect(DB); Statement statement = lock.createStatement()) {
            lock.setAutoCommit(false);
            statement.execute("LOCK TABLE items IN ACCESS EXCLUSIVE MODE"); // the apply worker waits behind it
            sql(blueServer, DB, "INSERT INTO items SELECT g, 'while Green waits' FROM generate_series(100, 1099) g");
            List<GuardrailFinding> findings = awaitRefuses(limits(1024), "lag");
            GuardrailFinding lag = findings.get(0);
            assertEquals(List.of("lag"), checks(findings), findings::toString);
            assertTrue(Long.parseLong(lag.getMeasured()) > 1024, lag.toString());
            assertEquals("1024", lag.getLimit());
            assertTrue(lag.getMessage().contains(names.getSlot()) && lag.getMessage().contains("1024 bytes"), lag.getMessage());
            lock.rollback();
        }
        awaitPasses(limits(1024));
        assertEquals(1001, number(greenServer, DB, "SELECT count(*) FROM items"));
    }

    @Test
    @Order(3)
    void aDisabledSubscriptionRefusesUntilEnabled() throws Exception {
        sql(greenServer, DB, "ALTER SUBSCRIPTION " + names.getSubscription() + " DISABLE");
        List<GuardrailFinding> findings = guardrails.check(blue, green, names, DB, limits(MB));
        assertEquals(List.of("subscription_disabled"), checks(findings), findings::toString);
        assertTrue(findings.get(0).getMessage().contains(names.getSubscription() + " on " + green.where() + " is disabled"),
                findings.get(0).getMessage());

        sql(blueServer, DB, "INSERT INTO items SELECT g, 'while disabled' FROM generate_series(2000, 2999) g");
        List<GuardrailFinding> behind = awaitRefuses(limits(1024), "lag");
        assertEquals(List.of("lag", "subscription_disabled"), checks(behind), behind::toString);

        sql(greenServer, DB, "ALTER SUBSCRIPTION " + names.getSubscription() + " ENABLE");
        awaitPasses(limits(1024));
    }

    @Test
    @Order(4)
    void aDeadApplyWorkerRefusesUntilItRuns() throws Exception {
        awaitPasses(limits(MB));
        // keep the launcher from restarting the worker: it waits wal_retrieve_retry_interval since its last start
        sql(greenServer, DB, "ALTER SYSTEM SET wal_retrieve_retry_interval = '1h'", "SELECT pg_reload_conf()");
        try {
            AtomicReference<List<GuardrailFinding>> seen = new AtomicReference<>();
            awaitOn(greenServer, () -> {
                sql(greenServer, DB, "SELECT pg_terminate_backend(pid) FROM pg_stat_subscription WHERE subname = '"
                        + names.getSubscription() + "' AND relid IS NULL AND pid IS NOT NULL");
                seen.set(guardrails.check(blue, green, names, DB, limits(MB)));
                return checks(seen.get()).contains("apply_worker");
            });
            assertEquals(List.of("apply_worker"), checks(seen.get()), seen.get()::toString);
            assertTrue(seen.get().get(0).getMessage().contains(names.getSubscription() + " on " + green.where()),
                    seen.get().get(0).getMessage());
        } finally {
            sql(greenServer, DB, "ALTER SYSTEM RESET wal_retrieve_retry_interval", "SELECT pg_reload_conf()");
        }
        awaitPasses(limits(MB));
    }

    @Test
    @Order(5)
    void newApplyErrorsRefuseUntilTheConflictIsResolvedAndSampled() throws Exception {
        awaitPasses(limits(MB));
        long seen = applyErrors();
        sql(greenServer, DB, "INSERT INTO items VALUES (5001, 'written on Green')");
        sql(blueServer, DB, "INSERT INTO items VALUES (5001, 'written on Blue')");
        List<GuardrailFinding> findings = awaitRefuses(new Guardrails.Limits(MB, 60_000, seen, syncErrors()), "apply_errors");
        GuardrailFinding errors = findings.stream().filter(f -> f.getCheck().equals("apply_errors")).findFirst().orElseThrow();
        assertTrue(errors.getMessage().contains(names.getSubscription() + " on " + green.where()), errors.getMessage());
        assertEquals(Long.toString(seen), errors.getLimit());
        assertTrue(Long.parseLong(errors.getMeasured()) > seen, errors.toString());
        assertFalse(checks(guardrails.check(blue, green, names, DB, new Guardrails.Limits(MB, 60_000, null, null)))
                .contains("apply_errors"), "nothing seen: the counts are not compared");

        sql(greenServer, DB, "DELETE FROM items WHERE id = 5001");
        awaitOn(greenServer, () -> "written on Blue".equals(text(greenServer, DB, "SELECT coalesce(max(note), '') FROM items WHERE id = 5001")));
        assertTrue(checks(guardrails.check(blue, green, names, DB, new Guardrails.Limits(MB, 60_000, seen, syncErrors())))
                .contains("apply_errors"), "errors since the sample still count until the monitor samples them");
        awaitPasses(limits(MB)); // limits(...) reads the counts now, as the monitor's next sample would
    }

    @Test
    @Order(6)
    void aColumnAddedOnBlueOnlyRefusesUntilGreenHasIt() throws Exception {
        sql(blueServer, DB, "ALTER TABLE items ADD COLUMN extra text");
        List<GuardrailFinding> findings = guardrails.check(blue, green, names, DB, limits(MB));
        assertEquals(List.of("schema_drift"), checks(findings), findings::toString);
        assertTrue(findings.get(0).getMessage().contains("only on Blue: public.items.extra text"), findings.get(0).getMessage());
        assertEquals(blue.text(SchemaFingerprint.QUERY), findings.get(0).getMeasured());
        assertEquals(green.text(SchemaFingerprint.QUERY), findings.get(0).getLimit());

        sql(greenServer, DB, "ALTER TABLE items ADD COLUMN extra text");
        awaitPasses(limits(MB));
    }

    @Test
    @Order(7)
    void aPreparedTransactionOnBlueRefusesUntilFinished() throws Exception {
        sql(blueServer, DB, "BEGIN", "INSERT INTO items VALUES (7001, 'prepared')", "PREPARE TRANSACTION 'guard-tx-1'");
        List<GuardrailFinding> findings = guardrails.check(blue, green, names, DB, limits(MB));
        assertEquals(List.of("prepared_transactions"), checks(findings), findings::toString);
        assertEquals("1", findings.get(0).getMeasured());
        assertTrue(findings.get(0).getMessage().contains("'guard-tx-1'") && findings.get(0).getMessage().contains(blue.where()),
                findings.get(0).getMessage());

        sql(blueServer, DB, "COMMIT PREPARED 'guard-tx-1'");
        awaitPasses(limits(MB));
        awaitOn(greenServer, () -> number(greenServer, DB, "SELECT count(*) FROM items WHERE id = 7001") == 1);
    }

    @Test
    @Order(8)
    void anOldWriteTransactionRefusesUntilItEndsButReadersAndTheCallerDoNot() throws Exception {
        Guardrails.Limits halfSecond = new Guardrails.Limits(MB, 500, applyErrors(), syncErrors());
        try (Connection reader = blueServer.connect(DB); Connection writer = blueServer.connect(DB);
             Statement reads = reader.createStatement(); Statement writes = writer.createStatement()) {
            reader.setAutoCommit(false);
            reader.setTransactionIsolation(Connection.TRANSACTION_REPEATABLE_READ); // keeps its snapshot (backend_xmin)
            reads.execute("SET application_name = 'guard-report'");
            reads.executeQuery("SELECT count(*) FROM items").close();
            writes.execute("SET application_name = 'guard-batch'");
            writer.setAutoCommit(false);
            writes.executeUpdate("INSERT INTO items VALUES (8001, 'long')");
            int writerPid = (int) pid(writes);

            List<GuardrailFinding> findings = awaitRefuses(halfSecond, "long_transaction");
            assertEquals(List.of("long_transaction"), checks(findings), findings::toString);
            String message = findings.get(0).getMessage();
            assertTrue(message.contains("1 transaction(s)") && message.contains("pid " + writerPid)
                    && message.contains("'guard-batch'") && message.contains("user " + blueServer.superuser())
                    && message.contains(blue.where()), message);
            assertFalse(message.contains("guard-report"), "a reader holds no writes: " + message);
            assertEquals(1, number(blueServer, DB, "SELECT count(*) FROM pg_stat_activity WHERE application_name = "
                    + "'guard-report' AND backend_xmin IS NOT NULL AND backend_xid IS NULL"), "the reader holds a snapshot");
            assertEquals("500", findings.get(0).getLimit());
            assertTrue(Long.parseLong(findings.get(0).getMeasured()) > 500, findings.get(0).toString());
            writer.commit();
        }
        awaitPasses(halfSecond);

        // the caller's own session may be in a write transaction: it is not reported
        blue.connection().setAutoCommit(false);
        try {
            blue.execute("INSERT INTO items VALUES (8002, 'own')");
            awaitOn(blueServer, () -> blue.number("SELECT (extract(epoch FROM clock_timestamp() - now()) * 1000)::bigint") > 500);
            assertFalse(checks(guardrails.check(blue, green, names, DB, halfSecond)).contains("long_transaction"));
        } finally {
            blue.connection().rollback();
            blue.connection().setAutoCommit(true);
        }
    }

    @Test
    @Order(9)
    void aTableMissingFromAListedPublicationRefusesUntilAdded() throws Exception {
        sql(blueServer, DB, "CREATE PUBLICATION guard_listed FOR TABLE items, events, bluegreen.drain_marker");
        ReplicationNames listed = new ReplicationNames("guard_listed", names.getSlot(), names.getSubscription());
        assertEquals(List.of(), guardrails.check(blue, green, listed, DB, limits(MB)),
                "events_2026 is covered through its published root");

        for (LocalPostgres server : List.of(blueServer, greenServer)) {
            sql(server, DB, "CREATE TABLE orphans (id int PRIMARY KEY)",
                    "CREATE TABLE events_2027 PARTITION OF events FOR VALUES FROM ('2027-01-01') TO ('2028-01-01')");
        }
        assertEquals(List.of(), guardrails.check(blue, green, names, DB, limits(MB)), "FOR ALL TABLES covers every table");
        List<GuardrailFinding> findings = guardrails.check(blue, green, listed, DB, limits(MB));
        assertEquals(List.of("unpublished_tables"), checks(findings), findings::toString);
        assertEquals("1", findings.get(0).getMeasured(), "a new partition of a published root is covered");
        assertTrue(findings.get(0).getMessage().contains("public.orphans") && findings.get(0).getMessage().contains("guard_listed"),
                findings.get(0).getMessage());

        sql(blueServer, DB, "ALTER PUBLICATION guard_listed ADD TABLE orphans");
        assertEquals(List.of(), guardrails.check(blue, green, listed, DB, limits(MB)));

        ReplicationNames missing = new ReplicationNames("guard_missing", names.getSlot(), names.getSubscription());
        List<GuardrailFinding> none = guardrails.check(blue, green, missing, DB, limits(MB));
        assertEquals(List.of("unpublished_tables"), checks(none), none::toString);
        assertTrue(none.get(0).getMessage().contains("guard_missing does not exist"), none.get(0).getMessage());
        sql(blueServer, DB, "DROP PUBLICATION guard_listed");
    }

    @Test
    @Order(10)
    void aMissingSlotOrSubscriptionRefuses() throws Exception {
        ReplicationNames wrong = new ReplicationNames(names.getPublication(), "guard_no_slot", "guard_no_sub");
        List<GuardrailFinding> findings = guardrails.check(blue, green, wrong, DB, limits(MB));
        assertEquals(List.of("lag", "subscription_disabled"), checks(findings), findings::toString);
        assertTrue(findings.get(0).getMessage().contains("guard_no_slot") && findings.get(1).getMessage().contains("guard_no_sub"),
                findings::toString);
        for (GuardrailFinding finding : findings) {
            assertFalse(finding.getMessage().contains(blueServer.password()) || finding.getMessage().contains(greenServer.password()));
        }
    }

    // --- helpers

    /** The plan's limits with the error counts as the monitor would have sampled them just now. */
    private Guardrails.Limits limits(long lagThresholdBytes) throws SQLException {
        return new Guardrails.Limits(lagThresholdBytes, 60_000, applyErrors(), syncErrors());
    }

    private long applyErrors() throws SQLException {
        return green.number("SELECT apply_error_count FROM pg_stat_subscription_stats WHERE subname = ?", names.getSubscription());
    }

    private long syncErrors() throws SQLException {
        return green.number("SELECT sync_error_count FROM pg_stat_subscription_stats WHERE subname = ?", names.getSubscription());
    }

    private void awaitPasses(Guardrails.Limits limits) {
        AtomicReference<List<GuardrailFinding>> last = new AtomicReference<>();
        try {
            await().atMost(WAIT).pollInterval(Duration.ofMillis(50)).until(() -> {
                last.set(guardrails.check(blue, green, names, DB, limits));
                return last.get().isEmpty();
            });
        } catch (org.awaitility.core.ConditionTimeoutException e) {
            throw new AssertionError("still refused: " + last.get(), e);
        }
    }

    private List<GuardrailFinding> awaitRefuses(Guardrails.Limits limits, String check) {
        AtomicReference<List<GuardrailFinding>> last = new AtomicReference<>();
        try {
            await().atMost(WAIT).pollInterval(Duration.ofMillis(50)).until(() -> {
                last.set(guardrails.check(blue, green, names, DB, limits));
                return checks(last.get()).contains(check);
            });
        } catch (org.awaitility.core.ConditionTimeoutException e) {
            throw new AssertionError("no " + check + " finding, last: " + last.get(), e);
        }
        for (GuardrailFinding finding : last.get()) {
            assertEquals(DB, finding.getDatabase());
            assertFalse(finding.getMessage().contains(blueServer.password()) || finding.getMessage().contains(greenServer.password()));
        }
        return last.get();
    }

    private static List<String> checks(List<GuardrailFinding> findings) {
        return findings.stream().map(GuardrailFinding::getCheck).toList();
    }

    private static long pid(Statement statement) throws SQLException {
        try (var rs = statement.executeQuery("SELECT pg_backend_pid()")) {
            rs.next();
            return rs.getLong(1);
        }
    }

    private static void awaitOn(LocalPostgres server, Callable<Boolean> condition) {
        AgentHarness.awaitOn(server, WAIT, condition);
    }

    private static void succeeded(SpecificRecord result) {
        assertFalse(result instanceof StepFailed, () -> String.valueOf(result));
    }
}
