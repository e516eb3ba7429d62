package io.bluegreen.coordinator.saga;

import io.bluegreen.coordinator.saga.Transitions.Transition;
import io.bluegreen.coordinator.saga.Transitions.Trigger;
import io.bluegreen.schemas.common.UpgradePhase;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** docs/saga.md and the code say the same: its transition table and its step table. */
class TransitionsDocTest {

    private static final Path DOC = Path.of("..", "docs", "saga.md");

    /** The rows of the first table under {@code ## heading}, each as its cells. */
    private static List<List<String>> table(String heading) throws IOException {
        List<String> lines = Files.readAllLines(DOC);
        int at = lines.indexOf("## " + heading);
        assertTrue(at >= 0, "docs/saga.md has no section '## " + heading + "'");
        List<List<String>> rows = new ArrayList<>();
        boolean inTable = false;
        for (String line : lines.subList(at + 1, lines.size())) {
            if (line.startsWith("## ")) {
                break;
            }
            if (line.startsWith("|")) {
                inTable = true;
                List<String> cells = Arrays.stream(line.substring(1, line.lastIndexOf('|')).split("\\|")).map(String::trim).toList();
                if (!cells.get(0).startsWith("---")) {
                    rows.add(cells);
                }
            } else if (inTable) {
                break;
            }
        }
        return rows.subList(1, rows.size()); // the header
    }

    @Test
    void theDocumentedTransitionsAreExactlyTheCodes() throws IOException {
        Set<Transition> documented = new HashSet<>();
        for (List<String> row : table("Transitions")) {
            assertEquals(3, row.size(), "a transition row is | From | To | Trigger |: " + row);
            documented.add(new Transition(UpgradePhase.valueOf(row.get(0)), UpgradePhase.valueOf(row.get(1)),
                    Trigger.valueOf(row.get(2))));
        }
        Set<Transition> onlyInDoc = new HashSet<>(documented);
        onlyInDoc.removeAll(Transitions.legal());
        Set<Transition> onlyInCode = new HashSet<>(Transitions.legal());
        onlyInCode.removeAll(documented);
        assertEquals(Set.of(), onlyInDoc, "docs/saga.md allows transitions the saga does not make");
        assertEquals(Set.of(), onlyInCode, "the saga makes transitions docs/saga.md does not list");
        assertEquals(Transitions.legal().size(), table("Transitions").size(), "each transition is listed once");
    }

    @Test
    void theDocumentedStepsAreTheEnum() throws IOException {
        List<List<String>> rows = table("Steps");
        assertEquals(Step.values().length, rows.size(), "one row per step");
        for (List<String> row : rows) {
            Step step = Step.of(row.get(0));
            assertEquals(step.commandName(), row.get(1), step + ": command");
            assertEquals(step.agent(), row.get(2), step + ": agent");
            assertEquals(step.perDatabase() ? "each database" : "once", row.get(3), step + ": runs");
            if (step != Step.RUN_SWITCHOVER) {
                assertEquals(text(step.defaultTimeout()), row.get(4), step + ": default timeout");
            }
            assertEquals(step.undo().map(Step::recordedName).orElse("-"), row.get(5), step + ": undo");
        }
    }

    private static String text(Duration duration) {
        long minutes = duration.toMinutes();
        long seconds = duration.minusMinutes(minutes).toSeconds();
        return (minutes > 0 ? minutes + " min" : "") + (seconds > 0 ? (minutes > 0 ? " " : "") + seconds + " s" : "");
    }
}
