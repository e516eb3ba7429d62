package io.bluegreen.runtime.kafka;

import io.bluegreen.local.testbed.TestBed;
import io.bluegreen.local.testbed.WithTestBed;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicBoolean;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * How long one message takes from a service's acknowledged send to another service's listener, the way our
 * services talk (idempotent producer, acks=all; consumer committing after each record). A switchover run as
 * separate commands pays two such hops per step inside the fenced window; one command carrying the whole
 * program pays one (the answer). Prints the round-trip figures for the consumer's default
 * {@code fetch.max.wait.ms} and for a short one. Not part of {@code mvn verify}:
 * {@code mvn -B -pl schemas/runtime -am verify -Dit.test=HopLatencyBenchmark -Dfailsafe.failIfNoSpecifiedTests=false}.
 */
@WithTestBed
class HopLatencyBenchmark {

    private static final int ROUNDS = 200;

    @Test
    void printsRoundTripsThroughTheBroker() throws Exception {
        String bootstrap = TestBed.shared().kafka().bootstrapServers();
        String ping = "bench.ping." + UUID.randomUUID();
        String pong = "bench.pong." + UUID.randomUUID();
        try (Admin admin = Admin.create(Map.of("bootstrap.servers", bootstrap))) {
            admin.createTopics(List.of(new NewTopic(ping, 3, (short) 1), new NewTopic(pong, 3, (short) 1))).all().get();
        }
        for (int fetchWait : new int[]{500, 10}) {
            List<Long> rounds = roundTrips(bootstrap, ping, pong, fetchWait);
            Collections.sort(rounds);
            System.out.printf("[hop] fetch.max.wait.ms=%d: round trip (2 hops) over %d rounds: median %.1f ms, p90 %.1f ms,"
                            + " max %.1f ms (load %s)%n", fetchWait, rounds.size(), rounds.get(rounds.size() / 2) / 1e6,
                    rounds.get(rounds.size() * 9 / 10) / 1e6, rounds.get(rounds.size() - 1) / 1e6, load());
            assertEquals(ROUNDS, rounds.size());
        }
    }

    private static List<Long> roundTrips(String bootstrap, String ping, String pong, int fetchWait) throws Exception {
        AtomicBoolean running = new AtomicBoolean(true);
        String group = "bench-" + UUID.randomUUID();
        Thread echo = new Thread(() -> {
            try (KafkaConsumer<byte[], byte[]> in = consumer(bootstrap, group + "-echo", fetchWait);
                 AcknowledgedPublisher out = new AcknowledgedPublisher(connection(bootstrap), "bench-echo")) {
                in.subscribe(List.of(ping));
                while (running.get()) {
                    for (ConsumerRecord<byte[], byte[]> r : in.poll(Duration.ofMillis(100))) {
                        out.send(new ProducerRecord<>(pong, r.key(), r.value()));
                        in.commitSync();
                    }
                }
            }
        });
        echo.start();
        List<Long> rounds = new ArrayList<>();
        try (KafkaConsumer<byte[], byte[]> in = consumer(bootstrap, group + "-caller", fetchWait);
             AcknowledgedPublisher out = new AcknowledgedPublisher(connection(bootstrap), "bench-caller")) {
            in.subscribe(List.of(pong));
            // warm up: both sides assigned and fetching
            long until = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            boolean warm = false;
            while (!warm && System.nanoTime() < until) {
                out.send(new ProducerRecord<>(ping, "k".getBytes(), new byte[8]));
                warm = !in.poll(Duration.ofMillis(500)).isEmpty();
                in.commitSync();
            }
            Map<Long, Long> sentAt = new HashMap<>();
            for (long i = 1; i <= ROUNDS; i++) {
                byte[] payload = ByteBuffer.allocate(8).putLong(i).array();
                sentAt.put(i, System.nanoTime());
                out.send(new ProducerRecord<>(ping, ("upgrade-" + (i % 7)).getBytes(), payload));
                boolean back = false;
                while (!back) {
                    for (ConsumerRecord<byte[], byte[]> r : in.poll(Duration.ofMillis(100))) {
                        long id = ByteBuffer.wrap(r.value()).getLong();
                        if (id == i) {
                            rounds.add(System.nanoTime() - sentAt.get(i));
                            back = true;
                        }
                    }
                    in.commitSync();
                }
            }
        } finally {
            running.set(false);
            echo.join(10_000);
        }
        return rounds;
    }

    private static KafkaConsumer<byte[], byte[]> consumer(String bootstrap, String group, int fetchWait) {
        return new KafkaConsumer<>(Map.of("bootstrap.servers", bootstrap, "group.id", group, "auto.offset.reset", "latest",
                "enable.auto.commit", false, "max.poll.records", 1, "fetch.max.wait.ms", fetchWait,
                "isolation.level", "read_committed"), new ByteArrayDeserializer(), new ByteArrayDeserializer());
    }

    private static KafkaConnection connection(String bootstrap) {
        return KafkaConnection.of(Map.of("bootstrap.servers", bootstrap));
    }

    private static String load() {
        try {
            return java.nio.file.Files.readString(java.nio.file.Path.of("/proc/loadavg")).trim();
        } catch (java.io.IOException e) {
            return "unknown";
        }
    }
}
