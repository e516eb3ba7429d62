package io.bluegreen.demo.fleet;

import io.bluegreen.coordinator.Application;
import io.bluegreen.aws.messaging.AwsAgent;
import io.bluegreen.monitor.messaging.MonitorFactory;
import io.bluegreen.pg.messaging.PgAgent;
import org.junit.jupiter.api.Test;

import java.io.File;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A coordinator process gets this JVM's classpath without the modules whose beans would start other services. */
class CoordinatorProcessTest {

    @Test
    void theCoordinatorsClasspathHoldsTheCoordinatorButNoAgentNorTheBenchmark() throws Exception {
        List<String> entries = List.of(CoordinatorProcess.classpath().split(File.pathSeparator));
        assertTrue(entries.contains(location(Application.class)), "coordinator missing from " + entries);
        assertFalse(entries.contains(location(PgAgent.class)), "pg-agent left in " + entries);
        assertFalse(entries.contains(location(AwsAgent.class)), "aws-agent left in " + entries);
        assertFalse(entries.contains(location(MonitorFactory.class)), "monitor left in " + entries);
        assertFalse(entries.contains(location(CoordinatorProcess.class)), "benchmark left in " + entries);
    }

    private static String location(Class<?> type) throws Exception {
        return Path.of(type.getProtectionDomain().getCodeSource().getLocation().toURI()).toAbsolutePath().normalize()
                .toString();
    }
}
