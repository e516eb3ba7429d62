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

    /** The copy of Blue's parameter group with logical replication on that bluegreen attaches when allowed. */
    public static String logicalReplicationCopy(String blueIdentifier) {
        return "bluegreen-" + blueIdentifier + "-logical";
    }

    /** Green's parameter group of the target family, carrying Blue's custom parameters. */
    public static String targetGroup(String greenIdentifier) {
        return "bluegreen-" + greenIdentifier;
    }

    public static boolean isAurora(Engine engine) {
        return engine == Engine.AURORA_POSTGRESQL;
    }
}
