package io.bluegreen.demo;

import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * What a rehearsal runs. Values are checked here, before anything starts; a value the local stack cannot run is an
 * {@link IllegalArgumentException} whose message says what to give instead.
 *
 * @param schema    a {@code .sql} file applied to every database instead of the demo's own schema (sent whole, as
 *                  one multi-statement query: dollar-quoted bodies and several statements per line work; it runs as
 *                  one implicit transaction, so no {@code CREATE INDEX CONCURRENTLY} or {@code VACUUM}); null: the
 *                  demo's schema
 * @param workload  a file of SQL statements, one per line ({@code --} lines and blank lines ignored), run by the
 *                  clients against every database, one transaction per statement; null: the demo's workload
 * @param databases the databases created on Blue and upgraded (default {@code app}, {@code billing})
 * @param clients   workload clients (default 4); each runs its statements round-robin over every database
 * @param rate      workload transactions per second over all clients; 0: as fast as the servers answer (default 200)
 * @param strategy  the plan's strategy: {@code snapshot}, the only one
 * @param timeout   how long to watch the upgrade before giving up (default 10 minutes)
 */
public record DemoOptions(Path schema, Path workload, List<String> databases, int clients, int rate, String strategy,
                          Duration timeout) {

    public static final List<String> DEFAULT_DATABASES = List.of("app", "billing");
    public static final int DEFAULT_CLIENTS = 4;
    public static final int DEFAULT_RATE = 200;
    public static final String DEFAULT_STRATEGY = "snapshot";
    public static final Duration DEFAULT_TIMEOUT = Duration.ofMinutes(10);

    private static final Pattern DATABASE = Pattern.compile("[a-z_][a-z0-9_]{0,62}");
    private static final Set<String> RESERVED = Set.of("postgres", "template0", "template1", "rdsadmin");

    /** Null {@code databases}, {@code strategy} or {@code timeout} take their default. */
    public DemoOptions {
        databases = databases == null || databases.isEmpty() ? DEFAULT_DATABASES : List.copyOf(databases);
        Set<String> seen = new HashSet<>();
        for (String database : databases) {
            if (database == null || !DATABASE.matcher(database).matches()) {
                throw new IllegalArgumentException("database name '" + database + "' is not usable: give lower-case "
                        + "letters, digits and underscores, starting with a letter or underscore (at most 63)");
            }
            if (RESERVED.contains(database)) {
                throw new IllegalArgumentException("database '" + database + "' is reserved by PostgreSQL or RDS: "
                        + "choose another name");
            }
            if (!seen.add(database)) {
                throw new IllegalArgumentException("database '" + database + "' is given twice");
            }
        }
        if (clients < 1) {
            throw new IllegalArgumentException("clients must be at least 1, not " + clients);
        }
        if (rate < 0) {
            throw new IllegalArgumentException("rate must be 0 (as fast as possible) or a number of statements per "
                    + "second, not " + rate);
        }
        strategy = runnableStrategy(strategy);
        timeout = timeout == null ? DEFAULT_TIMEOUT : timeout;
        if (timeout.isNegative() || timeout.isZero()) {
            throw new IllegalArgumentException("timeout must be positive, not " + timeout);
        }
    }

    /** The demo's own schema and workload, on {@code app} and {@code billing}, 4 clients at 200 statements/s. */
    public static DemoOptions defaults() {
        return new DemoOptions(null, null, DEFAULT_DATABASES, DEFAULT_CLIENTS, DEFAULT_RATE, DEFAULT_STRATEGY,
                DEFAULT_TIMEOUT);
    }

    public DemoOptions withSchema(Path schema) {
        return new DemoOptions(schema, workload, databases, clients, rate, strategy, timeout);
    }

    public DemoOptions withWorkload(Path workload) {
        return new DemoOptions(schema, workload, databases, clients, rate, strategy, timeout);
    }

    public DemoOptions withDatabases(List<String> databases) {
        return new DemoOptions(schema, workload, databases, clients, rate, strategy, timeout);
    }

    public DemoOptions withClients(int clients) {
        return new DemoOptions(schema, workload, databases, clients, rate, strategy, timeout);
    }

    public DemoOptions withRate(int rate) {
        return new DemoOptions(schema, workload, databases, clients, rate, strategy, timeout);
    }

    public DemoOptions withStrategy(String strategy) {
        return new DemoOptions(schema, workload, databases, clients, rate, strategy, timeout);
    }

    public DemoOptions withTimeout(Duration timeout) {
        return new DemoOptions(schema, workload, databases, clients, rate, strategy, timeout);
    }

    /** The strategy as the plan spells it: {@code snapshot}, the only one. */
    static String runnableStrategy(String strategy) {
        if (strategy == null || strategy.isBlank()) {
            return DEFAULT_STRATEGY;
        }
        String normalized = strategy.trim().toLowerCase(Locale.ROOT).replace('-', '_');
        if (!normalized.equals("snapshot")) {
            throw new IllegalArgumentException("unknown strategy '" + strategy + "': the only strategy is 'snapshot' "
                    + "(clone Blue, upgrade the clone, replicate from the clone's LSN)");
        }
        return normalized;
    }
}
