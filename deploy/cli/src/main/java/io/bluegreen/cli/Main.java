package io.bluegreen.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ScopeType;
import picocli.CommandLine.Spec;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStreamWriter;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Properties;

/**
 * {@code bluegreen}: the command line of the coordinator's REST API (plan, start, status, approve, retry, rollback,
 * waive-verification, timeline, lag) and of the local stack (up, demo, bench). Every command takes {@code --output
 * json} (and then an error answer's problem document is printed on stdout too); exit codes are in {@link ExitCodes}. The environment, stdout and stderr come from an {@link Environment},
 * so tests run it in-process: {@code Main.commandLine(environment).execute(args)}.
 */
@Command(name = "bluegreen", scope = ScopeType.INHERIT, mixinStandardHelpOptions = true,
        versionProvider = Main.Version.class, sortOptions = false, usageHelpAutoWidth = true,
        description = "PostgreSQL major-version upgrades the blue/green way, through the coordinator's REST API, "
                + "and the embedded local stack to try them on.",
        subcommands = {PlanCommand.class, StartCommand.class, StatusCommand.class, DecideCommand.Approve.class,
                DecideCommand.Rollback.class, DecideCommand.Retry.class, DecideCommand.WaiveVerification.class,
                TimelineCommand.class, LagCommand.class, UpCommand.class, DemoCommand.class, BenchCommand.class},
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {"0:done", "1:the upgrade failed or is not proven",
                "2:bad input: a flag, a file, a plan refused, a login refused, an unknown upgrade, refused in this state",
                "3:the service cannot be reached or cannot answer (refused, timeout, 5xx)"},
        footerHeading = "%nEnvironment:%n",
        footer = {"  BLUEGREEN_API            the coordinator's URL (default " + Main.DEFAULT_API + ")",
                "  BLUEGREEN_USER           the API user (HTTP Basic)",
                "  BLUEGREEN_PASSWORD       its password",
                "  BLUEGREEN_PASSWORD_FILE  a file holding it (wins over BLUEGREEN_PASSWORD)%n"})
public final class Main implements Runnable {

    public static final String DEFAULT_API = "http://127.0.0.1:8080";

    static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    @Option(names = "--api", paramLabel = "URL", scope = ScopeType.INHERIT,
            description = "the coordinator's REST API (env BLUEGREEN_API, default " + DEFAULT_API + ")")
    String api;

    @Option(names = "--user", paramLabel = "NAME", scope = ScopeType.INHERIT,
            description = "log in as this user, HTTP Basic (env BLUEGREEN_USER); the password comes from "
                    + "--password-file or env BLUEGREEN_PASSWORD")
    String user;

    @Option(names = "--password-file", paramLabel = "FILE", scope = ScopeType.INHERIT,
            description = "a file holding the user's password (env BLUEGREEN_PASSWORD_FILE)")
    Path passwordFile;

    @Option(names = "--output", paramLabel = "text|json", scope = ScopeType.INHERIT,
            description = "text for people (default), or json: one JSON document on stdout")
    Output output = Output.TEXT;

    @Spec
    CommandSpec spec;

    private final Environment environment;

    public Main() {
        this(Environment.system());
    }

    public Main(Environment environment) {
        this.environment = environment;
    }

    public static void main(String[] args) {
        System.exit(commandLine(Environment.system()).execute(args));
    }

    /** The command line with its error handling, printing to the environment's stdout and stderr. */
    public static CommandLine commandLine(Environment environment) {
        CommandLine cmd = new CommandLine(new Main(environment));
        cmd.setCaseInsensitiveEnumValuesAllowed(true);
        cmd.setOut(new PrintWriter(new OutputStreamWriter(environment.out(), StandardCharsets.UTF_8), true));
        cmd.setErr(new PrintWriter(new OutputStreamWriter(environment.err(), StandardCharsets.UTF_8), true));
        cmd.setExecutionExceptionHandler((e, commandLine, parseResult) -> {
            if (e instanceof ApiException api && api.problem() != null && api.problem().isObject()
                    && commandLine.getCommandSpec().root().userObject() instanceof Main main && main.json()) {
                main.printJson(api.problem()); // scripts get the problem document; people read stderr
            }
            environment.out().flush();
            environment.err().println("bluegreen: " + message(e, commandLine));
            environment.err().flush();
            return ExitCodes.forException(e);
        });
        cmd.setParameterExceptionHandler((e, args) -> {
            CommandLine where = e.getCommandLine();
            environment.err().println("bluegreen: " + e.getMessage() + ", " + where.getCommandSpec().qualifiedName()
                    + ", see '" + where.getCommandSpec().qualifiedName() + " --help'");
            CommandLine.UnmatchedArgumentException.printSuggestions(e, where.getErr());
            where.getErr().flush();
            return ExitCodes.BAD_INPUT;
        });
        return cmd;
    }

    private static String message(Exception e, CommandLine where) {
        if (e instanceof CliException) {
            return e.getMessage();
        }
        if (e instanceof IOException io) {
            return "input or output failed (" + io + "), " + where.getCommandSpec().qualifiedName()
                    + ", check the files and the network and run it again";
        }
        return "unexpected error (" + e + "), " + where.getCommandSpec().qualifiedName()
                + ", run it again; if it repeats, report the command line and this message";
    }

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(), "name a command (plan, start, status, up, demo, ...)");
    }

    // ---- what the commands share

    public Environment environment() {
        return environment;
    }

    public Output output() {
        return output;
    }

    public boolean json() {
        return output == Output.JSON;
    }

    /** One JSON document on stdout. */
    public void printJson(JsonNode document) {
        try {
            environment.out().println(JSON.writeValueAsString(document));
            environment.out().flush();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** One JSON document on one line (a stream of them, one per sample). */
    public void printJsonLine(JsonNode document) {
        environment.out().println(document.toString());
        environment.out().flush();
    }

    /** The API's URL: --api, BLUEGREEN_API or the default. */
    public URI apiUrl() {
        String url = api != null ? api : environment.get("BLUEGREEN_API").orElse(DEFAULT_API);
        URI uri;
        try {
            uri = URI.create(url.trim());
        } catch (IllegalArgumentException e) {
            uri = null;
        }
        if (uri == null || uri.getHost() == null || !("http".equals(uri.getScheme()) || "https".equals(uri.getScheme()))) {
            throw CliException.badInput("the API URL '" + url + "' is not an http(s) URL with a host",
                    api != null ? "--api" : "BLUEGREEN_API", "give one like " + DEFAULT_API);
        }
        return uri;
    }

    /** A client of the API as the options and the environment say: the URL, and the user with its password. */
    public ApiClient api() {
        URI url = apiUrl();
        String name = user != null ? user : environment.get("BLUEGREEN_USER").orElse(null);
        return new ApiClient(url, name, name == null ? null : password(name));
    }

    /** --password-file, BLUEGREEN_PASSWORD_FILE, then BLUEGREEN_PASSWORD. Never printed. */
    private String password(String name) {
        Path file = passwordFile != null ? passwordFile
                : environment.get("BLUEGREEN_PASSWORD_FILE").map(Path::of).orElse(null);
        if (file != null) {
            String where = (passwordFile != null ? "--password-file " : "BLUEGREEN_PASSWORD_FILE ") + file;
            try {
                String text = Files.readString(file).strip();
                if (text.isEmpty()) {
                    throw CliException.badInput("the password file is empty", where, "write the password of '" + name
                            + "' into it");
                }
                return text;
            } catch (IOException e) {
                throw CliException.badInput("cannot read the password file (" + e.getClass().getSimpleName() + ")", where,
                        "give a readable file that holds the password of '" + name + "'");
            }
        }
        return environment.get("BLUEGREEN_PASSWORD").orElseThrow(() -> CliException.badInput("no password for user '"
                + name + "'", "BLUEGREEN_PASSWORD, BLUEGREEN_PASSWORD_FILE and --password-file are all unset",
                "set one of them (never a password on the command line)"));
    }

    /** The version this jar was built as. */
    public static String version() {
        Properties properties = new Properties();
        try (InputStream in = Main.class.getResourceAsStream("version.properties")) {
            if (in != null) {
                properties.load(in);
            }
        } catch (IOException e) {
            // no version resource: unknown
        }
        return properties.getProperty("version", "unknown");
    }

    /** {@code bluegreen <version>}. */
    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            return new String[]{"bluegreen " + version()};
        }
    }
}
