package io.bluegreen.local.rds;

import io.bluegreen.local.testbed.TestBed;
import io.bluegreen.local.testbed.WithTestBed;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.rds.RdsClient;
import software.amazon.awssdk.services.rds.model.DbClusterNotFoundException;

import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

@WithTestBed
class TestBedRdsIT {

    @Test
    void theTestBedSharesOneEmulatorThatTheSdkReaches(TestBed bed) {
        RdsEmulator emulator = bed.rds();
        assertSame(emulator, TestBed.shared().rds());
        assertTrue(emulator.endpoint().toString().startsWith("http://127.0.0.1:"));
        try (RdsClient rds = Rds.client(emulator)) {
            assertThrows(DbClusterNotFoundException.class,
                    () -> rds.describeDBClusters(r -> r.dbClusterIdentifier("test-bed-nothing-here")));
        }
    }
}
