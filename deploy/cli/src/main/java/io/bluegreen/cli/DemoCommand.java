package io.bluegreen.cli;

import io.bluegreen.demo.DemoOptions;
import io.bluegreen.demo.DemoRun;
import io.bluegreen.demo.LocalStack;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Callable;

/** {@code bluegreen demo}: one whole upgrade on the embedded local stack, proven at the end. */
@Command(name = "demo", description = {
        "One whole upgrade on the embedded local stack: an RDS PostgreSQL 16 instance with its databases and an "
                + "application writing to it is upgraded to 17, then proven: every committed write on Green, "
                + "sequences synced, tables compared.",
        "Exit 0 only when proven, 1 otherwise, 2 on bad input. With --output json, stdout holds the report as one JSON "
                + "document and progress goes to stderr."})
final class DemoCommand implements Callable<Integer> {

    @ParentCommand
    Main main;

    @Option(names = "--schema", paramLabel = "FILE.sql",
            description = "SQL applied to every database instead of the demo's schema (sent whole: several statements, "
                    + "dollar-quoted bodies; one transaction)")
    Path schema;

    @Option(names = "--workload", paramLabel = "FILE.sql",
            description = "SQL statements, one a line, run by the clients against every database during the upgrade")
    Path workload;

    @Option(names = "--databases", paramLabel = "a,b", split = ",",
            description = "the databases created on Blue and upgraded (default app,billing)")
    List<String> databases;

    @Option(names = "--rate", paramLabel = "N",
            description = "workload statements per second over all clients; 0 = as fast as the servers answer "
                    + "(default " + DemoOptions.DEFAULT_RATE + ")")
    Integer rate;

    @Option(names = "--clients", paramLabel = "N", description = "workload clients (default " + DemoOptions.DEFAULT_CLIENTS + ")")
    Integer clients;

    @Option(names = "--strategy", paramLabel = "S", description = "the plan's strategy: snapshot, the default "
            + "and only one")
    String strategy;

    @Option(names = "--timeout", paramLabel = "DURATION", converter = DurationConverter.class,
            description = "how long to watch the upgrade before giving up (default 10m)")
    Duration timeout;

    @Override
    public Integer call() throws Exception {
        DemoOptions options = options();
        Environment env = main.environment();
        PrintStream progress = main.json() ? env.err() : env.out();
        DemoRun.Report report;
        try {
            report = new DemoRun(progress, options, LocalStack.generatedMasterPassword()).run();
        } catch (IllegalArgumentException e) { // a file missing, empty or unreadable, or a schema Blue refused
            throw CliException.badInput(e.getMessage(), "bluegreen demo", "fix the file and run it again");
        }
        if (main.json()) {
            env.out().println(report.toJson());
            env.out().flush();
        }
        return report.proven() ? ExitCodes.OK : ExitCodes.FAILED;
    }

    /** The options as {@link DemoOptions} checks them; a file that cannot be read or a bad value is exit 2. */
    DemoOptions options() {
        readable("--schema", schema);
        readable("--workload", workload);
        try {
            DemoOptions options = DemoOptions.defaults().withSchema(schema).withWorkload(workload);
            if (databases != null) {
                options = options.withDatabases(databases.stream().map(String::strip).filter(s -> !s.isEmpty()).toList());
            }
            if (clients != null) {
                options = options.withClients(clients);
            }
            if (rate != null) {
                options = options.withRate(rate);
            }
            if (strategy != null) {
                options = options.withStrategy(strategy);
            }
            if (timeout != null) {
                options = options.withTimeout(timeout);
            }
            return options;
        } catch (IllegalArgumentException e) {
            throw CliException.badInput(e.getMessage(), "bluegreen demo", "see 'bluegreen demo --help'");
        }
    }

    private static void readable(String option, Path file) {
        if (file == null) {
            return;
        }
        if (!Files.isRegularFile(file)) {
            throw CliException.badInput("no such file", option + " " + file, "give the path of a .sql file");
        }
        if (!Files.isReadable(file)) {
            throw CliException.badInput("cannot read the file (permission denied)", option + " " + file,
                    "make it readable to this user");
        }
    }
}
