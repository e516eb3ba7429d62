package io.bluegreen.local.testbed;

import org.apache.kafka.clients.admin.Admin;

import java.net.URI;
import java.net.URL;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Collection;
import java.util.Map;
import java.util.Set;

/** What every bluegreen service must do once started on the test bed: be healthy, be scraped, have its topics. */
public final class ServiceChecks {

    private ServiceChecks() {
    }

    /** Configuration that starts a service on the test bed's broker on a random port. */
    public static Map<String, Object> properties() {
        return Map.of("kafka.bootstrap.servers", TestBed.shared().kafka().bootstrapServers(),
                "micronaut.server.port", -1, "bluegreen.topics.partitions", 3, "bluegreen.coordinator.aws-plan-check.enabled", false);
    }

    /**
     * Fails unless {@code /health} and its Kubernetes probes {@code /health/liveness} and {@code /health/readiness}
     * (Kafka among the readiness checks) answer UP, {@code /prometheus} answers in the Prometheus text format, and every
     * topic exists on the test bed's broker.
     */
    public static void assertServes(URL service, Collection<String> topics) throws Exception {
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
        String health = get(http, service, "/health");
        if (!health.contains("\"status\":\"UP\"")) {
            throw new AssertionError("/health of " + service + " is not UP: " + health);
        }
        for (String probe : new String[] {"/health/liveness", "/health/readiness"}) {
            String answer = get(http, service, probe);
            if (!answer.contains("\"status\":\"UP\"")) {
                throw new AssertionError(probe + " of " + service + " is not UP: " + answer);
            }
        }
        String readiness = get(http, service, "/health/readiness");
        if (!readiness.contains("\"kafka\"")) {
            throw new AssertionError("/health/readiness of " + service + " does not check Kafka: " + readiness);
        }
        String metrics = get(http, service, "/prometheus");
        if (!metrics.contains("# TYPE jvm_memory_used_bytes gauge")) {
            throw new AssertionError("/prometheus of " + service + " is not the Prometheus text format");
        }
        try (Admin admin = Admin.create(Map.<String, Object>of("bootstrap.servers", TestBed.shared().kafka().bootstrapServers()))) {
            Set<String> names = admin.listTopics().names().get();
            if (!names.containsAll(topics)) {
                throw new AssertionError("topics missing after start-up: expected " + topics + ", found " + names);
            }
        }
    }

    private static String get(HttpClient http, URL service, String path) throws Exception {
        HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create(service + path))
                .timeout(Duration.ofSeconds(10)).GET().build(), HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() != 200) {
            throw new AssertionError(path + " of " + service + " answered " + response.statusCode() + ": " + response.body());
        }
        return response.body();
    }
}
