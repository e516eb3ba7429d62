package io.bluegreen.cli;

import com.fasterxml.jackson.databind.JsonNode;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

import java.io.PrintStream;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;

/** {@code bluegreen status [ID] [--watch]}: every upgrade, or one. */
@Command(name = "status", description = {
        "Without ID: every upgrade (id, Blue, phase, what it waits for, age): GET /upgrades.",
        "With ID: its phase, the failed phase and last failure, the commands it waits for with their progress, Green, "
                + "the switchover: GET /upgrades/{id}.",
        "--watch redraws until the upgrade is COMPLETED, FAILED or ROLLED_BACK (without ID: until every one is), or "
                + "Ctrl-C. With an ID the exit code is the final phase's: 1 for FAILED or ROLLED_BACK, else 0.",
        "With --output json and --watch, stdout gets the final view only (each phase on stderr)."})
final class StatusCommand implements Callable<Integer> {

    /** Beyond this many upgrades the list shows no age unless the API gives it. */
    static final int AGES_FROM_TIMELINES_UP_TO = 50;

    @ParentCommand
    Main main;

    @Parameters(arity = "0..1", paramLabel = "ID", description = "the upgrade (all of them when left out)")
    String id;

    @Option(names = "--watch", description = "keep showing it until it is finished, or Ctrl-C")
    boolean watch;

    @Option(names = "--interval", paramLabel = "DURATION", defaultValue = "1s", converter = DurationConverter.class,
            description = "how often --watch asks (default ${DEFAULT-VALUE})")
    Duration interval;

    @Override
    public Integer call() throws InterruptedException {
        ApiClient api = main.api();
        if (id != null) {
            if (watch) {
                return new Watch(main, api, interval).follow(id);
            }
            JsonNode view = api.get(Paths.upgrade(id));
            if (main.json()) {
                main.printJson(view);
            } else {
                main.environment().out().print(Render.view(view, Instant.now()));
            }
            return ExitCodes.forPhase(view.path("phase").asText());
        }
        Environment env = main.environment();
        PrintStream out = env.out();
        while (true) {
            JsonNode list = api.get("/upgrades");
            boolean done = allTerminal(list);
            if (main.json()) {
                if (!watch || done) {
                    main.printJson(list);
                }
            } else {
                Instant now = Instant.now();
                String table = Render.list(list, ages(api, list, now), now);
                if (watch && env.terminal()) {
                    out.print(Watch.CLEAR);
                    out.println(Render.time(now.toString()) + (done ? "" : "  (every " + Render.duration(interval)
                            + ", Ctrl-C to stop)"));
                } else if (watch) {
                    out.println("--- " + Render.time(now.toString()));
                }
                out.print(table);
                out.flush();
            }
            if (!watch || done) {
                return ExitCodes.OK;
            }
            Thread.sleep(interval.toMillis());
        }
    }

    private static boolean allTerminal(JsonNode list) {
        if (!list.isArray() || list.isEmpty()) {
            return false;
        }
        for (JsonNode view : list) {
            if (!ExitCodes.terminal(view.path("phase").asText())) {
                return false;
            }
        }
        return true;
    }

    /**
     * Each upgrade's age: from {@code startedAt} when the API gives it, else from the first entry of its audit trail
     * (for a list of at most {@link #AGES_FROM_TIMELINES_UP_TO}).
     */
    private static List<Duration> ages(ApiClient api, JsonNode list, Instant now) {
        List<Duration> ages = new ArrayList<>();
        boolean askTimelines = list.size() <= AGES_FROM_TIMELINES_UP_TO;
        for (JsonNode view : list) {
            Instant started = Render.instant(view.path("startedAt").asText(null));
            if (started == null && askTimelines) {
                JsonNode events = api.get(Paths.upgrade(view.path("upgradeId").asText(), "events"));
                if (events.isArray() && !events.isEmpty()) {
                    started = Render.instant(events.get(0).path("at").asText(null));
                }
            }
            ages.add(started == null ? null : Duration.between(started, now));
        }
        return ages;
    }
}
