package io.bluegreen.demo.fleet;

import java.nio.file.Path;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.Locale;

/**
 * The fleet benchmark's command line: {@code --upgrades N} (10000), {@code --coordinators K} (2), {@code --no-kill}
 * (no coordinator is killed), {@code --timeout D} (30m; {@code 90s}, {@code 20m}, {@code PT1H} or seconds),
 * {@code --agent-delay D} (0: the simulated agents answer at once; otherwise after 0.5 D to 1.5 D, like steps that
 * take time), {@code --output text|json} (text), {@code --json-file PATH} (the JSON object written there too).
 */
public record FleetOptions(int upgrades, int coordinators, boolean kill, Duration timeout, Duration agentDelay,
                           boolean json, Path jsonFile) {

    static final String USAGE = "usage: FleetBenchmark [--upgrades N] [--coordinators K] [--no-kill] "
            + "[--timeout 30m] [--agent-delay 0] [--output text|json] [--json-file PATH]";

    /** The defaults: 10,000 upgrades, two coordinators, one killed half way, 30 minutes at most. */
    public static FleetOptions defaults() {
        return parse();
    }

    public static FleetOptions parse(String... args) {
        int upgrades = 10_000;
        int coordinators = 2;
        boolean kill = true;
        Duration timeout = Duration.ofMinutes(30);
        Duration agentDelay = Duration.ZERO;
        boolean json = false;
        Path jsonFile = null;
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
            if (name.equals("--no-kill") && value == null) {
                kill = false;
                continue;
            }
            if (value == null) {
                if (i + 1 >= args.length) {
                    throw new IllegalArgumentException(name + " needs a value; " + USAGE);
                }
                value = args[++i];
            }
            switch (name) {
                case "--upgrades" -> upgrades = positive(name, value);
                case "--coordinators" -> coordinators = positive(name, value);
                case "--timeout" -> timeout = duration(name, value);
                case "--agent-delay" -> agentDelay = value.trim().equals("0") ? Duration.ZERO : duration(name, value);
                case "--output" -> json = output(value);
                case "--json-file" -> jsonFile = Path.of(value);
                default -> throw new IllegalArgumentException("unknown option " + name + "; " + USAGE);
            }
        }
        return new FleetOptions(upgrades, coordinators, kill, timeout, agentDelay, json, jsonFile);
    }

    /** The same run with other sizes (tests use a small fleet). */
    public FleetOptions with(int upgrades, int coordinators, boolean kill, Duration timeout) {
        return new FleetOptions(upgrades, coordinators, kill, timeout, agentDelay, json, jsonFile);
    }

    /** Whether a coordinator is killed half way: asked for, and another one is left to take over. */
    boolean killsOne() {
        return kill && coordinators > 1;
    }

    private static Duration duration(String name, String value) {
        String text = value.trim().toLowerCase(Locale.ROOT);
        try {
            Duration parsed;
            if (text.startsWith("pt")) {
                parsed = Duration.parse(text.toUpperCase(Locale.ROOT));
            } else if (text.endsWith("ms")) {
                parsed = Duration.ofMillis(Long.parseLong(text.substring(0, text.length() - 2)));
            } else if (text.endsWith("s")) {
                parsed = Duration.ofSeconds(Long.parseLong(text.substring(0, text.length() - 1)));
            } else if (text.endsWith("m")) {
                parsed = Duration.ofMinutes(Long.parseLong(text.substring(0, text.length() - 1)));
            } else if (text.endsWith("h")) {
                parsed = Duration.ofHours(Long.parseLong(text.substring(0, text.length() - 1)));
            } else {
                parsed = Duration.ofSeconds(Long.parseLong(text));
            }
            if (parsed.isNegative() || parsed.isZero()) {
                throw new NumberFormatException();
            }
            return parsed;
        } catch (NumberFormatException | DateTimeParseException e) {
            throw new IllegalArgumentException(name + " takes a positive duration (90s, 20m, 1h, PT30M or seconds), not '"
                    + value + "'");
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
        try {
            int parsed = Integer.parseInt(value.trim().replace("_", ""));
            if (parsed < 1) {
                throw new NumberFormatException();
            }
            return parsed;
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(name + " takes a whole number >= 1, not '" + value + "'");
        }
    }
}
