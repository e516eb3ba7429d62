package io.bluegreen.coordinator.fleet;

import io.bluegreen.coordinator.saga.AgentAnswers;
import io.bluegreen.local.testbed.TestBed;
import io.bluegreen.local.testbed.WithTestBed;
import io.bluegreen.schemas.Topics;
import io.bluegreen.schemas.event.PhaseEntered;
import io.bluegreen.schemas.event.ReplicationEstablished;
import io.bluegreen.schemas.monitor.ReplicationLagMeasured;
import io.bluegreen.schemas.serde.AvroMessageDeserializer;
import io.bluegreen.schemas.serde.AvroMessageSerializer;
import io.micronaut.context.ApplicationContext;
import io.bluegreen.coordinator.ApiLogins;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.client.HttpClient;
import io.micronaut.runtime.server.EmbeddedServer;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.stream.IntStream;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Two coordinator instances share the upgrades by partition over the real broker: plans submitted to one instance
 * run on whichever owns their partition, both answer for every upgrade, and when one instance stops the other takes
 * its partitions over and finishes its upgrades, with no command sent twice.
 */
@WithTestBed
class FleetIT {

    private static final int PARTITIONS = 3;

    @Test
    void twoInstancesShareTheFleetAndOneTakesOverWhenTheOtherStops() {
        String bootstrap = TestBed.shared().kafka().bootstrapServers();
        String group = "fleet-it-" + UUID.randomUUID().toString().substring(0, 6);
        EmbeddedServer first = start(bootstrap, group, "one");
        EmbeddedServer second = start(bootstrap, group, "two");
        HttpClient one = HttpClient.create(ApiLogins.as(ApiLogins.ADMIN, first.getURL()));
        HttpClient two = HttpClient.create(ApiLogins.as(ApiLogins.ADMIN, second.getURL()));
        CoordinatorLoop loopOne = first.getApplicationContext().getBean(CoordinatorLoop.class);
        CoordinatorLoop loopTwo = second.getApplicationContext().getBean(CoordinatorLoop.class);
        await("both instances own partitions").atMost(Duration.ofSeconds(60)).until(() ->
                !loopOne.ownedPartitions().isEmpty() && !loopTwo.ownedPartitions().isEmpty()
                        && loopOne.ownedPartitions().size() + loopTwo.ownedPartitions().size() == PARTITIONS);

        String run = UUID.randomUUID().toString().substring(0, 6);
        List<String> ids = IntStream.range(0, 8).mapToObj(i -> "fleet-" + run + "-" + i).toList();
        for (int i = 0; i < ids.size(); i++) {
            Map<String, Object> plan = Map.of("upgradeId", ids.get(i), "blue", Map.of("identifier", "blue-" + run + "-" + i,
                            "region", "eu-west-1", "engine", "postgres", "host", "127.0.0.1", "port", 5432,
                            "credentialsRef", "admin"), "targetVersion", "17.9", "databases", List.of("app"),
                    "lagThresholdBytes", 4096, "holdDurationMs", 0, "switchoverMode", "automatic");
            assertEquals(201, one.toBlocking().exchange(HttpRequest.POST("/upgrades", plan), Map.class).code());
        }
        Set<Integer> partitionsUsed = new HashSet<>();
        ReadView viewTwo = second.getApplicationContext().getBean(ReadView.class);
        ids.forEach(id -> partitionsUsed.add(viewTwo.find(id).orElseThrow().partition()));
        assertTrue(partitionsUsed.size() > 1, "the plans spread over partitions: " + partitionsUsed);

        try (Agents agents = new Agents(bootstrap)) {
            agents.playUntil(false, () -> ids.stream().allMatch(id -> phase(two, id).equals("REPLICATING")));
            // instance two stops; instance one takes every partition over and finishes every upgrade
            second.close();
            await("one owns every partition").atMost(Duration.ofSeconds(60))
                    .until(() -> loopOne.ownedPartitions().size() == PARTITIONS);
            agents.playUntil(true, () -> ids.stream().allMatch(id -> phase(one, id).equals("COMPLETED")));
            Map<String, Integer> duplicates = agents.duplicateCommands();
            assertTrue(duplicates.isEmpty(), "commands received more than once: " + duplicates);
            assertTrue(agents.commandsReceived() >= ids.size() * 10, "every upgrade ran its steps: " + agents.commandsReceived());
        } finally {
            one.close();
            two.close();
            first.close();
        }
    }

    private static String phase(HttpClient http, String id) {
        return String.valueOf(http.toBlocking().retrieve(HttpRequest.GET("/upgrades/" + id), Map.class).get("phase"));
    }

    private static EmbeddedServer start(String bootstrap, String group, String instance) {
        Map<String, Object> config = new java.util.HashMap<>(ApiLogins.properties());
        config.putAll(Map.of("kafka.bootstrap.servers", bootstrap,
                "micronaut.server.port", "-1", "bluegreen.topics.partitions", String.valueOf(PARTITIONS),
                "bluegreen.coordinator.instance-id", instance, "bluegreen.coordinator.group-id", group,
                "bluegreen.coordinator.transactional-id-prefix", group));
        return ApplicationContext.run(EmbeddedServer.class, config);
    }

    /** Plays the agents (every command answered at once, keyed as the command) and, when asked, the monitor (calm lag). */
    private static final class Agents implements AutoCloseable {
        private final KafkaConsumer<String, SpecificRecord> consumer;
        private final KafkaProducer<String, SpecificRecord> producer;
        private final Map<String, Integer> seen = new HashMap<>();
        private final Map<String, String> replicating = new HashMap<>();

        Agents(String bootstrap) {
            consumer = new KafkaConsumer<>(Map.of("bootstrap.servers", bootstrap, "group.id", "fleet-agents-" + UUID.randomUUID(),
                    "auto.offset.reset", "earliest", "isolation.level", "read_committed"), new StringDeserializer(),
                    new AvroMessageDeserializer<>());
            consumer.subscribe(List.of(Topics.PG_COMMANDS, Topics.AWS_COMMANDS, Topics.UPGRADE_EVENTS));
            producer = new KafkaProducer<>(Map.of("bootstrap.servers", bootstrap), new StringSerializer(),
                    new AvroMessageSerializer<>());
        }

        void playUntil(boolean calmLag, java.util.concurrent.Callable<Boolean> done) {
            await().atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofMillis(50)).until(() -> {
                for (ConsumerRecord<String, SpecificRecord> record : consumer.poll(Duration.ofMillis(100))) {
                    SpecificRecord value = record.value();
                    String upgradeId = String.valueOf(((GenericRecord) value).get("upgradeId"));
                    if (record.topic().equals(Topics.UPGRADE_EVENTS)) {
                        if (value instanceof ReplicationEstablished) {
                            replicating.put(upgradeId, record.key());
                        } else if (value instanceof PhaseEntered entered && !entered.getPhase().name().equals("REPLICATING")) {
                            replicating.remove(upgradeId);
                        }
                        continue;
                    }
                    seen.merge(String.valueOf(((GenericRecord) value).get("commandId")), 1, Integer::sum);
                    producer.send(new ProducerRecord<>(Topics.RESULTS, record.key(), AgentAnswers.success(value, Instant.now())));
                }
                for (Map.Entry<String, String> upgrade : calmLag ? new ArrayList<>(replicating.entrySet()) : List.<Map.Entry<String, String>>of()) {
                    producer.send(new ProducerRecord<>(Topics.LAG, upgrade.getValue(), ReplicationLagMeasured.newBuilder()
                            .setUpgradeId(upgrade.getKey()).setOccurredAt(Instant.now()).setDatabase("app")
                            .setBlueReachable(true).setGreenReachable(true).setLagBytes(0L).setSlotActive(true)
                            .setWorkerAlive(true).build()));
                }
                producer.flush();
                return done.call();
            });
        }

        Map<String, Integer> duplicateCommands() {
            Map<String, Integer> twice = new HashMap<>();
            seen.forEach((id, n) -> {
                if (n > 1) {
                    twice.put(id, n);
                }
            });
            return twice;
        }

        int commandsReceived() {
            return seen.size();
        }

        @Override
        public void close() {
            consumer.close();
            producer.close();
        }
    }
}
