package io.bluegreen.demo.rehearsal;

import io.micronaut.core.type.Argument;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.MutableHttpRequest;
import io.micronaut.http.client.HttpClient;
import io.micronaut.http.client.exceptions.HttpClientResponseException;

import java.net.URL;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** The coordinator's REST API as the rehearsal uses it; every request signs in with HTTP Basic. */
public final class UpgradeApi implements AutoCloseable {

    private final HttpClient http;
    private final String user;
    private final String password;

    public UpgradeApi(URL coordinator, String user, String password) {
        this.http = HttpClient.create(coordinator);
        this.user = user;
        this.password = password;
    }

    /** Submits a plan; the upgrade's view. A refused plan is an {@link IllegalStateException} with the API's answer. */
    public Map<?, ?> submit(Map<String, Object> plan) {
        try {
            return http.toBlocking().retrieve(signed(HttpRequest.POST("/upgrades", plan)), Map.class);
        } catch (HttpClientResponseException e) {
            String body = e.getResponse().getBody(String.class).orElse(e.getMessage());
            throw new IllegalStateException("the coordinator refused the plan (HTTP " + e.getStatus().getCode() + "): "
                    + body);
        }
    }

    /** A 4xx answer: asking again will not help (no login, no role, no such upgrade). */
    public static final class RefusedException extends IllegalStateException {
        RefusedException(String message) {
            super(message);
        }
    }

    /** The upgrade as the API shows it; a 4xx answer is a {@link RefusedException}, anything else may pass. */
    public Map<?, ?> view(String upgradeId) {
        try {
            return http.toBlocking().retrieve(signed(HttpRequest.GET("/upgrades/" + upgradeId)), Map.class);
        } catch (HttpClientResponseException e) {
            if (e.getStatus().getCode() >= 400 && e.getStatus().getCode() < 500) {
                throw new RefusedException("the coordinator answered GET /upgrades/" + upgradeId + " with HTTP "
                        + e.getStatus().getCode() + ": " + e.getResponse().getBody(String.class).orElse(e.getMessage()));
            }
            throw e;
        }
    }

    public List<Phases.Event> events(String upgradeId) {
        List<Map> entries = http.toBlocking().retrieve(signed(HttpRequest.GET("/upgrades/" + upgradeId + "/events")),
                Argument.listOf(Map.class));
        List<Phases.Event> events = new ArrayList<>();
        for (Map<?, ?> entry : entries) {
            Object at = entry.get("at");
            events.add(new Phases.Event(at == null ? null : Instant.parse(String.valueOf(at)),
                    String.valueOf(entry.get("event")), entry.get("detail") == null ? null : String.valueOf(entry.get("detail"))));
        }
        return events;
    }

    /**
     * The latest lag sample of each database ({@code GET /upgrades/{id}/lag}), database -> bytes (null: not measured);
     * empty when the coordinator has none.
     */
    public Map<String, Long> lag(String upgradeId) {
        Map<?, ?> report = http.toBlocking().retrieve(signed(HttpRequest.GET("/upgrades/" + upgradeId + "/lag")), Map.class);
        Map<String, Long> lag = new TreeMap<>();
        if (report.get("databases") instanceof List<?> databases) {
            for (Object item : databases) {
                if (item instanceof Map<?, ?> database && database.get("database") != null) {
                    lag.put(String.valueOf(database.get("database")),
                            database.get("lagBytes") instanceof Number bytes ? bytes.longValue() : null);
                }
            }
        }
        return lag;
    }

    private <T> MutableHttpRequest<T> signed(MutableHttpRequest<T> request) {
        return request.basicAuth(user, password);
    }

    @Override
    public void close() {
        http.close();
    }
}
