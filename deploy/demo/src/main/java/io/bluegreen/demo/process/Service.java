package io.bluegreen.demo.process;

import java.io.File;
import java.util.Arrays;
import java.util.List;

/** The four bluegreen services, each with the main class it starts from and the module that holds it. */
public enum Service {

    COORDINATOR("coordinator", "bluegreen-coordinator", "io.bluegreen.coordinator.Application"),
    PG_AGENT("pg-agent", "bluegreen-pg-agent", "io.bluegreen.pg.Application"),
    AWS_AGENT("aws-agent", "bluegreen-aws-agent", "io.bluegreen.aws.Application"),
    MONITOR("monitor-service", "bluegreen-monitor-service", "io.bluegreen.monitor.Application");

    private final String module;
    private final String artifactId;
    private final String mainClass;

    Service(String module, String artifactId, String mainClass) {
        this.module = module;
        this.artifactId = artifactId;
        this.mainClass = mainClass;
    }

    public String module() {
        return module;
    }

    public String mainClass() {
        return mainClass;
    }

    /**
     * This service's classpath out of one that holds every service (the demo's): the other services' modules and the
     * demo's own classes are left out, so that the process holds only this service's beans, {@code application.yml}
     * and {@code logback.xml}.
     */
    public String classpathFrom(String everything) {
        List<String> kept = Arrays.stream(everything.split(File.pathSeparator))
                .filter(entry -> !entry.isBlank())
                .filter(entry -> Arrays.stream(values()).filter(other -> other != this).noneMatch(other -> other.owns(entry)))
                .filter(entry -> !entry.replace('\\', '/').contains("/deploy/demo/target/"))
                .filter(entry -> !new File(entry).getName().startsWith("bluegreen-demo"))
                .toList();
        if (kept.stream().noneMatch(this::owns)) {
            throw new IllegalStateException("The classpath holds nothing of " + artifactId + " (module " + module
                    + "): build it first, e.g. mvn -pl deploy/demo -am verify");
        }
        return String.join(File.pathSeparator, kept);
    }

    private boolean owns(String entry) {
        String path = entry.replace('\\', '/');
        return path.contains("/" + module + "/target/") || new File(entry).getName().startsWith(artifactId + "-")
                || path.contains("/io/bluegreen/" + artifactId + "/");
    }
}
