package io.bluegreen.local.rds;

import io.bluegreen.local.postgres.PostgresBinaries;

/**
 * An engine version as RDS writes it ({@code 16.4}, {@code 17}) and the PostgreSQL major that backs it.
 *
 * @param text  the version as the caller gave it (reported back as AWS does)
 * @param major the major version: 16 or 17 here
 */
public record EngineVersion(String text, int major) {

    public static final String AURORA = "aurora-postgresql";
    public static final String POSTGRES = "postgres";

    /** Parses and checks that the local stack has binaries for this major. */
    public static EngineVersion parse(String text) {
        String[] parts = text.split("\\.");
        int major;
        try {
            major = Integer.parseInt(parts[0]);
        } catch (NumberFormatException e) {
            throw RdsFault.invalidParameter("Invalid EngineVersion '" + text + "': expected e.g. 16.4 or 17.2");
        }
        if (!PostgresBinaries.SUPPORTED_MAJORS.contains(major) || !EngineCatalog.offers(POSTGRES, text)) {
            throw RdsFault.invalidCombination("Cannot find version " + text + " for the local engines (majors "
                    + PostgresBinaries.SUPPORTED_MAJORS + ", minors 1 .. " + EngineCatalog.LATEST_MINOR
                    + "; DescribeDBEngineVersions lists them)");
        }
        return new EngineVersion(text, major);
    }

    public static EngineVersion defaultVersion() {
        return new EngineVersion("16.15", 16);
    }

    /** The parameter group family of this engine and major, e.g. {@code aurora-postgresql16}. */
    public String family(String engine) {
        return engine + major;
    }

    static String checkEngine(String engine) {
        if (!AURORA.equals(engine) && !POSTGRES.equals(engine)) {
            throw RdsFault.invalidParameter("Invalid DB engine: " + engine + " (the local endpoint runs "
                    + AURORA + " and " + POSTGRES + ")");
        }
        return engine;
    }

    @Override
    public String toString() {
        return text;
    }
}
