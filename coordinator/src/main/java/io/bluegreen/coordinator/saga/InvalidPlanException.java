package io.bluegreen.coordinator.saga;

import java.util.List;
import java.util.stream.Collectors;

/** A plan that cannot be run as given: every problem, each naming its field and what to do. */
public final class InvalidPlanException extends IllegalArgumentException {

    private final transient List<PlanCheck.FieldProblem> problems;

    public InvalidPlanException(List<PlanCheck.FieldProblem> problems) {
        super("The plan has " + problems.size() + " problem(s): "
                + problems.stream().map(PlanCheck.FieldProblem::toString).collect(Collectors.joining("; ")));
        this.problems = List.copyOf(problems);
    }

    public InvalidPlanException(String field, String problem) {
        this(List.of(new PlanCheck.FieldProblem(field, problem)));
    }

    public List<PlanCheck.FieldProblem> problems() {
        return problems;
    }
}
