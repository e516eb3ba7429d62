package io.bluegreen.local.testbed;

import io.bluegreen.local.kafka.EmbeddedKafka;
import io.bluegreen.local.postgres.LocalPostgres;
import io.bluegreen.local.rds.RdsEmulator;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;

/**
 * The real servers tests run against, started at most once per JVM and shared by every test class: one
 * Kafka broker, one PostgreSQL server per major version and one RDS emulator ({@link #rds()}), each started on
 * first use. {@link #close()}
 * stops them all; {@link TestBedExtension} calls it when the whole test run ends.
 */
public final class TestBed implements AutoCloseable {

    private static final TestBed SHARED = new TestBed();

    private EmbeddedKafka kafka;
    private RdsEmulator rds;
    private final Map<Integer, LocalPostgres> postgres = new TreeMap<>();
    private final Map<String, Duration> startupTimes = new LinkedHashMap<>();

    private TestBed() {
    }

    public static TestBed shared() {
        return SHARED;
    }

    public synchronized EmbeddedKafka kafka() {
        if (kafka == null) {
            kafka = new EmbeddedKafka().start();
            startupTimes.put("kafka", kafka.startupTime());
            System.out.printf("[test bed] Kafka broker %s started in %d ms%n", kafka.bootstrapServers(),
                    kafka.startupTime().toMillis());
        }
        return kafka;
    }

    /** The shared server of this major version (16 plays Blue, 17 plays Green in most tests). */
    public synchronized LocalPostgres postgres(int major) {
        return postgres.computeIfAbsent(major, m -> {
            long began = System.nanoTime();
            LocalPostgres server = LocalPostgres.builder(m).name("testbed-pg" + m).start();
            Duration took = Duration.ofNanos(System.nanoTime() - began);
            startupTimes.put("postgres" + m, took);
            System.out.printf("[test bed] %s ready in %d ms (initdb + start; start alone %d ms)%n", server,
                    took.toMillis(), server.startupTime().toMillis());
            return server;
        });
    }

    /**
     * The shared RDS emulator (started on first use, 300 ms transitions, state in a temporary directory). Point an
     * {@code RdsClient} at {@link RdsEmulator#endpoint()}; give resources names of your own, the emulator is shared.
     */
    public synchronized RdsEmulator rds() {
        if (rds == null) {
            long began = System.nanoTime();
            rds = RdsEmulator.builder().start();
            Duration took = Duration.ofNanos(System.nanoTime() - began);
            startupTimes.put("rds", took);
            System.out.printf("[test bed] RDS emulator %s started in %d ms%n", rds.endpoint(), took.toMillis());
        }
        return rds;
    }

    public synchronized Map<String, Duration> startupTimes() {
        return Map.copyOf(startupTimes);
    }

    @Override
    public synchronized void close() {
        RuntimeException failure = null;
        if (rds != null) {
            try {
                rds.close();
            } catch (RuntimeException e) {
                failure = e;
            }
            rds = null;
        }
        for (LocalPostgres server : postgres.values()) {
            try {
                server.close();
            } catch (RuntimeException e) {
                failure = e;
            }
        }
        postgres.clear();
        if (kafka != null) {
            try {
                kafka.close();
            } catch (RuntimeException e) {
                failure = e;
            }
            kafka = null;
        }
        if (failure != null) {
            throw failure;
        }
    }
}
