package io.bluegreen.coordinator.api;

import io.micronaut.context.annotation.Replaces;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.HttpStatus;
import io.micronaut.http.server.exceptions.response.ErrorContext;
import io.micronaut.http.server.exceptions.response.JsonErrorResponseBodyProvider;
import jakarta.inject.Singleton;

import java.util.Locale;
import java.util.stream.Collectors;

/**
 * Micronaut's own errors (a body that is not JSON, an unknown path, a wrong method, a body over the size limit) in
 * the same {@link Problem} form as the API's.
 */
@Singleton
@Replaces(JsonErrorResponseBodyProvider.class)
final class ProblemBodies implements JsonErrorResponseBodyProvider<Problem> {

    @Override
    public Problem body(ErrorContext context, HttpResponse<?> response) {
        HttpStatus status = response.getStatus();
        String detail = context.getErrors().stream().map(e -> e.getMessage()).collect(Collectors.joining("; "));
        return Problem.of(status, status.getReason().toLowerCase(Locale.ROOT).replace(' ', '-'),
                detail.isBlank() ? null : detail);
    }

    @Override
    public String contentType() {
        return Problem.CONTENT_TYPE;
    }
}
