package io.bluegreen.cli;

import com.fasterxml.jackson.databind.JsonNode;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Callable;

/** {@code bluegreen start FILE [--wait]}: submits a plan and prints the upgrade's id. */
@Command(name = "start", description = {
        "Starts an upgrade from a plan (YAML or JSON): POST /upgrades. Prints its id.",
        "With --wait, follows it like 'status --watch' and exits 0 when it is COMPLETED, 1 when FAILED or ROLLED_BACK."})
final class StartCommand implements Callable<Integer> {

    @ParentCommand
    Main main;

    @Parameters(paramLabel = "FILE", description = "the plan, YAML or JSON")
    Path file;

    @Option(names = "--wait", description = "follow the upgrade until it is COMPLETED, FAILED or ROLLED_BACK")
    boolean await;

    @Option(names = "--interval", paramLabel = "DURATION", defaultValue = "1s", converter = DurationConverter.class,
            description = "how often --wait asks (default ${DEFAULT-VALUE})")
    Duration interval;

    @Override
    public Integer call() throws InterruptedException {
        JsonNode plan = PlanFile.read(file);
        ApiClient api = main.api();
        ApiClient.Answer answer = api.postForAnswer("/upgrades", plan);
        String id = answer.body().path("upgradeId").asText();
        Environment env = main.environment();
        env.err().println((answer.status() == 201 ? "started " : "already started (same upgradeId) ") + id + " on Blue "
                + answer.body().path("blue").asText() + ", phase " + answer.body().path("phase").asText()
                + (await ? "" : "; follow it with: bluegreen status " + id + " --watch"));
        if (!await) {
            if (main.json()) {
                main.printJson(answer.body());
            } else {
                env.out().println(id);
            }
            return ExitCodes.OK;
        }
        if (!main.json()) {
            env.out().println(id);
        }
        return new Watch(main, api, interval).follow(id);
    }
}
