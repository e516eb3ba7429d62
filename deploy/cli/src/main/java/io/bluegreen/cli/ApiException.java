package io.bluegreen.cli;

import com.fasterxml.jackson.databind.JsonNode;

import java.util.List;

/**
 * The coordinator answered with an error status. {@code problem} is its RFC 7807 body ({@code type}, {@code title},
 * {@code status}, {@code detail}, {@code errors[]}), or null when the body was not JSON ({@code text} holds it then).
 */
public final class ApiException extends CliException {

    private final int status;
    private final String method;
    private final String uri;
    private final transient JsonNode problem;

    public ApiException(int status, String method, String uri, JsonNode problem, String text, String user) {
        super(ExitCodes.forStatus(status), Render.problem(status, method, uri, problem, text, user));
        this.status = status;
        this.method = method;
        this.uri = uri;
        this.problem = problem;
    }

    public int status() {
        return status;
    }

    public String method() {
        return method;
    }

    public String uri() {
        return uri;
    }

    /** The problem+json body, or null. */
    public JsonNode problem() {
        return problem;
    }

    /** {@code field: problem} for each entry of {@code errors}. */
    public List<String> fieldErrors() {
        return Render.fieldErrors(problem);
    }
}
