package io.bluegreen.demo.rehearsal;

import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.StringJoiner;

/** How the rehearsal prints an upgrade's progress: one line per change, from the API's view of the upgrade. */
public final class Progress {

    private Progress() {
    }

    /** The steps in flight: {@code waiting for CloneCluster, CreateSubscription(app): 40%}; empty when none. */
    public static String waiting(Map<?, ?> view) {
        if (!(view.get("waitingFor") instanceof List<?> pending) || pending.isEmpty()) {
            return "";
        }
        StringJoiner steps = new StringJoiner(", ", "waiting for ", "");
        for (Object item : pending) {
            if (item instanceof Map<?, ?> p) {
                steps.add(p.get("step") + (p.get("database") == null ? "" : "(" + p.get("database") + ")")
                        + (p.get("progress") == null ? "" : ": " + p.get("progress")));
            } else {
                steps.add(String.valueOf(item));
            }
        }
        return steps.toString();
    }

    /** {@code lag app 12.0 KiB, billing 0 B}; empty when nothing was measured. */
    public static String lag(Map<String, Long> bytesByDatabase) {
        if (bytesByDatabase.isEmpty()) {
            return "";
        }
        StringJoiner lag = new StringJoiner(", ", "lag ", "");
        bytesByDatabase.forEach((database, bytes) -> lag.add(database + " " + (bytes == null ? "?" : bytes(bytes))));
        return lag.toString();
    }

    public static String bytes(long bytes) {
        if (bytes < 1024) {
            return bytes + " B";
        }
        if (bytes < 1024 * 1024) {
            return String.format(Locale.ROOT, "%.1f KiB", bytes / 1024.0);
        }
        return String.format(Locale.ROOT, "%.1f MiB", bytes / (1024.0 * 1024));
    }

    /** {@code [  12.3 s] REPLICATING   waiting for ...; lag ...; 1234 writes committed}. */
    public static String line(double elapsedSeconds, String phase, String waiting, String lag, long committed) {
        StringJoiner detail = new StringJoiner("; ");
        if (!waiting.isEmpty()) {
            detail.add(waiting);
        }
        if (!lag.isEmpty()) {
            detail.add(lag);
        }
        detail.add(committed + " writes committed");
        return String.format(Locale.ROOT, "  [%6.1f s] %-22s %s", elapsedSeconds, phase, detail);
    }
}
