package io.bluegreen.cli;

import com.fasterxml.jackson.databind.JsonNode;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

import java.util.concurrent.Callable;

/** {@code bluegreen timeline ID}: the audit trail, one event a line. */
@Command(name = "timeline", description = "The audit trail of an upgrade, one event a line (when, what, the details): "
        + "GET /upgrades/{id}/events.")
final class TimelineCommand implements Callable<Integer> {

    @ParentCommand
    Main main;

    @Parameters(paramLabel = "ID", description = "the upgrade")
    String id;

    @Override
    public Integer call() {
        JsonNode events = main.api().get(Paths.upgrade(id, "events"));
        if (main.json()) {
            main.printJson(events);
        } else {
            for (JsonNode entry : events) {
                main.environment().out().println(Render.timelineLine(entry));
            }
        }
        return ExitCodes.OK;
    }
}
