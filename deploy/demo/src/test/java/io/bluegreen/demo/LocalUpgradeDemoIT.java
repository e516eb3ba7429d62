package io.bluegreen.demo;

import io.micronaut.core.type.Argument;
import io.micronaut.serde.ObjectMapper;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The main job end to end, twice (each run starts and stops its own local stack: every service, real Kafka, the local
 * RDS endpoint, real PostgreSQL 16 and 17): the demo's own rehearsal, and a rehearsal of a schema and workload of
 * this test's own.
 */
class LocalUpgradeDemoIT {

    /** app: customers, orders, order_lines, shipments, audit_log; billing: invoices, payments, exchange_rates; a ledger each. */
    private static final int DEFAULT_TABLES = 5 + 1 + 3 + 1;
    /** shop.items, shop.stock, shop.price_history, shop.coupons, public.settings, and the ledger. */
    private static final int SHOP_TABLES = 5 + 1;

    @Test
    void theDemosRehearsalCompletesAndProvesEveryTableAndEveryWrite() throws Exception {
        ByteArrayOutputStream printed = new ByteArrayOutputStream();
        String password = LocalStack.generatedMasterPassword();
        DemoRun.Report report = new DemoRun(tee(printed), DemoOptions.defaults().withTimeout(Duration.ofMinutes(8)),
                password).run();
        String output = printed.toString();

        assertTrue(report.completed(), "upgrade did not complete: " + report.failure());
        assertEquals(null, report.failure());
        assertEquals(DEFAULT_TABLES, report.tablesCompared());
        assertEquals(List.of(), report.tablesMismatched());
        assertEquals(List.of(), report.sequencesBehind());
        assertEquals(0, report.lostWrites(), "every acknowledged write is on Green");
        assertEquals(0, report.duplicatedWrites(), "no write is on Green twice");
        assertTrue(report.writesCommitted() > 0, "the workload kept writing during the upgrade");
        assertEquals(0, report.workloadErrors(), "the demo's workload fails by itself nowhere");
        assertTrue(report.greenVersion().startsWith("17."), report.greenVersion());
        assertTrue(report.proven(), String.join("\n", report.summary()));
        assertTrue(output.contains("REPLICATING") && output.contains("SWITCHING_OVER") && output.contains("lag "), output);
        assertFalse(output.contains(password), "no password printed");
        assertFalse(report.toJson().contains(password), "no password in the report");
    }

    @Test
    void aRehearsalOfItsOwnSchemaAndWorkloadReportsItAsJson() throws Exception {
        ByteArrayOutputStream printed = new ByteArrayOutputStream();
        String password = LocalStack.generatedMasterPassword();
        DemoOptions options = DemoOptions.defaults().withSchema(resource("rehearsal/shop-schema.sql"))
                .withWorkload(resource("rehearsal/shop-workload.sql")).withDatabases(List.of("shop")).withClients(3)
                .withRate(150).withTimeout(Duration.ofMinutes(8));
        DemoRun.Report report = new DemoRun(tee(printed), options, password).run();

        String json = report.toJson();
        Map<String, Object> parsed = ObjectMapper.getDefault().readValue(json, Argument.mapOf(String.class, Object.class));
        assertEquals(true, parsed.get("completed"), json);
        assertTrue(parsed.get("upgradeId") instanceof String id && id.startsWith("upg-"), json);
        assertTrue(parsed.get("phases") instanceof List<?> phases && !phases.isEmpty()
                && phases.get(0) instanceof Map<?, ?> first && first.get("name") != null && first.get("start") != null
                && first.get("end") != null, json);
        assertNotNull(parsed.get("snapshotLsn"), json);
        assertNotNull(parsed.get("snapshotLsnMethod"), json);
        assertEquals(SHOP_TABLES, ((Number) parsed.get("tablesCompared")).intValue(), json);
        assertEquals(List.of(), parsed.get("tablesMismatched"), json);
        assertEquals(List.of(), parsed.get("sequencesBehind"), json);
        assertEquals(0, ((Number) parsed.get("lostWrites")).longValue(), json);
        assertEquals(0, ((Number) parsed.get("duplicatedWrites")).longValue(), json);
        assertTrue(((Number) parsed.get("writesCommitted")).longValue() > 0, json);
        assertTrue(((Number) parsed.get("workloadErrors")).longValue() > 0,
                "the workload's insert of an existing key fails every time and is counted: " + json);
        assertEquals(true, parsed.get("proven"), json);
        assertFalse(printed.toString().contains(password) || json.contains(password), "no password printed");
    }

    private static Path resource(String name) throws URISyntaxException {
        return Path.of(LocalUpgradeDemoIT.class.getClassLoader().getResource(name).toURI());
    }

    /** Progress to the console and into {@code printed}. */
    private static PrintStream tee(ByteArrayOutputStream printed) {
        return new PrintStream(new OutputStream() {
            @Override
            public void write(int b) {
                System.out.write(b);
                printed.write(b);
            }

            @Override
            public void write(byte[] b, int off, int len) {
                System.out.write(b, off, len);
                printed.write(b, off, len);
            }
        }, true);
    }
}
