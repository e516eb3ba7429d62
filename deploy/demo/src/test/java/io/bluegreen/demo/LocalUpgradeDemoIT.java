package io.bluegreen.demo;

import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.time.Duration;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The main job, end to end: every service, real Kafka, the local RDS endpoint, real PostgreSQL 16 and 17. */
class LocalUpgradeDemoIT {

    @Test
    void aWholeUpgradeCompletesAndLosesNoWrite() throws Exception {
        ByteArrayOutputStream printed = new ByteArrayOutputStream();
        PrintStream out = new PrintStream(printed, true);
        String password = LocalStack.generatedMasterPassword();
        DemoRun.Report report = new DemoRun(new PrintStream(new TeeStream(System.out, out), true), Duration.ofMinutes(8),
                password).run();
        assertTrue(report.completed(), "upgrade stopped in " + report.finalPhase() + ": " + report.failure());
        assertEquals(report.expectedOrders(), report.ordersOnGreen(), "every committed write reached Green");
        assertTrue(report.greenVersion().startsWith("17."), report.greenVersion());
        assertTrue(report.sequencesWork(), "a new row on Green takes a fresh id from the synced sequence");
        assertTrue(report.writesCommitted() > 0, "the application kept writing during the upgrade");
        assertTrue(printed.toString().contains("REPLICATING") && printed.toString().contains("SWITCHING_OVER"));
        assertTrue(!printed.toString().contains(password), "no password printed");
    }

    /** Writes to two streams. */
    private static final class TeeStream extends java.io.OutputStream {
        private final java.io.OutputStream a;
        private final java.io.OutputStream b;

        TeeStream(java.io.OutputStream a, java.io.OutputStream b) {
            this.a = a;
            this.b = b;
        }

        @Override
        public void write(int c) throws java.io.IOException {
            a.write(c);
            b.write(c);
        }
    }
}
