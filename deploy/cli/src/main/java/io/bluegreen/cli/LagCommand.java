package io.bluegreen.cli;

import com.fasterxml.jackson.databind.JsonNode;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.Callable;

/** {@code bluegreen lag ID [--follow]}: replication lag per database. */
@Command(name = "lag", description = {
        "Replication lag of an upgrade per database against its threshold, with the apply worker and both servers: "
                + "GET /upgrades/{id}/lag.",
        "--follow prints a new block every interval until the upgrade is COMPLETED, FAILED or ROLLED_BACK, or Ctrl-C; "
                + "with --output json, one JSON document a line."})
final class LagCommand implements Callable<Integer> {

    @ParentCommand
    Main main;

    @Parameters(paramLabel = "ID", description = "the upgrade")
    String id;

    @Option(names = "--follow", description = "keep printing until the upgrade is finished, or Ctrl-C")
    boolean follow;

    @Option(names = "--interval", paramLabel = "DURATION", defaultValue = "2s", converter = DurationConverter.class,
            description = "how often --follow asks (default ${DEFAULT-VALUE})")
    Duration interval;

    @Override
    public Integer call() throws InterruptedException {
        ApiClient api = main.api();
        while (true) {
            JsonNode lag = api.get(Paths.upgrade(id, "lag"));
            if (main.json()) {
                if (follow) {
                    main.printJsonLine(lag);
                } else {
                    main.printJson(lag);
                }
            } else {
                main.environment().out().print(Render.lag(lag, Instant.now()));
                main.environment().out().flush();
            }
            if (!follow || ExitCodes.terminal(phase(api, lag))) {
                return ExitCodes.OK;
            }
            Thread.sleep(interval.toMillis());
        }
    }

    /** The upgrade's phase: in the lag answer, or asked for. */
    private String phase(ApiClient api, JsonNode lag) {
        String phase = lag.path("phase").asText("");
        return phase.isEmpty() ? api.get(Paths.upgrade(id)).path("phase").asText() : phase;
    }
}
