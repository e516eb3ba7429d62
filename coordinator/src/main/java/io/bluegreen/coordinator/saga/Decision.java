package io.bluegreen.coordinator.saga;

import org.apache.avro.specific.SpecificRecord;

import java.util.ArrayList;
import java.util.List;

/**
 * What the saga decided: events to append to {@code bluegreen.upgrade.events} (the new state is their fold) and
 * commands to publish, together, atomically.
 */
public record Decision(List<SpecificRecord> events, List<Outbound> commands) {

    public Decision {
        events = List.copyOf(events);
        commands = List.copyOf(commands);
    }

    public static Decision none() {
        return new Decision(List.of(), List.of());
    }

    public boolean isEmpty() {
        return events.isEmpty() && commands.isEmpty();
    }

    Decision and(Decision other) {
        List<SpecificRecord> e = new ArrayList<>(events);
        e.addAll(other.events);
        List<Outbound> c = new ArrayList<>(commands);
        c.addAll(other.commands);
        return new Decision(e, c);
    }
}
