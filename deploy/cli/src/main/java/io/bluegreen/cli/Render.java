package io.bluegreen.cli;

import com.fasterxml.jackson.databind.JsonNode;

import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** Text for people: an upgrade, a list of upgrades, a dry run, the audit trail, lag, and the API's problems. */
public final class Render {

    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss'Z'")
            .withZone(ZoneOffset.UTC);

    private Render() {
    }

    // ---- problems

    /**
     * The message of an error answer, {@code <what>, <where>, <what to do>}, then for a refused plan one line
     * {@code field: problem} per entry of {@code errors}.
     *
     * @param problem the problem+json body, or null when it was not JSON ({@code text} is used then)
     * @param user    the user the request was sent as, or null
     */
    public static String problem(int status, String method, String uri, JsonNode problem, String text, String user) {
        String detail = detail(status, problem, text);
        String where = method + " " + uri;
        List<String> fields = fieldErrors(problem);
        String first = switch (status) {
            case 400 -> fields.isEmpty()
                    ? "the coordinator refused the request (" + detail + "), " + where + ", correct it and run again"
                    : "the coordinator refused the plan (" + detail + "), " + where + ", fix these fields:";
            case 401 -> (user == null ? "the coordinator wants a login (" + detail + "), " + where
                    + ", set --user or BLUEGREEN_USER and the password in BLUEGREEN_PASSWORD or --password-file"
                    : "the coordinator refused the login of user '" + user + "' (" + detail + "), " + where
                    + ", check BLUEGREEN_USER and the password (BLUEGREEN_PASSWORD or --password-file)");
            case 403 -> (user == null ? "this needs a login (" + detail + ")" : "user '" + user + "' may not do this ("
                    + detail + ")") + ", " + where + ", ask for a user with the role it needs";
            case 404 -> "not found (" + detail + "), " + where + ", list the upgrades with 'bluegreen status'";
            case 409 -> "refused in this state (" + detail + activeUpgrade(problem) + "), " + where
                    + ", see what the upgrade allows now with 'bluegreen status <id>'";
            default -> status >= 500
                    ? "the coordinator could not answer (" + detail + "), " + where
                    + ", try again shortly; its /health says what is down"
                    : "unexpected answer (" + detail + "), " + where + ", check that --api names a bluegreen coordinator";
        };
        StringBuilder message = new StringBuilder(first);
        fields.forEach(line -> message.append(System.lineSeparator()).append("  ").append(line));
        return message.toString();
    }

    /** {@code field: problem} for each entry of a problem's {@code errors}. */
    public static List<String> fieldErrors(JsonNode problem) {
        List<String> lines = new ArrayList<>();
        if (problem != null && problem.path("errors").isArray()) {
            for (JsonNode error : problem.path("errors")) {
                lines.add(error.path("field").asText("?") + ": " + error.path("problem").asText(""));
            }
        }
        return lines;
    }

    private static String detail(int status, JsonNode problem, String text) {
        StringBuilder detail = new StringBuilder().append(status);
        if (problem != null && problem.isObject()) {
            String title = problem.path("title").asText("");
            String said = problem.path("detail").asText("");
            if (!title.isBlank()) {
                detail.append(' ').append(title);
            }
            if (!said.isBlank()) {
                detail.append(": ").append(said);
            }
        } else if (text != null && !text.isBlank()) {
            String flat = text.strip().replaceAll("\\s+", " ");
            detail.append(": ").append(flat.length() > 200 ? flat.substring(0, 200) + "..." : flat);
        }
        return detail.toString();
    }

    private static String activeUpgrade(JsonNode problem) {
        String active = problem == null ? "" : problem.path("activeUpgradeId").asText("");
        return active.isBlank() ? "" : "; active upgrade " + active;
    }

    // ---- one upgrade

    /** An upgrade as {@code GET /upgrades/{id}} shows it, one fact a line. */
    public static String view(JsonNode v, Instant now) {
        List<String[]> rows = new ArrayList<>();
        rows.add(row("upgrade", v.path("upgradeId").asText()));
        rows.add(row("blue", v.path("blue").asText() + " -> " + v.path("targetVersion").asText("?") + databases(v)));
        rows.add(row("phase", v.path("phase").asText()));
        if (has(v, "failedPhase")) {
            rows.add(row("failed phase", v.path("failedPhase").asText()));
        }
        if (has(v, "lastFailure")) {
            rows.add(row("last failure", v.path("lastFailure").asText()));
        }
        JsonNode waiting = v.path("waitingFor");
        if (waiting.isArray() && !waiting.isEmpty()) {
            boolean first = true;
            for (JsonNode pending : waiting) {
                rows.add(row(first ? "waiting for" : "", pending(pending, now)));
                first = false;
            }
        } else if (!ExitCodes.terminal(v.path("phase").asText())) {
            rows.add(row("waiting for", "no command in flight"));
        }
        JsonNode green = v.path("green");
        if (has(green, "identifier") || has(green, "host")) {
            rows.add(row("green", green(green)));
        }
        if (has(v, "snapshotLsn")) {
            rows.add(row("snapshot LSN", v.path("snapshotLsn").asText()
                    + (has(v, "snapshotLsnMethod") ? " (" + v.path("snapshotLsnMethod").asText() + ")" : "")));
        }
        if (v.path("switchover").isObject()) {
            rows.add(row("switchover", switchover(v.path("switchover"), now)));
        }
        if (v.path("writer").isObject()) {
            JsonNode w = v.path("writer");
            rows.add(row("writer", w.path("host").asText() + ":" + w.path("port").asText() + " (" + w.path("method").asText()
                    + ")" + (has(w, "fencedAt") ? ", fenced " + time(w.path("fencedAt").asText()) : "")
                    + (has(w, "provenAt") ? ", proven " + time(w.path("provenAt").asText()) : "")));
        }
        StringBuilder text = new StringBuilder();
        for (String[] r : rows) {
            text.append(String.format("%-13s %s%n", r[0], r[1]));
        }
        JsonNode perDatabase = v.path("perDatabase");
        if (perDatabase.isArray() && !perDatabase.isEmpty()) {
            List<String[]> table = new ArrayList<>();
            table.add(new String[]{"database", "slot advanced to", "subscription", "drained LSN", "sequences", "verified"});
            for (JsonNode d : perDatabase) {
                table.add(new String[]{d.path("database").asText(), orDash(d, "slotAdvancedTo"), orDash(d, "subscription"),
                        orDash(d, "drainedLsn"), orDash(d, "sequences"), orDash(d, "verified")});
            }
            text.append(table(table, "  "));
        }
        return text.toString();
    }

    private static String databases(JsonNode v) {
        JsonNode databases = v.path("databases");
        if (!databases.isArray() || databases.isEmpty()) {
            return "";
        }
        List<String> names = new ArrayList<>();
        databases.forEach(d -> names.add(d.asText()));
        return " (databases " + String.join(", ", names) + ")";
    }

    /** One command in flight: step, database, attempt, how long, deadline, re-sends, the agent's last progress. */
    static String pending(JsonNode p, Instant now) {
        StringBuilder text = new StringBuilder(p.path("step").asText());
        if (has(p, "database")) {
            text.append(" on ").append(p.path("database").asText());
        }
        text.append(" (attempt ").append(p.path("attempt").asInt(1));
        int resends = p.path("resends").asInt(0);
        if (resends > 0) {
            text.append(", re-sent ").append(resends).append(resends == 1 ? " time" : " times");
        }
        Instant dispatched = instant(p.path("dispatchedAt").asText(null));
        if (dispatched != null) {
            text.append(", for ").append(duration(Duration.between(dispatched, now)));
        }
        Instant deadline = instant(p.path("deadline").asText(null));
        if (deadline != null) {
            text.append(", deadline ").append(relative(deadline, now));
        }
        text.append(')');
        if (has(p, "progress")) {
            text.append(": ").append(p.path("progress").asText());
            if (has(p, "percent")) {
                text.append(" (").append(p.path("percent").asInt()).append("%)");
            }
            Instant at = instant(p.path("progressAt").asText(null));
            if (at != null) {
                text.append(", reported ").append(relative(at, now));
            }
        }
        return text.toString();
    }

    private static String green(JsonNode g) {
        StringBuilder text = new StringBuilder(g.path("identifier").asText("(no identifier)"));
        if (has(g, "host")) {
            text.append(" at ").append(g.path("host").asText()).append(':').append(g.path("port").asText("?"));
        }
        if (has(g, "engineVersion")) {
            text.append(", PostgreSQL ").append(g.path("engineVersion").asText());
        }
        JsonNode snapshots = g.path("snapshots");
        if (snapshots.isArray() && !snapshots.isEmpty()) {
            List<String> names = new ArrayList<>();
            snapshots.forEach(s -> names.add(s.asText()));
            text.append("; snapshots ").append(String.join(", ", names));
        }
        return text.toString();
    }

    private static String switchover(JsonNode s, Instant now) {
        StringBuilder text = new StringBuilder("attempt ").append(s.path("attempts").asInt()).append(" of ")
                .append(s.path("allowed").asInt()).append(", timeout ")
                .append(duration(Duration.ofMillis(s.path("timeoutMs").asLong()))).append(", repoint ")
                .append(s.path("repoint").asText("?").toLowerCase(Locale.ROOT));
        Instant deadline = instant(s.path("deadline").asText(null));
        if (deadline != null) {
            text.append(", deadline ").append(relative(deadline, now));
        }
        if (s.path("dataMismatch").asBoolean(false)) {
            text.append(", DATA MISMATCH found by the verification");
        }
        return text.toString();
    }

    // ---- the list

    /** One line per upgrade: id, Blue, phase, what it waits for, age ({@code ages} in the list's order, or null). */
    public static String list(JsonNode upgrades, List<Duration> ages, Instant now) {
        List<String[]> table = new ArrayList<>();
        table.add(new String[]{"ID", "BLUE", "PHASE", "WAITING FOR", "AGE"});
        int i = 0;
        for (JsonNode v : upgrades) {
            Duration age = ages == null || i >= ages.size() ? null : ages.get(i);
            table.add(new String[]{v.path("upgradeId").asText(), v.path("blue").asText(), phase(v), waiting(v),
                    age == null ? "-" : duration(age)});
            i++;
        }
        if (table.size() == 1) {
            return "no upgrades" + System.lineSeparator();
        }
        return table(table, "");
    }

    private static String phase(JsonNode v) {
        return v.path("phase").asText() + (has(v, "failedPhase") ? " (in " + v.path("failedPhase").asText() + ")" : "");
    }

    private static String waiting(JsonNode v) {
        JsonNode waiting = v.path("waitingFor");
        if (!waiting.isArray() || waiting.isEmpty()) {
            return "-";
        }
        List<String> steps = new ArrayList<>();
        for (JsonNode p : waiting) {
            steps.add(p.path("step").asText() + (has(p, "database") ? "(" + p.path("database").asText() + ")" : ""));
        }
        return String.join(", ", steps);
    }

    // ---- the dry run

    /** A dry run's answer: valid or not, the versions, the phases with their steps, the findings. */
    public static String dryRun(String source, JsonNode r) {
        StringBuilder text = new StringBuilder();
        boolean valid = r.path("valid").asBoolean(false) && errorFindings(r) == 0;
        text.append("plan ").append(source).append(": ").append(valid ? "valid" : "NOT valid");
        if (has(r, "blueVersion") || has(r, "targetVersion")) {
            text.append("; Blue ").append(r.path("blueVersion").asText("?")).append(" -> ")
                    .append(r.path("targetVersion").asText("?"));
        }
        JsonNode targets = r.path("validTargets");
        if (targets.isArray() && !targets.isEmpty()) {
            List<String> names = new ArrayList<>();
            targets.forEach(t -> names.add(t.asText()));
            text.append(" (valid targets: ").append(String.join(", ", names)).append(')');
        }
        text.append(System.lineSeparator());
        JsonNode phases = r.path("phases");
        if (phases.isArray() && !phases.isEmpty()) {
            text.append("phases:").append(System.lineSeparator());
            for (JsonNode phase : phases) {
                text.append("  ").append(phase.path("phase").asText()).append(System.lineSeparator());
                for (JsonNode step : phase.path("steps")) {
                    text.append("    ").append(step.asText()).append(System.lineSeparator());
                }
            }
        }
        JsonNode findings = r.path("findings");
        if (findings.isArray() && !findings.isEmpty()) {
            text.append("findings:").append(System.lineSeparator());
            for (JsonNode f : findings) {
                text.append(String.format("  %-8s %s: %s%n", f.path("severity").asText(), f.path("subject").asText(),
                        f.path("message").asText()));
            }
        } else {
            text.append("findings: none").append(System.lineSeparator());
        }
        return text.toString();
    }

    /** How many findings of a dry run have severity {@code error}. */
    public static int errorFindings(JsonNode r) {
        int errors = 0;
        for (JsonNode f : r.path("findings")) {
            if ("error".equalsIgnoreCase(f.path("severity").asText())) {
                errors++;
            }
        }
        return errors;
    }

    // ---- the audit trail and lag

    /** One entry of the audit trail: when, what, the details. */
    public static String timelineLine(JsonNode entry) {
        String detail = entry.path("detail").asText("").replaceAll("\\s*\\R\\s*", " ");
        return String.format("%s  %-26s %s", time(entry.path("at").asText()), entry.path("event").asText(), detail).stripTrailing();
    }

    /** Lag per database against the threshold, with the health of the worker and both servers. */
    public static String lag(JsonNode lag, Instant now) {
        StringBuilder text = new StringBuilder();
        text.append("lag of ").append(lag.path("upgradeId").asText()).append(" (threshold ")
                .append(bytes(lag.path("thresholdBytes").asLong())).append(") at ").append(TIME.format(now))
                .append(System.lineSeparator());
        JsonNode databases = lag.path("databases");
        if (!databases.isArray() || databases.isEmpty()) {
            return text.append("  no measurement yet (the monitor samples while the upgrade replicates)")
                    .append(System.lineSeparator()).toString();
        }
        long threshold = lag.path("thresholdBytes").asLong(-1);
        List<String[]> table = new ArrayList<>();
        table.add(new String[]{"database", "lag", "", "apply worker", "blue", "green", "measured"});
        for (JsonNode d : databases) {
            JsonNode bytes = d.path("lagBytes");
            boolean known = bytes.isNumber();
            String against = !known || threshold < 0 ? "" : bytes.asLong() <= threshold ? "under" : "OVER";
            Instant at = instant(d.path("measuredAt").asText(null));
            table.add(new String[]{d.path("database").asText(), known ? bytes(bytes.asLong()) : "unknown", against,
                    d.path("workerAlive").asBoolean(false) ? "alive" : "DOWN",
                    d.path("blueReachable").asBoolean(false) ? "reachable" : "UNREACHABLE",
                    d.path("greenReachable").asBoolean(false) ? "reachable" : "UNREACHABLE",
                    at == null ? "-" : relative(at, now)});
        }
        return text.append(table(table, "  ")).toString();
    }

    /** 512 B, 12.0 KiB, 3.4 MiB, 1.2 GiB. */
    public static String bytes(long bytes) {
        if (bytes < 1024) {
            return bytes + " B";
        }
        String[] units = {"KiB", "MiB", "GiB", "TiB"};
        double value = bytes;
        int unit = -1;
        while (value >= 1024 && unit < units.length - 1) {
            value /= 1024;
            unit++;
        }
        return String.format(Locale.ROOT, "%.1f %s", value, units[unit]);
    }

    // ---- time

    /** 850 ms, 42 s, 5m 03s, 3h 02m, 2d 04h. */
    public static String duration(Duration d) {
        if (d.isNegative()) {
            d = Duration.ZERO;
        }
        long seconds = d.toSeconds();
        if (seconds < 1) {
            return d.toMillis() + " ms";
        }
        if (seconds < 60) {
            return seconds + " s";
        }
        if (seconds < 3600) {
            return String.format("%dm %02ds", seconds / 60, seconds % 60);
        }
        if (seconds < 86400) {
            return String.format("%dh %02dm", seconds / 3600, seconds % 3600 / 60);
        }
        return String.format("%dd %02dh", seconds / 86400, seconds % 86400 / 3600);
    }

    /** {@code in 1m 50s} or {@code 12 s ago}. */
    static String relative(Instant at, Instant now) {
        return at.isAfter(now) ? "in " + duration(Duration.between(now, at)) : duration(Duration.between(at, now)) + " ago";
    }

    /** An ISO instant as {@code 2026-12-01 10:00:01Z}; anything else as it is. */
    static String time(String iso) {
        Instant at = instant(iso);
        return at == null ? String.valueOf(iso) : TIME.format(at.truncatedTo(ChronoUnit.SECONDS));
    }

    static Instant instant(String iso) {
        if (iso == null || iso.isBlank() || iso.equals("null")) {
            return null;
        }
        try {
            return Instant.parse(iso);
        } catch (DateTimeParseException e) {
            return null;
        }
    }

    // ---- helpers

    private static boolean has(JsonNode node, String field) {
        JsonNode value = node.path(field);
        return !value.isMissingNode() && !value.isNull() && !value.asText("").isEmpty();
    }

    private static String orDash(JsonNode node, String field) {
        return has(node, field) ? node.path(field).asText() : "-";
    }

    private static String[] row(String name, String value) {
        return new String[]{name, value};
    }

    /** Columns as wide as their widest cell; the first row is the header. */
    static String table(List<String[]> rows, String indent) {
        int columns = rows.get(0).length;
        int[] width = new int[columns];
        for (String[] r : rows) {
            for (int c = 0; c < columns; c++) {
                width[c] = Math.max(width[c], r[c].length());
            }
        }
        StringBuilder text = new StringBuilder();
        for (String[] r : rows) {
            StringBuilder line = new StringBuilder(indent);
            for (int c = 0; c < columns; c++) {
                line.append(c == columns - 1 ? r[c] : String.format("%-" + (width[c] + 2) + "s", r[c]));
            }
            text.append(line.toString().stripTrailing()).append(System.lineSeparator());
        }
        return text.toString();
    }
}
