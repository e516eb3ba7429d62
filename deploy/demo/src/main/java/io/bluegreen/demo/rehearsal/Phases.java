package io.bluegreen.demo.rehearsal;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** The phases of an upgrade with their start and end, read from its audit trail ({@code GET /upgrades/{id}/events}). */
public final class Phases {

    /** One entry of the audit trail, as the API shows it. */
    public record Event(Instant at, String event, String detail) {
    }

    /** A phase: entered at {@code start}, left at {@code end} (a final phase ends where it starts). */
    public record Phase(String name, Instant start, Instant end) {
    }

    private static final Pattern PHASE = Pattern.compile("(?:^|, )phase=([A-Z_]+)");

    private Phases() {
    }

    /** The phase the upgrade was in at {@code at}; empty before the first or after the last. */
    public static Optional<String> at(List<Phase> phases, Instant at) {
        for (Phase phase : phases) {
            if (!at.isBefore(phase.start()) && at.isBefore(phase.end())) {
                return Optional.of(phase.name());
            }
        }
        return Optional.empty();
    }

    /** From the {@code PhaseEntered} events, in order; each phase ends when the next is entered. */
    public static List<Phase> of(List<Event> events) {
        List<Phase> phases = new ArrayList<>();
        String current = null;
        Instant since = null;
        for (Event event : events) {
            if (!"PhaseEntered".equals(event.event()) || event.detail() == null || event.at() == null) {
                continue;
            }
            Matcher m = PHASE.matcher(event.detail());
            if (!m.find()) {
                continue;
            }
            if (current != null) {
                phases.add(new Phase(current, since, event.at()));
            }
            current = m.group(1);
            since = event.at();
        }
        if (current != null) {
            boolean last = current.equals("COMPLETED") || current.equals("FAILED") || current.equals("ROLLED_BACK");
            Instant end = last ? since : events.get(events.size() - 1).at();
            phases.add(new Phase(current, since, end == null || end.isBefore(since) ? since : end));
        }
        return phases;
    }
}
