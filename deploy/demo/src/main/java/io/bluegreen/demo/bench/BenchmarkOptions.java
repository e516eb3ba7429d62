package io.bluegreen.demo.bench;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * The benchmark's command line: {@code --runs N} (5), {@code --rate R} writes/s over both writers (500; 0 = as fast
 * as acknowledged), {@code --repoint event|rename} (event), {@code --seed-rows N} (200000), {@code --output
 * text|json} (text), {@code --json-file PATH} (the JSON object written there too), {@code --verify-before-repoint}
 * (the plan verifies Green inside the fenced window instead of after the repoint), {@code --service-property
 * key=value} (repeatable: a Micronaut property for the services).
 */
record BenchmarkOptions(int runs, int rate, Repoint repoint, long seedRows, boolean json, Path jsonFile,
                        boolean verifyBeforeRepoint, Map<String, String> serviceProperties) {

    static final String USAGE = "usage: SwitchoverBenchmark [--runs N] [--rate WRITES_PER_S (0 = full speed)] "
            + "[--repoint event|rename] [--seed-rows N] [--output text|json] [--json-file PATH] [--verify-before-repoint] "
            + "[--service-property key=value ...]";

    /** How the writers learn about Green. */
    enum Repoint {
        /** From {@code WriterEndpointChanged} on {@code bluegreen.endpoints}. */
        EVENT,
        /** By re-resolving Blue's identifier (DescribeDBInstances) after a failed write. */
        RENAME;

        /** The plan's {@code repoint} value. */
        String planValue() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    static BenchmarkOptions parse(String... args) {
        int runs = 5;
        int rate = 500;
        Repoint repoint = Repoint.EVENT;
        long seedRows = 200_000;
        boolean json = false;
        Path jsonFile = null;
        boolean verifyBeforeRepoint = false;
        Map<String, String> properties = new LinkedHashMap<>();
        for (int i = 0; i < args.length; i++) {
            String arg = args[i];
            if (arg.isBlank()) {
                continue;
            }
            String name = arg;
            String value = null;
            int equals = arg.indexOf('=');
            if (arg.startsWith("--") && equals > 0) {
                name = arg.substring(0, equals);
                value = arg.substring(equals + 1);
            }
            if (name.equals("--help") || name.equals("-h")) {
                throw new IllegalArgumentException(USAGE);
            }
            if (name.equals("--verify-before-repoint") && value == null) {
                verifyBeforeRepoint = true;
                continue;
            }
            if (value == null) {
                if (i + 1 >= args.length) {
                    throw new IllegalArgumentException(name + " needs a value; " + USAGE);
                }
                value = args[++i];
            }
            switch (name) {
                case "--runs" -> runs = positive(name, value);
                case "--rate" -> rate = atLeastZero(name, value);
                case "--repoint" -> repoint = repoint(value);
                case "--seed-rows" -> seedRows = atLeastZero(name, value);
                case "--output" -> json = output(value);
                case "--json-file" -> jsonFile = Path.of(value);
                case "--service-property" -> {
                    int at = value.indexOf('=');
                    if (at <= 0) {
                        throw new IllegalArgumentException("--service-property takes key=value, not '" + value + "'");
                    }
                    properties.put(value.substring(0, at), value.substring(at + 1));
                }
                default -> throw new IllegalArgumentException("unknown option " + name + "; " + USAGE);
            }
        }
        return new BenchmarkOptions(runs, rate, repoint, seedRows, json, jsonFile, verifyBeforeRepoint,
                Map.copyOf(properties));
    }

    /** Time between two writes of one of {@code writers} writers; 0 at full speed. */
    long intervalNanos(int writers) {
        return rate == 0 ? 0 : 1_000_000_000L * writers / rate;
    }

    String rateText() {
        return rate == 0 ? "full speed" : rate + " writes/s";
    }

    private static Repoint repoint(String value) {
        try {
            return Repoint.valueOf(value.trim().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("--repoint is event or rename, not '" + value + "'");
        }
    }

    private static boolean output(String value) {
        return switch (value.trim().toLowerCase(Locale.ROOT)) {
            case "json" -> true;
            case "text" -> false;
            default -> throw new IllegalArgumentException("--output is text or json, not '" + value + "'");
        };
    }

    private static int positive(String name, String value) {
        int parsed = atLeastZero(name, value);
        if (parsed == 0) {
            throw new IllegalArgumentException(name + " must be at least 1");
        }
        return parsed;
    }

    private static int atLeastZero(String name, String value) {
        try {
            int parsed = Integer.parseInt(value.trim().replace("_", ""));
            if (parsed < 0) {
                throw new NumberFormatException();
            }
            return parsed;
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(name + " takes a whole number >= 0, not '" + value + "'");
        }
    }
}
