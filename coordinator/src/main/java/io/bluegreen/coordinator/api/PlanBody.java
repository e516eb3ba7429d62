package io.bluegreen.coordinator.api;

import io.bluegreen.coordinator.saga.InvalidPlanException;
import io.bluegreen.coordinator.saga.PlanCheck;
import io.micronaut.core.type.Argument;
import io.micronaut.serde.ObjectMapper;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Reads a plan's JSON: every field must be one the plan knows, and no secret may travel in it (credentials go by
 * reference). Every problem is reported at once, with the rest of the plan's checks.
 */
final class PlanBody {

    /** Names that hold a secret: refused wherever they appear. */
    static final Pattern SECRET = Pattern.compile("(?i).*(password|passwd|secret|token|private.?key|access.?key).*");

    private PlanBody() {
    }

    static PlanRequest read(ObjectMapper json, String body) {
        Map<String, Object> fields;
        try {
            fields = body == null || body.isBlank() ? null : json.readValue(body, Argument.mapOf(String.class, Object.class));
        } catch (IOException | RuntimeException e) {
            throw new InvalidPlanException("body", "not a JSON object (" + firstLine(e.getMessage()) + ")");
        }
        if (fields == null) {
            throw new InvalidPlanException("body", "empty: send the plan as a JSON object");
        }
        List<PlanCheck.FieldProblem> problems = new ArrayList<>(fieldProblems(fields));
        PlanRequest request;
        try {
            request = json.readValue(body, PlanRequest.class);
        } catch (IOException | RuntimeException e) {
            problems.add(new PlanCheck.FieldProblem("body", "a value has the wrong type (" + firstLine(e.getMessage()) + ")"));
            throw new InvalidPlanException(problems);
        }
        if (!problems.isEmpty()) {
            try {
                problems.addAll(PlanCheck.problems(request.toPlan()));
            } catch (InvalidPlanException e) {
                problems.addAll(e.problems());
            }
            throw new InvalidPlanException(problems);
        }
        return request;
    }

    /** Unknown fields and inline secrets, in the plan and in its {@code blue}. */
    static List<PlanCheck.FieldProblem> fieldProblems(Map<String, Object> fields) {
        List<PlanCheck.FieldProblem> problems = new ArrayList<>();
        check("", fields, PlanRequest.fields(), problems);
        if (fields.get("blue") instanceof Map<?, ?> blue) {
            @SuppressWarnings("unchecked")
            Map<String, Object> blueFields = (Map<String, Object>) blue;
            check("blue.", blueFields, PlanRequest.blueFields(), problems);
        }
        return problems;
    }

    private static void check(String prefix, Map<String, Object> fields, Set<String> known, List<PlanCheck.FieldProblem> problems) {
        for (String name : fields.keySet()) {
            if (SECRET.matcher(name).matches()) {
                problems.add(new PlanCheck.FieldProblem(prefix + name, "secrets are refused in a plan (it is kept in the audit "
                        + "trail): name credentials configured on the agents with " + prefix + "credentialsRef instead"));
            } else if (!known.contains(name)) {
                problems.add(new PlanCheck.FieldProblem(prefix + name, "unknown field: remove it; the known ones are " + known));
            }
        }
    }

    private static String firstLine(String message) {
        if (message == null) {
            return "unreadable";
        }
        int newline = message.indexOf('\n');
        return newline < 0 ? message : message.substring(0, newline);
    }
}
