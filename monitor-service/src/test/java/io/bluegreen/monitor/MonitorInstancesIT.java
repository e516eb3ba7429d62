package io.bluegreen.monitor;

import io.bluegreen.local.postgres.LocalPostgres;
import io.bluegreen.local.testbed.TestBed;
import io.bluegreen.local.testbed.WithTestBed;
import io.bluegreen.monitor.support.Replication;
import io.bluegreen.monitor.support.Topics;
import io.micronaut.context.ApplicationContext;
import io.micronaut.http.client.HttpClient;
import io.micronaut.runtime.server.EmbeddedServer;
import org.apache.kafka.common.utils.Utils;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Two monitor instances in one consumer group split the upgrades by event partition; when one stops, the other
 * takes its upgrades over.
 */
@WithTestBed
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class MonitorInstancesIT {

    private static final int PARTITIONS = 3;

    private LocalPostgres blue;
    private LocalPostgres green;
    private Topics topics;
    private final List<EmbeddedServer> instances = new ArrayList<>();
    private final String group = "monitor-instances-it-" + UUID.randomUUID();

    @BeforeAll
    void start() {
        blue = TestBed.shared().postgres(16);
        green = TestBed.shared().postgres(17);
        topics = new Topics(TestBed.shared().kafka().bootstrapServers());
    }

    @AfterAll
    void stop() {
        instances.forEach(instance -> instance.getApplicationContext().close());
        if (topics != null) {
            topics.close();
        }
    }

    private EmbeddedServer startInstance() {
        Map<String, Object> properties = new HashMap<>();
        properties.put("kafka.bootstrap.servers", TestBed.shared().kafka().bootstrapServers());
        properties.put("micronaut.server.port", -1);
        properties.put("bluegreen.topics.partitions", PARTITIONS);
        properties.put("bluegreen.monitor.group-id", group);
        properties.put("bluegreen.monitor.sample-interval", "1s");
        properties.put("bluegreen.credentials.blue.username", blue.superuser());
        properties.put("bluegreen.credentials.blue.password", blue.password());
        properties.put("bluegreen.credentials.blue.hosts", "127.0.0.1,localhost");
        properties.put("bluegreen.credentials.green.username", green.superuser());
        properties.put("bluegreen.credentials.green.password", green.password());
        properties.put("bluegreen.credentials.green.hosts", "127.0.0.1,localhost");
        EmbeddedServer server = ApplicationContext.run(EmbeddedServer.class, properties);
        instances.add(server);
        return server;
    }

    private static String metrics(EmbeddedServer instance) {
        try (HttpClient http = HttpClient.create(instance.getURL())) {
            return http.toBlocking().retrieve("/prometheus");
        }
    }

    private static boolean watches(EmbeddedServer instance, String upgradeId) {
        return metrics(instance).lines()
                .anyMatch(line -> line.startsWith("bluegreen_replication_lag_bytes{")
                        && line.contains("upgrade=\"" + upgradeId + "\""));
    }

    /** One upgrade id per partition of the events topic, so both instances get some whatever the assignment. */
    private static List<String> onePerPartition() {
        Map<Integer, String> ids = new HashMap<>();
        while (ids.size() < PARTITIONS) {
            String id = "it-split-" + UUID.randomUUID();
            ids.putIfAbsent(Utils.toPositive(Utils.murmur2(id.getBytes(StandardCharsets.UTF_8))) % PARTITIONS, id);
        }
        return List.copyOf(ids.values());
    }

    @Test
    void twoInstancesSplitTheUpgradesAndTheSurvivorTakesAllOver() {
        EmbeddedServer first = startInstance();
        EmbeddedServer second = startInstance();
        Replication replication = Replication.establish(blue, green, "mon_split");
        List<String> upgrades = onePerPartition();
        for (String upgradeId : upgrades) {
            topics.publish(upgradeId, Topics.established(upgradeId, blue, green, 1 << 20, replication));
        }

        // each upgrade on exactly one instance, and each instance holding some
        await().atMost(Duration.ofSeconds(90)).until(() -> upgrades.stream()
                .allMatch(id -> watches(first, id) ^ watches(second, id))
                && upgrades.stream().anyMatch(id -> watches(first, id))
                && upgrades.stream().anyMatch(id -> watches(second, id)));
        long onFirst = upgrades.stream().filter(id -> watches(first, id)).count();
        long onSecond = upgrades.stream().filter(id -> watches(second, id)).count();
        assertEquals(PARTITIONS, onFirst + onSecond);
        assertTrue(onFirst > 0 && onSecond > 0, "first " + onFirst + ", second " + onSecond);

        second.getApplicationContext().close();
        instances.remove(second);
        await().atMost(Duration.ofSeconds(90)).until(() -> upgrades.stream().allMatch(id -> watches(first, id)));
        for (String upgradeId : upgrades) {
            topics.publish(upgradeId, Topics.completed(upgradeId));
        }
        await().atMost(Duration.ofSeconds(30)).until(() -> upgrades.stream().noneMatch(id -> watches(first, id)));
    }
}
