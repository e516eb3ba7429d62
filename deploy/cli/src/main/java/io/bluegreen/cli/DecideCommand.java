package io.bluegreen.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

import java.util.concurrent.Callable;

/**
 * A user's decision on an upgrade: {@code POST /upgrades/{id}/<action>}, with {@code {"reason": ...}} for a rollback
 * and a waiver (an approval and a retry record who and when, not why). Who decides is the login, not a field. 409
 * when the upgrade's phase does not allow it.
 */
abstract class DecideCommand implements Callable<Integer> {

    @ParentCommand
    Main main;

    @Parameters(index = "0", paramLabel = "ID", description = "the upgrade")
    String id;

    abstract String action();

    abstract String reason();

    abstract String done();

    @Override
    public Integer call() {
        ObjectNode body = JsonNodeFactory.instance.objectNode();
        if (reason() != null) {
            body.put("reason", reason());
        }
        JsonNode view = main.api().post(Paths.upgrade(id, action()), body);
        if (main.json()) {
            main.printJson(view);
        } else {
            main.environment().out().println(done() + " " + view.path("upgradeId").asText(id) + ": phase "
                    + view.path("phase").asText());
        }
        return ExitCodes.OK;
    }

    @Command(name = "approve", description = {"Approves the switchover of an upgrade waiting for it (switchoverMode "
            + "manual): POST /upgrades/{id}/approve.", "Exit 2 when the upgrade is in a phase that does not allow it."})
    static final class Approve extends DecideCommand {
        String action() {
            return "approve";
        }

        String reason() {
            return null; // the audit trail records who and when
        }

        String done() {
            return "approved";
        }
    }

    @Command(name = "rollback", description = {"Rolls an upgrade back (before its switchover): every step dispatched is "
            + "undone, newest first. POST /upgrades/{id}/rollback.",
            "Exit 2 when the phase does not allow it (after the switchover, or finished)."})
    static final class Rollback extends DecideCommand {
        @Option(names = "--reason", paramLabel = "TEXT", required = true, description = "why, for the audit trail")
        String reason;

        String action() {
            return "rollback";
        }

        String reason() {
            return reason;
        }

        String done() {
            return "rolling back";
        }
    }

    @Command(name = "retry", description = {"Retries a FAILED upgrade from the stage that failed: "
            + "POST /upgrades/{id}/retry.", "Exit 2 when it is not FAILED."})
    static final class Retry extends DecideCommand {
        String action() {
            return "retry";
        }

        String reason() {
            return null; // the audit trail records who and when
        }

        String done() {
            return "retrying";
        }
    }

    @Command(name = "waive-verification", description = {"Accepts Green without the data verification that failed or "
            + "could not be done after the switchover, with a reason kept in the audit trail: "
            + "POST /upgrades/{id}/waive-verification.", "Exit 2 in any other state."})
    static final class WaiveVerification extends DecideCommand {
        @Option(names = "--reason", paramLabel = "TEXT", required = true,
                description = "how Green was checked against the fenced Blue")
        String reason;

        String action() {
            return "waive-verification";
        }

        String reason() {
            return reason;
        }

        String done() {
            return "verification waived for";
        }
    }
}
