package io.bluegreen.demo;

import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.time.Duration;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The main job end to end on its own local stack (every service, real Kafka, the local RDS endpoint, real PostgreSQL 16
 * and 17): the demo's own rehearsal. A rehearsal of a schema and workload of one's own, through the command line, is
 * {@code CliDemoIT} in deploy/cli.
 */
class LocalUpgradeDemoIT {

    /** app: customers, orders, order_lines, shipments, audit_log; billing: invoices, payments, exchange_rates; a ledger each. */
    private static final int DEFAULT_TABLES = 5 + 1 + 3 + 1;

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
        assertTrue(output.contains("no blue_green replication slot or publication left"),
                "the clean-up after the rename dropped old Blue's slots and publications: " + output);
        assertFalse(output.contains(password), "no password printed");
        assertFalse(report.toJson().contains(password), "no password in the report");
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
