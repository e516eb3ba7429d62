package io.bluegreen.demo.kill;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.bluegreen.demo.process.Service;
import io.bluegreen.runtime.logging.LogContext;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import java.util.regex.Pattern;

/**
 * The logs the services wrote as JSON lines ({@code BLUEGREEN_LOG_FORMAT=json}), one file per incarnation
 * ({@code <module>-<n>.log}), read back and checked: every line is one JSON object naming its service, and the lines
 * about an upgrade's work name the upgrade, the command and the step.
 */
final class ServiceLogs {

    private static final ObjectMapper JSON = new ObjectMapper();
    /** A line of the readable text format ({@code 07:12:56.111 INFO ...}): the JSON format was not used. */
    private static final Pattern DISPATCHED_COMMAND = Pattern.compile("Dispatched \\w+ to bluegreen\\.\\w+\\.commands");
    private static final Pattern TEXT_LINE = Pattern.compile("^\\d\\d:\\d\\d:\\d\\d\\.\\d{3} .*");

    private ServiceLogs() {
    }

    /** Every broken promise of the JSON logs in {@code directory}; empty when they keep them all. */
    static List<String> problems(Path directory) throws IOException {
        List<String> problems = new ArrayList<>();
        Map<String, String> stepOfCommand = new HashMap<>();
        for (Service service : Service.values()) {
            List<JsonNode> lines = new ArrayList<>();
            try (var files = Files.list(directory)) {
                for (Path file : files.filter(f -> f.getFileName().toString().matches(service.module() + "-\\d+\\.log"))
                        .sorted().toList()) {
                    lines.addAll(read(file, service, problems));
                }
            }
            if (lines.isEmpty()) {
                problems.add(service.module() + " wrote no JSON log line in " + directory);
                continue;
            }
            for (JsonNode line : lines) {
                if (!line.path(LogContext.COMMAND_ID).asText().isEmpty()
                        && (line.path(LogContext.STEP).asText().isEmpty() || line.path(LogContext.UPGRADE_ID).asText().isEmpty())) {
                    problems.add(service.module() + " logged a command without its upgrade or step: " + line);
                }
            }
            switch (service) {
                // a command it sends (a notice such as WriterEndpointChanged names no command)
                case COORDINATOR -> require(problems, service, lines, "'Dispatched <command> to bluegreen.*.commands'",
                        line -> DISPATCHED_COMMAND.matcher(line.path("message").asText()).matches(),
                        ServiceLogs::namesUpgradeCommandAndStep, "the upgrade, the command and the step");
                case PG_AGENT, AWS_AGENT -> require(problems, service, lines, "about a step",
                        line -> !line.path(LogContext.STEP).asText().isEmpty(),
                        ServiceLogs::namesUpgradeCommandAndStep, "the upgrade, the command and the step");
                case MONITOR -> require(problems, service, lines, "'Watching upgrade'",
                        line -> line.path("message").asText().startsWith("Watching upgrade"),
                        line -> !line.path(LogContext.UPGRADE_ID).asText().isEmpty(), "the upgrade");
            }
            // one name per step across the services: what the coordinator dispatched is what the agents ran
            for (JsonNode line : lines) {
                String command = line.path(LogContext.COMMAND_ID).asText();
                String step = line.path(LogContext.STEP).asText();
                String named = command.isEmpty() || step.isEmpty() ? null : stepOfCommand.putIfAbsent(command, step);
                if (named != null && !named.equals(step)) {
                    problems.add(service.module() + " names command " + command + " step " + step + ", elsewhere "
                            + named);
                }
            }
        }
        return problems;
    }

    private static boolean namesUpgradeCommandAndStep(JsonNode line) {
        return !line.path(LogContext.UPGRADE_ID).asText().isEmpty() && !line.path(LogContext.COMMAND_ID).asText().isEmpty()
                && !line.path(LogContext.STEP).asText().isEmpty();
    }

    /** Lines that {@code select} picks must exist, and each must pass {@code check}. */
    private static void require(List<String> problems, Service service, List<JsonNode> lines, String which,
                                Predicate<JsonNode> select, Predicate<JsonNode> check, String what) {
        List<JsonNode> selected = lines.stream().filter(select).toList();
        if (selected.isEmpty()) {
            problems.add(service.module() + " wrote no line " + which);
        }
        selected.stream().filter(check.negate()).findFirst().ifPresent(line ->
                problems.add(service.module() + " logged a line " + which + " without " + what + ": " + line));
    }

    private static List<JsonNode> read(Path file, Service service, List<String> problems) throws IOException {
        List<String> text = Files.readAllLines(file);
        List<JsonNode> lines = new ArrayList<>();
        for (int i = 0; i < text.size(); i++) {
            String line = text.get(i);
            if (!line.startsWith("{")) {
                // what the JVM itself prints (class-data warnings, the archive's dump) is no log line
                if (TEXT_LINE.matcher(line).matches()) {
                    problems.add(file + ":" + (i + 1) + " is a text line, not JSON: " + line);
                }
                continue;
            }
            try {
                JsonNode node = JSON.readTree(line);
                if (!node.isObject() || !service.module().equals(node.path("service").asText())) {
                    problems.add(file + ":" + (i + 1) + " is not a log line of " + service.module() + ": " + line);
                } else {
                    lines.add(node);
                }
            } catch (IOException e) {
                // a process killed with SIGKILL may leave its last line half written
                if (i < text.size() - 1) {
                    problems.add(file + ":" + (i + 1) + " is not a JSON line: " + line);
                }
            }
        }
        return lines;
    }
}
