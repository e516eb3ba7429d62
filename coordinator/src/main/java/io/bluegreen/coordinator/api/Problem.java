package io.bluegreen.coordinator.api;

import io.bluegreen.coordinator.saga.PlanCheck;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.HttpStatus;
import io.micronaut.http.MutableHttpResponse;
import io.micronaut.serde.annotation.Serdeable;

import java.util.List;

/**
 * Every error of the API, Micronaut's own included ({@link ProblemBodies}), as RFC 7807 {@code application/problem+json}:
 * {@code type} names the kind ({@code urn:bluegreen:problem:<kind>}), {@code title} says it in words, {@code detail} what
 * went wrong and what to do. {@code errors} holds one entry per problem of a refused plan; {@code activeUpgradeId}
 * the upgrade already active on the same Blue.
 */
@Serdeable
public record Problem(String type, String title, int status, @Nullable String detail, @Nullable String activeUpgradeId,
                      @Nullable List<FieldError> errors) {

    public static final String CONTENT_TYPE = "application/problem+json";

    /** One problem of a plan: the field and what is wrong with it and what to do. */
    @Serdeable
    public record FieldError(String field, String problem) {

        static FieldError of(PlanCheck.FieldProblem problem) {
            return new FieldError(problem.field(), problem.problem());
        }
    }

    static Problem of(HttpStatus status, String kind, String detail) {
        return new Problem("urn:bluegreen:problem:" + kind, status.getReason(), status.getCode(), detail, null, null);
    }

    static Problem invalidPlan(List<PlanCheck.FieldProblem> problems) {
        return new Problem("urn:bluegreen:problem:invalid-plan", "Invalid plan", HttpStatus.BAD_REQUEST.getCode(),
                problems.size() + " problem(s); nothing was written", null, problems.stream().map(FieldError::of).toList());
    }

    Problem withActiveUpgrade(String upgradeId) {
        return new Problem(type, title, status, detail, upgradeId, errors);
    }

    MutableHttpResponse<Problem> response() {
        return HttpResponse.<Problem>status(HttpStatus.valueOf(status)).body(this).contentType(CONTENT_TYPE);
    }
}
