package io.bluegreen.pg.switchover;

import io.bluegreen.pg.replication.ObjectNames;
import io.bluegreen.pg.switchover.GuardrailRules.Facts;
import io.bluegreen.pg.switchover.GuardrailRules.PreparedTransaction;
import io.bluegreen.pg.switchover.GuardrailRules.Schemas;
import io.bluegreen.pg.switchover.GuardrailRules.Slot;
import io.bluegreen.pg.switchover.GuardrailRules.Subscription;
import io.bluegreen.pg.switchover.GuardrailRules.WriteTransaction;
import io.bluegreen.schemas.SchemaFingerprint;
import io.bluegreen.schemas.common.GuardrailFinding;
import io.bluegreen.schemas.common.ReplicationNames;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

import java.util.ArrayList;
import java.util.List;
import java.util.function.UnaryOperator;
import java.util.stream.IntStream;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class GuardrailRulesTest {

    private static final ReplicationNames NAMES = ObjectNames.forDatabase(null, "app");
    private static final String BLUE = "app on BLUE 10.0.0.1:5432";
    private static final String GREEN = "app on GREEN 10.0.0.2:5432";
    private static final long THRESHOLD = 1024;
    private static final long MAX_AGE = 60_000;

    /** A healthy database: nothing fails. */
    private static Facts healthy() {
        return new Facts("app", BLUE, GREEN, NAMES, new Slot("app", "0/5000400", "0/5000000", 1024L, "reserved"),
                new Subscription(true, true, 2L, 0L), Schemas.equal("abc"), List.of(), true,
                List.of(new WriteTransaction(42, "app_user", "orders", "active", 60_000)), true, List.of());
    }

    private static Facts slot(Facts f, Slot slot) {
        return new Facts(f.database(), f.blue(), f.green(), f.names(), slot, f.subscription(), f.schemas(), f.prepared(),
                f.seesAllSessions(), f.writeTransactions(), f.publicationExists(), f.unpublishedTables());
    }

    private static Facts subscription(Facts f, Subscription sub) {
        return new Facts(f.database(), f.blue(), f.green(), f.names(), f.slot(), sub, f.schemas(), f.prepared(),
                f.seesAllSessions(), f.writeTransactions(), f.publicationExists(), f.unpublishedTables());
    }

    private static Facts schemas(Facts f, Schemas schemas) {
        return new Facts(f.database(), f.blue(), f.green(), f.names(), f.slot(), f.subscription(), schemas, f.prepared(),
                f.seesAllSessions(), f.writeTransactions(), f.publicationExists(), f.unpublishedTables());
    }

    private static Facts prepared(Facts f, List<PreparedTransaction> prepared) {
        return new Facts(f.database(), f.blue(), f.green(), f.names(), f.slot(), f.subscription(), f.schemas(), prepared,
                f.seesAllSessions(), f.writeTransactions(), f.publicationExists(), f.unpublishedTables());
    }

    private static Facts transactions(Facts f, boolean seesAll, List<WriteTransaction> writes) {
        return new Facts(f.database(), f.blue(), f.green(), f.names(), f.slot(), f.subscription(), f.schemas(),
                f.prepared(), seesAll, writes, f.publicationExists(), f.unpublishedTables());
    }

    private static Facts publication(Facts f, boolean exists, List<String> unpublished) {
        return new Facts(f.database(), f.blue(), f.green(), f.names(), f.slot(), f.subscription(), f.schemas(),
                f.prepared(), f.seesAllSessions(), f.writeTransactions(), exists, unpublished);
    }

    /**
     * One row of the table: facts (a change to the healthy ones), the errors the monitor saw, the checks that fail,
     * and words the message must hold.
     */
    private record Row(String name, UnaryOperator<Facts> change, Long applySeen, Long syncSeen, List<String> checks,
                       List<String> words) {
        Row(String name, UnaryOperator<Facts> change, List<String> checks, String... words) {
            this(name, change, 2L, 0L, checks, List.of(words));
        }
    }

    private static final List<Row> TABLE = List.of(
            new Row("healthy", f -> f, List.of()),
            new Row("lag at the threshold passes", f -> slot(f, new Slot("app", "0/5000400", "0/5000000", THRESHOLD, "reserved")),
                    List.of()),
            new Row("lag one byte over the threshold", f -> slot(f, new Slot("app", "0/5000401", "0/5000000", THRESHOLD + 1, "reserved")),
                    List.of("lag"), NAMES.getSlot(), "1025 bytes", "0/5000000", "0/5000401", BLUE),
            new Row("no lag", f -> slot(f, new Slot("app", "0/5000000", "0/5000000", 0L, "reserved")), List.of()),
            new Row("unreserved WAL still streams", f -> slot(f, new Slot("app", "0/5000000", "0/5000000", 0L, "unreserved")),
                    List.of()),
            new Row("missing slot", f -> slot(f, null), List.of("lag"), NAMES.getSlot(), "does not exist", BLUE),
            new Row("slot of another database", f -> slot(f, new Slot("other", "0/1", "0/1", 0L, "reserved")),
                    List.of("lag"), NAMES.getSlot(), "belongs to other"),
            new Row("physical slot of that name", f -> slot(f, new Slot(null, "0/1", null, null, "reserved")),
                    List.of("lag"), NAMES.getSlot(), "no database"),
            new Row("slot lost its WAL", f -> slot(f, new Slot("app", "0/9000000", "0/5000000", 0x4000000L, "lost")),
                    List.of("lag"), NAMES.getSlot(), "wal_status lost", "rebuild Green"),
            new Row("slot without a confirmed position", f -> slot(f, new Slot("app", "0/5000000", null, null, "reserved")),
                    List.of("lag"), NAMES.getSlot(), "confirmed_flush_lsn"),
            new Row("missing subscription", f -> subscription(f, null), List.of("subscription_disabled"),
                    NAMES.getSubscription(), "does not exist", GREEN),
            new Row("disabled subscription, not also a missing worker", f -> subscription(f, new Subscription(false, false, 2L, 0L)),
                    List.of("subscription_disabled"), NAMES.getSubscription(), "is disabled", "ENABLE", GREEN),
            new Row("dead apply worker", f -> subscription(f, new Subscription(true, false, 2L, 0L)), List.of("apply_worker"),
                    NAMES.getSubscription(), "apply worker is not running", GREEN),
            new Row("apply errors as many as seen pass", f -> subscription(f, new Subscription(true, true, 2L, 0L)), List.of()),
            new Row("one new apply error", f -> subscription(f, new Subscription(true, true, 3L, 0L)), List.of("apply_errors"),
                    NAMES.getSubscription(), "3 apply error(s), 1 since", GREEN),
            new Row("fewer apply errors than seen (statistics reset) pass",
                    f -> subscription(f, new Subscription(true, true, 0L, 0L)), List.of()),
            new Row("apply errors not seen: not compared", f -> subscription(f, new Subscription(true, true, 99L, 99L)),
                    null, null, List.of(), List.of()),
            new Row("one new sync error", f -> subscription(f, new Subscription(true, true, 2L, 1L)), List.of("sync_errors"),
                    NAMES.getSubscription(), "1 table sync error(s)"),
            new Row("no error counts on Green (before 15)", f -> subscription(f, new Subscription(true, true, null, null)),
                    List.of()),
            new Row("errors and a dead worker together", f -> subscription(f, new Subscription(true, false, 5L, 1L)),
                    List.of("apply_worker", "apply_errors", "sync_errors")),
            new Row("column only on Blue", f -> schemas(f, new Schemas("abc", "def",
                    List.of("public.items.id integer not null", "public.items.note text"),
                    List.of("public.items.id integer not null"))),
                    List.of("schema_drift"), "only on Blue: public.items.note text", BLUE, GREEN, "same DDL"),
            new Row("type differs", f -> schemas(f, new Schemas("abc", "def", List.of("public.items.note text"),
                    List.of("public.items.note character varying(10)"))),
                    List.of("schema_drift"), "only on Blue: public.items.note text",
                    "only on Green: public.items.note character varying(10)"),
            new Row("fingerprints differ, entries do not (DDL while reading)",
                    f -> schemas(f, new Schemas("abc", "def", List.of("a"), List.of("a"))),
                    List.of("schema_drift"), "changed while they were read"),
            new Row("a prepared transaction", f -> prepared(f, List.of(new PreparedTransaction("tx-42", "app_user", 1500))),
                    List.of("prepared_transactions"), "'tx-42'", "app_user", "COMMIT PREPARED", BLUE),
            new Row("a write transaction at the limit passes",
                    f -> transactions(f, true, List.of(new WriteTransaction(7, "app_user", "batch", "active", MAX_AGE))),
                    List.of()),
            new Row("a write transaction one ms over the limit",
                    f -> transactions(f, true, List.of(new WriteTransaction(7, "app_user", "batch", "active", MAX_AGE + 1),
                            new WriteTransaction(8, "other_user", "web", "active", 10))),
                    List.of("long_transaction"), "pid 7", "app_user", "'batch'", "60001 ms", "pg_terminate_backend", BLUE),
            new Row("other users' sessions hidden", f -> transactions(f, false, List.of()), List.of("long_transaction"),
                    "pg_read_all_stats", BLUE),
            new Row("missing publication", f -> publication(f, false, List.of()), List.of("unpublished_tables"),
                    NAMES.getPublication(), "does not exist", BLUE),
            new Row("a table not in the publication", f -> publication(f, true, List.of("public.orphans")),
                    List.of("unpublished_tables"), "public.orphans", NAMES.getPublication(), "ADD TABLE",
                    NAMES.getSubscription() + " REFRESH PUBLICATION"));

    @TestFactory
    Stream<DynamicTest> factsToFindings() {
        return TABLE.stream().map(row -> DynamicTest.dynamicTest(row.name(), () -> {
            List<GuardrailFinding> findings = GuardrailRules.findings(row.change().apply(healthy()),
                    new Guardrails.Limits(THRESHOLD, MAX_AGE, row.applySeen(), row.syncSeen()));
            assertEquals(row.checks(), findings.stream().map(GuardrailFinding::getCheck).toList(), findings::toString);
            for (GuardrailFinding finding : findings) {
                assertEquals("app", finding.getDatabase());
                assertTrue(finding.getMessage().contains("then switch over") || finding.getMessage().contains("instead of")
                        || finding.getMessage().contains("again"), () -> "says what to do: " + finding.getMessage());
            }
            for (String word : row.words()) {
                assertTrue(findings.get(0).getMessage().contains(word), () -> "'" + word + "' in " + findings.get(0).getMessage());
            }
        }));
    }

    @Test
    void measuredAndLimitCarryTheNumbers() {
        GuardrailFinding lag = GuardrailRules.findings(slot(healthy(), new Slot("app", "0/5000801", "0/5000000", 2049L, "reserved")),
                new Guardrails.Limits(THRESHOLD, MAX_AGE, null, null)).get(0);
        assertEquals("2049", lag.getMeasured());
        assertEquals("1024", lag.getLimit());
        GuardrailFinding old = GuardrailRules.findings(transactions(healthy(), true, List.of(
                        new WriteTransaction(1, "u", "a", "idle in transaction", 70_000),
                        new WriteTransaction(2, "u", "a", "active", 90_000))),
                new Guardrails.Limits(THRESHOLD, MAX_AGE, null, null)).get(0);
        assertEquals("90000", old.getMeasured(), "the oldest");
        assertEquals("60000", old.getLimit());
        assertTrue(old.getMessage().indexOf("pid 2") < old.getMessage().indexOf("pid 1"), "oldest first");
        GuardrailFinding drift = GuardrailRules.findings(schemas(healthy(), new Schemas("abc", "def", List.of(), List.of())),
                new Guardrails.Limits(THRESHOLD, MAX_AGE, null, null)).get(0);
        assertEquals("abc", drift.getMeasured());
        assertEquals("def", drift.getLimit());
        GuardrailFinding missing = GuardrailRules.findings(slot(healthy(), null), new Guardrails.Limits(THRESHOLD, MAX_AGE, null, null)).get(0);
        assertNull(missing.getMeasured());
    }

    @Test
    void longListsNameTheFirstTenAndCountTheRest() {
        List<String> tables = IntStream.rangeClosed(1, 13).mapToObj(i -> "public.t" + i).toList();
        GuardrailFinding f = GuardrailRules.findings(publication(healthy(), true, tables),
                new Guardrails.Limits(THRESHOLD, MAX_AGE, null, null)).get(0);
        assertEquals("13", f.getMeasured());
        assertTrue(f.getMessage().contains("public.t10 and 3 more"), f.getMessage());
        assertFalse(f.getMessage().contains("public.t11"), f.getMessage());
    }

    @Test
    void everyGuardrailFailsAtOnceInAFixedOrder() {
        Facts f = healthy();
        f = slot(f, null);
        f = subscription(f, new Subscription(true, false, 9L, 9L));
        f = schemas(f, new Schemas("a", "b", List.of(), List.of()));
        f = prepared(f, List.of(new PreparedTransaction("g", "o", 1)));
        f = transactions(f, true, List.of(new WriteTransaction(1, "u", "a", "active", MAX_AGE + 1)));
        f = publication(f, true, List.of("public.x"));
        List<String> checks = new ArrayList<>();
        GuardrailRules.findings(f, new Guardrails.Limits(THRESHOLD, MAX_AGE, 0L, 0L)).forEach(x -> checks.add(x.getCheck()));
        assertEquals(List.of("lag", "apply_worker", "apply_errors", "sync_errors", "schema_drift", "prepared_transactions",
                "long_transaction", "unpublished_tables"), checks);
    }

    @Test
    void limitsRefuseNonsense() {
        assertThrows(IllegalArgumentException.class, () -> new Guardrails.Limits(-1, MAX_AGE, null, null));
        assertThrows(IllegalArgumentException.class, () -> new Guardrails.Limits(0, 0, null, null),
                "the plan's 0 (the default) must be resolved by the caller");
    }

    @Test
    void theFingerprintLeavesOutTheAgentsOwnSchema() {
        assertEquals(ObjectNames.SCHEMA, SchemaFingerprint.OWN_SCHEMA);
        assertTrue(SchemaFingerprint.QUERY.contains("'" + ObjectNames.SCHEMA + "'"));
        assertTrue(SchemaFingerprint.COLUMNS.contains("'" + ObjectNames.SCHEMA + "'"));
    }
}
