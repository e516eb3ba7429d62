package io.bluegreen.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.NullNode;

import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;

/**
 * The coordinator's REST API over {@link HttpClient}: JSON in and out, HTTP Basic when a user is given. An error
 * status becomes an {@link ApiException}; a connection that cannot be made or a request that times out becomes a
 * {@link CliException} with exit code 3. The password is only ever put in the Authorization header.
 */
public final class ApiClient {

    static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(5);
    /** Longer than the coordinator's own request timeout (15 s), so that its 503 arrives rather than ours. */
    static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(30);

    private static final ObjectMapper JSON = new ObjectMapper();

    private final HttpClient http;
    private final URI base;
    private final String user;
    private final String authorization;

    /** @param password used only when {@code user} is set */
    public ApiClient(URI base, String user, String password) {
        this.base = base;
        this.user = user;
        this.authorization = user == null ? null : "Basic " + Base64.getEncoder()
                .encodeToString((user + ":" + (password == null ? "" : password)).getBytes(StandardCharsets.UTF_8));
        this.http = HttpClient.newBuilder().connectTimeout(CONNECT_TIMEOUT).build();
    }

    public URI base() {
        return base;
    }

    public JsonNode get(String path) {
        return send("GET", path, null);
    }

    public JsonNode post(String path, JsonNode body) {
        return send("POST", path, body);
    }

    /** The answer and its status, for calls that tell 200 from 201. */
    public record Answer(int status, JsonNode body) {
    }

    public Answer postForAnswer(String path, JsonNode body) {
        return exchange("POST", path, body);
    }

    private JsonNode send(String method, String path, JsonNode body) {
        return exchange(method, path, body).body();
    }

    private Answer exchange(String method, String path, JsonNode body) {
        URI uri = resolve(path);
        HttpRequest.Builder request = HttpRequest.newBuilder(uri).timeout(REQUEST_TIMEOUT)
                .header("Accept", "application/json, application/problem+json");
        if (authorization != null) {
            request.header("Authorization", authorization);
        }
        if (body == null) {
            request.method(method, HttpRequest.BodyPublishers.noBody());
        } else {
            request.header("Content-Type", "application/json")
                    .method(method, HttpRequest.BodyPublishers.ofString(write(body), StandardCharsets.UTF_8));
        }
        HttpResponse<String> response;
        try {
            response = http.send(request.build(), HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new CliException(ExitCodes.FAILED, "interrupted, " + method + " " + uri + ", run it again");
        } catch (IOException e) {
            throw unreachable(method, uri, e);
        }
        JsonNode parsed = parse(response.body());
        if (response.statusCode() >= 200 && response.statusCode() < 300) {
            if (parsed == null) {
                throw new CliException(ExitCodes.UNREACHABLE, "the answer is not JSON (" + response.statusCode() + "), "
                        + method + " " + uri + ", check that --api names a bluegreen coordinator");
            }
            return new Answer(response.statusCode(), parsed);
        }
        throw new ApiException(response.statusCode(), method, uri.toString(), parsed, response.body(), user);
    }

    private URI resolve(String path) {
        String root = base.toString().endsWith("/") ? base.toString().substring(0, base.toString().length() - 1)
                : base.toString();
        return URI.create(root + path);
    }

    static CliException unreachable(String method, URI uri, IOException e) {
        String why;
        if (e instanceof HttpConnectTimeoutException) {
            why = "no connection within " + CONNECT_TIMEOUT.toSeconds() + " s";
        } else if (e instanceof HttpTimeoutException) {
            why = "no answer within " + REQUEST_TIMEOUT.toSeconds() + " s";
        } else if (e instanceof ConnectException) {
            why = "connection refused";
        } else {
            why = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
        }
        return new CliException(ExitCodes.UNREACHABLE, "cannot reach the coordinator (" + why + "), " + method + " " + uri
                + ", check that it runs (./bluegreen up starts one locally) and that --api or BLUEGREEN_API names it", e);
    }

    private static JsonNode parse(String text) {
        if (text == null || text.isBlank()) {
            return NullNode.getInstance();
        }
        try {
            return JSON.readTree(text);
        } catch (JsonProcessingException e) {
            return null;
        }
    }

    private static String write(JsonNode body) {
        try {
            return JSON.writeValueAsString(body);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }
}
