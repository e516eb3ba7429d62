package io.bluegreen.aws.rds;

import io.bluegreen.schemas.common.Engine;

/** Engine names, versions and parameter group families as RDS spells them. */
public final class EngineVersions {

    private EngineVersions() {
    }

    /** {@code 16.13} -> 16; {@code 9.6.22} -> 9. */
    public static int major(String engineVersion) {
        if (engineVersion == null || engineVersion.isBlank()) {
            throw new IllegalArgumentException("No engine version");
        }
        return Integer.parseInt(engineVersion.split("\\.")[0]);
    }

    public static String engineName(Engine engine) {
        return switch (engine) {
            case AURORA_POSTGRESQL -> "aurora-postgresql";
            case POSTGRES -> "postgres";
            default -> throw new IllegalArgumentException("Engine " + engine + " is not set: say AURORA_POSTGRESQL or POSTGRES");
        };
    }

    /** {@code aurora-postgresql16}, {@code postgres17}. */
    public static String family(Engine engine, int major) {
        return engineName(engine) + major;
    }

    /** The parameter group bluegreen creates for a family: logical replication on, nothing else changed. */
    public static String logicalReplicationGroup(Engine engine, int major) {
        return "bluegreen-" + family(engine, major) + "-logical";
    }

    public static boolean isAurora(Engine engine) {
        return engine == Engine.AURORA_POSTGRESQL;
    }
}
