package io.bluegreen.coordinator.api;

import io.micronaut.http.HttpHeaders;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.HttpStatus;
import io.micronaut.http.MutableHttpResponse;
import io.micronaut.http.annotation.ResponseFilter;
import io.micronaut.http.annotation.ServerFilter;
import io.micronaut.http.filter.ServerFilterPhase;
import io.micronaut.core.order.Ordered;

/**
 * A refused login of a script that asks for it ({@code X-Requested-With: XMLHttpRequest}, as the web view sends) is
 * answered 401 without the {@code WWW-Authenticate} challenge: a browser would otherwise show its own login dialog
 * over the page's form. Every other client still gets the challenge.
 */
@ServerFilter(io.micronaut.http.annotation.Filter.MATCH_ALL_PATTERN)
final class QuietChallenge implements Ordered {

    static final String REQUESTED_WITH = "X-Requested-With";
    static final String SCRIPT = "XMLHttpRequest";

    @ResponseFilter
    void quiet(HttpRequest<?> request, MutableHttpResponse<?> response) {
        if (response.code() == HttpStatus.UNAUTHORIZED.getCode()
                && SCRIPT.equalsIgnoreCase(request.getHeaders().get(REQUESTED_WITH))) {
            response.getHeaders().remove(HttpHeaders.WWW_AUTHENTICATE);
        }
    }

    @Override
    public int getOrder() {
        return ServerFilterPhase.FIRST.order(); // outside the security filter: sees the 401 it causes
    }
}
