package io.bluegreen.cli;

import com.fasterxml.jackson.databind.JsonNode;

import java.io.PrintStream;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;

/**
 * Follows one upgrade until it is COMPLETED, FAILED or ROLLED_BACK (or Ctrl-C). Text on a terminal: redrawn in place;
 * text elsewhere: a new block each time the upgrade changes; JSON: each phase on stderr, the final view on stdout.
 */
final class Watch {

    static final String CLEAR = "\033[H\033[2J";

    private final Main main;
    private final ApiClient api;
    private final Duration interval;
    private final Clock clock;

    Watch(Main main, ApiClient api, Duration interval) {
        this(main, api, interval, Clock.systemUTC());
    }

    Watch(Main main, ApiClient api, Duration interval, Clock clock) {
        this.main = main;
        this.api = api;
        this.interval = interval;
        this.clock = clock;
    }

    /** @return the exit code of the final phase ({@link ExitCodes#forPhase}) */
    int follow(String id) throws InterruptedException {
        Environment env = main.environment();
        PrintStream out = env.out();
        String lastSeen = null;
        String lastPhase = null;
        while (true) {
            JsonNode view = api.get(Paths.upgrade(id));
            Instant now = clock.instant();
            String phase = view.path("phase").asText();
            boolean done = ExitCodes.terminal(phase);
            if (main.json()) {
                if (!phase.equals(lastPhase)) {
                    env.err().println(Render.time(now.toString()) + "  " + id + "  " + phase);
                }
                if (done) {
                    main.printJson(view);
                }
            } else if (env.terminal()) {
                out.print(CLEAR);
                out.println(header(now, done));
                out.print(Render.view(view, now));
                out.flush();
            } else if (!view.toString().equals(lastSeen)) {
                out.println("--- " + Render.time(now.toString()));
                out.print(Render.view(view, now));
                out.flush();
            }
            lastSeen = view.toString();
            lastPhase = phase;
            if (done) {
                return ExitCodes.forPhase(phase);
            }
            Thread.sleep(interval.toMillis());
        }
    }

    private String header(Instant now, boolean done) {
        return Render.time(now.toString()) + (done ? "" : "  (every " + Render.duration(interval) + ", Ctrl-C to stop)");
    }
}
