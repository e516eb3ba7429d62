package io.bluegreen.cli;

import com.fasterxml.jackson.databind.JsonNode;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

import java.nio.file.Path;
import java.util.concurrent.Callable;

/** {@code bluegreen plan FILE}: a dry run of a plan; nothing is started. */
@Command(name = "plan", description = {
        "Checks a plan (YAML or JSON) without starting anything: POST /upgrades?dryRun=true.",
        "Prints the phases and steps it would run and what the checks found.",
        "Exit 0 when it is valid with no finding of severity error, 1 when a finding is an error, 2 when the "
                + "coordinator refuses the plan (each field and its problem on stderr)."})
final class PlanCommand implements Callable<Integer> {

    @ParentCommand
    Main main;

    @Parameters(paramLabel = "FILE", description = "the plan, YAML or JSON")
    Path file;

    @Override
    public Integer call() {
        JsonNode plan = PlanFile.read(file);
        JsonNode answer = main.api().post("/upgrades?dryRun=true", plan);
        if (main.json()) {
            main.printJson(answer);
        } else {
            main.environment().out().print(Render.dryRun(file.toString(), answer));
        }
        boolean valid = answer.path("valid").asBoolean(false) && Render.errorFindings(answer) == 0;
        return valid ? ExitCodes.OK : ExitCodes.FAILED;
    }
}
