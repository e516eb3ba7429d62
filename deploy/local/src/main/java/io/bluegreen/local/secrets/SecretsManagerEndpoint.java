package io.bluegreen.local.secrets;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Answers the AWS Secrets Manager calls the services and their tests make, in AWS's JSON protocol ({@code POST /},
 * {@code X-Amz-Target: secretsmanager.<Action>}, {@code Content-Type: application/x-amz-json-1.1}; errors as
 * {@code {"__type": "ResourceNotFoundException", "message": ...}}), so the real AWS SDK v2
 * {@code SecretsManagerClient} drives it as it drives AWS. Served by the local RDS endpoint's HTTP server, which hands
 * it every request with such a target.
 *
 * <ul>
 *   <li>{@code CreateSecret} ({@code Name}, {@code SecretString}, {@code ClientRequestToken}): a secret whose first
 *       version is {@code AWSCURRENT}; a name taken is {@code ResourceExistsException}.</li>
 *   <li>{@code PutSecretValue} ({@code SecretId}, {@code SecretString}, {@code ClientRequestToken},
 *       {@code VersionStages}): a new version, {@code AWSCURRENT} by default (the old one becomes
 *       {@code AWSPREVIOUS}): a rotation. A token sent again with the same value answers the same version.</li>
 *   <li>{@code GetSecretValue} ({@code SecretId}: name or ARN, {@code VersionId}, {@code VersionStage}): the version
 *       asked for, {@code AWSCURRENT} by default; an unknown secret is {@code ResourceNotFoundException}.</li>
 * </ul>
 * Other actions answer {@code UnknownOperationException}; a secret binary is refused. Secrets live in memory and
 * are gone when the endpoint stops. No secret value is logged. Test hook: {@link #calls(String)}.
 */
public final class SecretsManagerEndpoint {

    /** The {@code X-Amz-Target} prefix of every Secrets Manager call. */
    public static final String TARGET_PREFIX = "secretsmanager.";

    private static final Logger LOG = LoggerFactory.getLogger(SecretsManagerEndpoint.class);
    private static final String CONTENT_TYPE = "application/x-amz-json-1.1";
    private static final Pattern SIGNING_REGION = Pattern.compile("Credential=[^/,]+/\\d{8}/([^/,]+)/secretsmanager/");
    private static final ObjectMapper JSON = new ObjectMapper();

    private final LocalSecrets secrets = new LocalSecrets();
    private final Map<String, AtomicInteger> calls = new ConcurrentHashMap<>();

    /** An answer: its HTTP status and JSON body. */
    public record Answer(int status, String json) {
    }

    /** Whether a request is a Secrets Manager call (by its {@code X-Amz-Target} header). */
    public static boolean isSecretsManagerCall(String target) {
        return target != null && target.startsWith(TARGET_PREFIX);
    }

    /** Test hook (not an AWS call): how many times {@code action} (e.g. {@code GetSecretValue}) was asked for. */
    public int calls(String action) {
        AtomicInteger count = calls.get(action);
        return count == null ? 0 : count.get();
    }

    /** Reads the request, answers it and writes the answer. */
    public void serve(HttpExchange exchange) throws IOException {
        String target = exchange.getRequestHeaders().getFirst("X-Amz-Target");
        String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
        Answer answer = answer(target, body, signingRegion(exchange.getRequestHeaders().getFirst("Authorization")));
        byte[] bytes = answer.json().getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", CONTENT_TYPE);
        exchange.getResponseHeaders().set("x-amzn-RequestId", UUID.randomUUID().toString());
        exchange.sendResponseHeaders(answer.status(), bytes.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(bytes);
        }
    }

    /** The answer to one call: {@code target} is the {@code X-Amz-Target} header, {@code region} goes into ARNs. */
    public Answer answer(String target, String body, String region) {
        String action = target != null && target.startsWith(TARGET_PREFIX) ? target.substring(TARGET_PREFIX.length()) : String.valueOf(target);
        calls.computeIfAbsent(action, a -> new AtomicInteger()).incrementAndGet();
        String secret = "";
        try {
            JsonNode request = parse(body);
            secret = text(request, "SecretId", text(request, "Name", ""));
            ObjectNode answer = switch (action) {
                case "CreateSecret" -> createSecret(request, region);
                case "PutSecretValue" -> putSecretValue(request);
                case "GetSecretValue" -> getSecretValue(request);
                default -> throw new SecretsFault("UnknownOperationException", 400,
                        "The local Secrets Manager endpoint does not answer " + action);
            };
            LOG.debug("Secrets Manager endpoint: {} {} answered", action, secret);
            return new Answer(200, answer.toString());
        } catch (SecretsFault fault) {
            LOG.debug("Secrets Manager endpoint: {} {} answered {}: {}", action, secret, fault.type(), fault.getMessage());
            return error(fault.type(), fault.httpStatus(), fault.getMessage());
        } catch (RuntimeException e) {
            LOG.error("Secrets Manager endpoint failed on {} ({})", action, e.getClass().getName());
            return error("InternalServiceError", 500, "The local Secrets Manager endpoint failed: " + e.getClass().getSimpleName());
        }
    }

    private ObjectNode createSecret(JsonNode request, String region) {
        refuseBinary(request);
        LocalSecrets.Seen seen = secrets.create(text(request, "Name", null), text(request, "SecretString", null),
                text(request, "ClientRequestToken", null), region);
        ObjectNode answer = identify(seen);
        if (seen.versionId() != null) {
            answer.put("VersionId", seen.versionId());
        }
        return answer;
    }

    private ObjectNode putSecretValue(JsonNode request) {
        refuseBinary(request);
        List<String> stages = new ArrayList<>();
        request.path("VersionStages").forEach(stage -> stages.add(stage.asText()));
        LocalSecrets.Seen seen = secrets.put(text(request, "SecretId", null), text(request, "SecretString", null),
                text(request, "ClientRequestToken", null), stages);
        ObjectNode answer = identify(seen).put("VersionId", seen.versionId());
        seen.stages().forEach(answer.putArray("VersionStages")::add);
        return answer;
    }

    private ObjectNode getSecretValue(JsonNode request) {
        LocalSecrets.Seen seen = secrets.get(text(request, "SecretId", null), text(request, "VersionId", null),
                text(request, "VersionStage", null));
        ObjectNode answer = identify(seen).put("VersionId", seen.versionId()).put("SecretString", seen.value());
        seen.stages().forEach(answer.putArray("VersionStages")::add);
        answer.put("CreatedDate", epochSeconds(seen.created()));
        return answer;
    }

    private static ObjectNode identify(LocalSecrets.Seen seen) {
        return JSON.createObjectNode().put("ARN", seen.arn()).put("Name", seen.name());
    }

    private static void refuseBinary(JsonNode request) {
        if (request.hasNonNull("SecretBinary")) {
            throw SecretsFault.invalidRequest("The local Secrets Manager endpoint stores SecretString only");
        }
    }

    private static JsonNode parse(String body) {
        try {
            JsonNode request = JSON.readTree(body == null || body.isBlank() ? "{}" : body);
            if (request == null || !request.isObject()) {
                throw new SecretsFault("SerializationException", 400, "The request body is not a JSON object");
            }
            return request;
        } catch (JsonProcessingException e) {
            // the parser's message would quote the body, which may hold a secret
            throw new SecretsFault("SerializationException", 400, "The request body is not JSON");
        }
    }

    private static String text(JsonNode request, String field, String otherwise) {
        JsonNode value = request.get(field);
        return value == null || value.isNull() ? otherwise : value.asText();
    }

    private static Answer error(String type, int status, String message) {
        return new Answer(status, JSON.createObjectNode().put("__type", type).put("message", message).toString());
    }

    private static double epochSeconds(Instant instant) {
        return instant.getEpochSecond() + instant.getNano() / 1_000_000_000.0;
    }

    private static String signingRegion(String authorization) {
        Matcher matcher = SIGNING_REGION.matcher(authorization == null ? "" : authorization);
        return matcher.find() ? matcher.group(1) : "us-east-1";
    }
}
