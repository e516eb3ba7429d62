package io.bluegreen.pg;

import io.bluegreen.local.testbed.TestBed;
import io.bluegreen.local.testbed.WithTestBed;
import io.bluegreen.schemas.Topics;
import io.micronaut.http.client.HttpClient;
import io.micronaut.http.client.annotation.Client;
import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import io.micronaut.test.support.TestPropertyProvider;
import jakarta.inject.Inject;
import org.apache.kafka.clients.admin.Admin;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import java.util.Map;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertTrue;

/** The pg-agent runs against the test bed's broker: healthy, scraped by Prometheus, topics created. */
@WithTestBed
@MicronautTest
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ServiceStartsIT implements TestPropertyProvider {

    @Inject
    @Client("/")
    HttpClient http;

    @Override
    public Map<String, String> getProperties() {
        return Map.of("kafka.bootstrap.servers", TestBed.shared().kafka().bootstrapServers(),
                "micronaut.server.port", "-1", "bluegreen.topics.partitions", "3");
    }

    @Test
    void healthIsUpAndPrometheusIsScrapedAndTopicsExist() throws Exception {
        String health = http.toBlocking().retrieve("/health");
        assertTrue(health.contains("\"status\":\"UP\""), health);
        String metrics = http.toBlocking().retrieve("/prometheus");
        assertTrue(metrics.contains("jvm_memory_used_bytes"), "Prometheus text format");
        try (Admin admin = Admin.create(Map.<String, Object>of("bootstrap.servers",
                TestBed.shared().kafka().bootstrapServers()))) {
            Set<String> names = admin.listTopics().names().get();
            assertTrue(names.containsAll(Topics.ALL.stream().map(t -> t.name()).toList()), names.toString());
        }
    }
}
