package io.bluegreen.coordinator;

import io.bluegreen.local.testbed.ServiceChecks;
import io.bluegreen.local.testbed.WithTestBed;
import io.micronaut.http.HttpMethod;
import io.micronaut.http.client.HttpClient;
import io.micronaut.context.ApplicationContext;
import io.micronaut.runtime.server.EmbeddedServer;
import io.micronaut.web.router.Router;
import io.micronaut.web.router.UriRouteInfo;
import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.Yaml;

import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The OpenAPI document generated from the controllers at compile time is served by the running coordinator, and
 * every route of the REST API the server actually registered is in it (method and path), with nothing extra: the
 * upgrades' routes and the logged-in user's.
 */
@WithTestBed
class OpenApiIT {

    private static final String DOCUMENT = "/openapi/bluegreen-coordinator-1.yml";

    @Test
    void everyRouteOfTheApiIsInTheServedDocument() throws Exception {
        try (EmbeddedServer server = ApplicationContext.run(EmbeddedServer.class, ServiceChecks.properties());
             HttpClient http = HttpClient.create(server.getURL())) {
            String yaml = http.toBlocking().retrieve(DOCUMENT);
            Map<String, Object> document = new Yaml().load(yaml);
            assertTrue(String.valueOf(document.get("openapi")).startsWith("3."), "an OpenAPI 3 document: " + document.get("openapi"));
            @SuppressWarnings("unchecked")
            Map<String, Map<String, Object>> paths = (Map<String, Map<String, Object>>) document.get("paths");
            Set<String> documented = new TreeSet<>();
            paths.forEach((path, operations) -> operations.keySet()
                    .forEach(method -> documented.add(method.toUpperCase(Locale.ROOT) + " " + path)));

            Set<String> served = new TreeSet<>();
            for (UriRouteInfo<?, ?> route : server.getApplicationContext().getBean(Router.class).uriRoutes().toList()) {
                String path = route.getUriMatchTemplate().toPathString();
                if ((path.startsWith("/upgrades") || path.equals("/me")) && route.getHttpMethod() != HttpMethod.HEAD
                        && route.getHttpMethod() != HttpMethod.OPTIONS) {
                    served.add(route.getHttpMethod() + " " + path);
                }
            }
            assertFalse(served.isEmpty(), "the API's routes were found");
            assertTrue(served.containsAll(List.of("POST /upgrades", "GET /upgrades/{id}", "POST /upgrades/{id}/approve",
                    "POST /upgrades/{id}/waive-verification", "GET /upgrades/{id}/lag/history", "GET /upgrades/{id}/alerts",
                    "GET /me")), served.toString());
            assertEquals(served, documented, "every route of the API is documented, and nothing else");
            @SuppressWarnings("unchecked")
            Map<String, Object> schemes = (Map<String, Object>) ((Map<String, Object>) document.get("components"))
                    .get("securitySchemes");
            assertEquals(Map.of("type", "http", "scheme", "basic"), schemes.get("basic"), "the login is documented");
        }
    }
}
