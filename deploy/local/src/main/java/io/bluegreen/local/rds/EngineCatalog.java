package io.bluegreen.local.rds;

import io.bluegreen.local.postgres.PostgresBinaries;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The engine versions the local endpoint offers, as {@code DescribeDBEngineVersions} lists them: for each of
 * {@code postgres} and {@code aurora-postgresql}, minors 1 .. {@link #LATEST_MINOR} of every major the local stack has
 * binaries for. A version's valid upgrade targets are the later minors of its major and every version of the next
 * majors (RDS only lists majors whose binaries exist). A version outside the catalogue does not exist, as on AWS.
 */
final class EngineCatalog {

    /** The newest minor per major offered here (RDS PostgreSQL 16.15 / 17.11 are among the newest AWS lists). */
    static final int LATEST_MINOR = 15;

    /** One listed version and the versions it may be upgraded to. */
    record Listed(String engine, String version, int major, List<Target> targets) {
        String family() {
            return engine + major;
        }
    }

    /** An upgrade target of a listed version. */
    record Target(String engine, String version, boolean majorUpgrade) {
    }

    private EngineCatalog() {
    }

    static List<String> versions(int major) {
        List<String> versions = new ArrayList<>();
        for (int minor = 1; minor <= LATEST_MINOR; minor++) {
            versions.add(major + "." + minor);
        }
        return versions;
    }

    /** Whether the engine offers this version: a listed {@code major.minor}, or a bare major (its default minor). */
    static boolean offers(String engine, String version) {
        return find(engine, version).isPresent() || PostgresBinaries.SUPPORTED_MAJORS.stream()
                .anyMatch(major -> version.equals(Integer.toString(major)));
    }

    static Optional<Listed> find(String engine, String version) {
        return list(engine, Optional.of(version), Optional.empty()).stream().findFirst();
    }

    /** What {@code DescribeDBEngineVersions} answers for an engine, optionally one version, optionally one family. */
    static List<Listed> list(String engine, Optional<String> version, Optional<String> family) {
        List<Listed> listed = new ArrayList<>();
        for (int major : PostgresBinaries.SUPPORTED_MAJORS) {
            for (String v : versions(major)) {
                if (version.map(v::equals).orElse(true) && family.map((engine + major)::equals).orElse(true)) {
                    listed.add(new Listed(engine, v, major, targets(engine, major, v)));
                }
            }
        }
        return listed;
    }

    private static List<Target> targets(String engine, int major, String version) {
        int minor = Integer.parseInt(version.substring(version.indexOf('.') + 1));
        List<Target> targets = new ArrayList<>();
        for (int later : PostgresBinaries.SUPPORTED_MAJORS) {
            for (String v : versions(later)) {
                int m = Integer.parseInt(v.substring(v.indexOf('.') + 1));
                if (later > major || (later == major && m > minor)) {
                    targets.add(new Target(engine, v, later > major));
                }
            }
        }
        return targets;
    }
}
