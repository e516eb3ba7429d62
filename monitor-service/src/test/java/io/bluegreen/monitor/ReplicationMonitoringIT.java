package io.bluegreen.monitor;

import io.bluegreen.local.postgres.LocalPostgres;
import io.bluegreen.local.support.FreePorts;
import io.bluegreen.local.testbed.TestBed;
import io.bluegreen.local.testbed.WithTestBed;
import io.bluegreen.monitor.support.Replication;
import io.bluegreen.monitor.support.Topics;
import io.bluegreen.schemas.common.AlertKind;
import io.bluegreen.schemas.common.Severity;
import io.bluegreen.schemas.monitor.AlertCleared;
import io.bluegreen.schemas.monitor.AlertRaised;
import io.bluegreen.schemas.monitor.ReplicationLagMeasured;
import io.micronaut.context.ApplicationContext;
import io.micronaut.http.client.HttpClient;
import io.micronaut.runtime.server.EmbeddedServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The monitor against real 16 -> 17 logical replication and the real broker: it learns upgrades from
 * {@code ReplicationEstablished}, samples them, publishes lag events and alerts (decoded here with the
 * project's codec) and shows gauges on /prometheus.
 */
@WithTestBed
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ReplicationMonitoringIT {

    private static final long THRESHOLD = 256 * 1024;

    private LocalPostgres blue;
    private LocalPostgres green;
    private Topics topics;
    private EmbeddedServer monitor;
    private final String group = "monitor-it-" + UUID.randomUUID();

    @BeforeAll
    void start() {
        blue = TestBed.shared().postgres(16);
        green = TestBed.shared().postgres(17);
        topics = new Topics(TestBed.shared().kafka().bootstrapServers());
        monitor = startMonitor();
    }

    @AfterAll
    void stop() {
        if (monitor != null) {
            monitor.getApplicationContext().close();
        }
        if (topics != null) {
            topics.close();
        }
    }

    private EmbeddedServer startMonitor() {
        Map<String, Object> properties = new HashMap<>();
        properties.put("kafka.bootstrap.servers", TestBed.shared().kafka().bootstrapServers());
        properties.put("micronaut.server.port", -1);
        properties.put("bluegreen.topics.partitions", 3);
        properties.put("bluegreen.monitor.group-id", group);
        properties.put("bluegreen.monitor.sample-interval", "1s");
        properties.put("bluegreen.monitor.schema-interval", "1s");
        properties.put("bluegreen.monitor.wal-retention-limit-bytes", Long.toString(1L << 30));
        properties.put("bluegreen.credentials.blue.username", blue.superuser());
        properties.put("bluegreen.credentials.blue.password", blue.password());
        properties.put("bluegreen.credentials.blue.hosts", "127.0.0.1,localhost");
        properties.put("bluegreen.credentials.green.username", green.superuser());
        properties.put("bluegreen.credentials.green.password", green.password());
        properties.put("bluegreen.credentials.green.hosts", "127.0.0.1,localhost");
        return ApplicationContext.run(EmbeddedServer.class, properties);
    }

    private List<ReplicationLagMeasured> samples(String upgradeId) {
        return topics.received(ReplicationLagMeasured.class, s -> s.getUpgradeId().equals(upgradeId));
    }

    private ReplicationLagMeasured latest(String upgradeId) {
        List<ReplicationLagMeasured> samples = samples(upgradeId);
        return samples.isEmpty() ? null : samples.get(samples.size() - 1);
    }

    private List<AlertRaised> raised(String upgradeId, AlertKind kind) {
        return topics.received(AlertRaised.class, a -> a.getUpgradeId().equals(upgradeId) && a.getKind() == kind);
    }

    private List<AlertCleared> cleared(String upgradeId, AlertKind kind) {
        return topics.received(AlertCleared.class, a -> a.getUpgradeId().equals(upgradeId) && a.getKind() == kind);
    }

    private void awaitMoreSamples(String upgradeId, int more) {
        int now = samples(upgradeId).size();
        await().atMost(Duration.ofSeconds(30)).until(() -> samples(upgradeId).size() >= now + more);
    }

    private String prometheus() {
        try (HttpClient http = HttpClient.create(monitor.getURL())) {
            return http.toBlocking().retrieve("/prometheus");
        }
    }

    @Test
    void lagRisesWhileGreenIsDisabledAndReturnsToZeroWithOneAlertRaisedAndClearedEach() {
        Replication replication = Replication.establish(blue, green, "mon_lag");
        String upgradeId = "it-lag-" + UUID.randomUUID();
        topics.publish(upgradeId, Topics.established(upgradeId, blue, green, THRESHOLD, replication));
        await().atMost(Duration.ofSeconds(60)).until(() -> {
            ReplicationLagMeasured last = latest(upgradeId);
            return last != null && last.getWorkerAlive() && last.getSlotActive() && last.getLagBytes() != null;
        });

        replication.disable();
        await().atMost(Duration.ofSeconds(30)).until(() -> !latest(upgradeId).getWorkerAlive());
        replication.burst(20_000);
        await().atMost(Duration.ofSeconds(30)).until(() -> latest(upgradeId).getLagBytes() > 2 * THRESHOLD);
        await().atMost(Duration.ofSeconds(30)).until(() -> raised(upgradeId, AlertKind.LAG_OVER_THRESHOLD).size() == 1);
        await().atMost(Duration.ofSeconds(30)).until(() -> raised(upgradeId, AlertKind.APPLY_WORKER_DOWN).size() == 1);
        AlertRaised lagAlert = raised(upgradeId, AlertKind.LAG_OVER_THRESHOLD).get(0);
        assertEquals(Severity.WARNING, lagAlert.getSeverity());
        assertEquals((double) THRESHOLD, lagAlert.getThreshold());
        assertTrue(lagAlert.getValue() > THRESHOLD, lagAlert.toString());
        assertEquals("mon_lag", lagAlert.getDatabase());
        AlertRaised workerAlert = raised(upgradeId, AlertKind.APPLY_WORKER_DOWN).get(0);
        assertTrue(workerAlert.getMessage().contains("disabled")
                && workerAlert.getMessage().contains(replication.subscription()), workerAlert.getMessage());
        assertTrue(prometheus().contains("bluegreen_replication_lag_bytes{"), "lag gauge on /prometheus");

        replication.enable();
        await().atMost(Duration.ofSeconds(60)).until(() -> {
            ReplicationLagMeasured last = latest(upgradeId);
            return last.getWorkerAlive() && last.getLagBytes() == 0;
        });
        await().atMost(Duration.ofSeconds(30)).until(() -> cleared(upgradeId, AlertKind.LAG_OVER_THRESHOLD).size() == 1
                && cleared(upgradeId, AlertKind.APPLY_WORKER_DOWN).size() == 1);
        awaitMoreSamples(upgradeId, 3);

        assertEquals(1, raised(upgradeId, AlertKind.LAG_OVER_THRESHOLD).size());
        assertEquals(1, cleared(upgradeId, AlertKind.LAG_OVER_THRESHOLD).size());
        assertEquals(lagAlert.getAlertId(), cleared(upgradeId, AlertKind.LAG_OVER_THRESHOLD).get(0).getAlertId());
        assertEquals(1, raised(upgradeId, AlertKind.APPLY_WORKER_DOWN).size());
        assertEquals(workerAlert.getAlertId(), cleared(upgradeId, AlertKind.APPLY_WORKER_DOWN).get(0).getAlertId());
        ReplicationLagMeasured last = latest(upgradeId);
        assertTrue(last.getBlueReachable() && last.getGreenReachable() && last.getSlotActive(), last.toString());
        assertEquals("reserved", last.getWalStatus());
        assertNotNull(last.getReceivedLsn());
        assertEquals(0L, last.getApplyErrors());
        assertEquals(last.getBlueSchemaFingerprint(), last.getGreenSchemaFingerprint());
        assertTrue(topics.undecodable().isEmpty(), topics.undecodable().toString());
    }

    @Test
    void addColumnOnBlueRaisesSchemaDriftAndCompletionRemovesTheGauges() {
        Replication replication = Replication.establish(blue, green, "mon_drift");
        String upgradeId = "it-drift-" + UUID.randomUUID();
        String partitionKey = "orders-blue-" + UUID.randomUUID();
        topics.publish(partitionKey, Topics.established(upgradeId, blue, green, THRESHOLD, replication));
        await().atMost(Duration.ofSeconds(60)).until(() -> {
            ReplicationLagMeasured last = latest(upgradeId);
            return last != null && last.getBlueSchemaFingerprint() != null
                    && last.getBlueSchemaFingerprint().equals(last.getGreenSchemaFingerprint());
        });
        replication.onBlue("ALTER TABLE items ADD COLUMN note text");
        await().atMost(Duration.ofSeconds(30)).until(() -> raised(upgradeId, AlertKind.SCHEMA_DRIFT).size() == 1);
        AlertRaised drift = raised(upgradeId, AlertKind.SCHEMA_DRIFT).get(0);
        assertTrue(drift.getMessage().contains("mon_drift") && drift.getMessage().contains("DDL"), drift.getMessage());
        assertEquals(partitionKey, topics.keyOf(drift), "alerts keyed by the key of the events record");
        assertEquals(partitionKey, topics.keyOf(latest(upgradeId)), "samples keyed by the key of the events record");
        assertFalse(latest(upgradeId).getBlueSchemaFingerprint().equals(latest(upgradeId).getGreenSchemaFingerprint()));

        replication.onGreen("ALTER TABLE items ADD COLUMN note text");
        await().atMost(Duration.ofSeconds(30)).until(() -> cleared(upgradeId, AlertKind.SCHEMA_DRIFT).size() == 1);
        assertEquals(drift.getAlertId(), cleared(upgradeId, AlertKind.SCHEMA_DRIFT).get(0).getAlertId());

        String gauge = "upgrade=\"" + upgradeId + "\"";
        await().atMost(Duration.ofSeconds(30)).until(() -> prometheus().contains(gauge));
        String metrics = prometheus();
        assertTrue(metrics.contains("# HELP bluegreen_replication_schema_drift"), "described gauge");
        assertTrue(metrics.lines().anyMatch(line -> line.startsWith("bluegreen_replication_lag_bytes{")
                && line.contains(gauge) && line.contains("database=\"mon_drift\"")), "lag gauge tagged");

        topics.publish(partitionKey, Topics.completed(upgradeId));
        await().atMost(Duration.ofSeconds(30)).until(() -> !prometheus().contains(gauge));
        int after = samples(upgradeId).size();
        // at most a tick already under way when the completion arrived; then sampling stops
        await().during(Duration.ofSeconds(3)).atMost(Duration.ofSeconds(10))
                .until(() -> samples(upgradeId).size() <= after + 1);
    }

    @Test
    void aRestartedMonitorResumesSamplingAndClearsTheAlertItsPredecessorRaised() {
        Replication replication = Replication.establish(blue, green, "mon_restart");
        String upgradeId = "it-restart-" + UUID.randomUUID();
        topics.publish(upgradeId, Topics.established(upgradeId, blue, green, THRESHOLD, replication));
        await().atMost(Duration.ofSeconds(60)).until(() -> latest(upgradeId) != null && latest(upgradeId).getWorkerAlive());
        replication.disable();
        await().atMost(Duration.ofSeconds(30)).until(() -> raised(upgradeId, AlertKind.APPLY_WORKER_DOWN).size() == 1);

        monitor.getApplicationContext().close();
        Instant restarted = Instant.now();
        monitor = startMonitor();
        await().atMost(Duration.ofSeconds(60)).until(() -> latest(upgradeId).getOccurredAt().isAfter(restarted));
        awaitMoreSamples(upgradeId, 3);
        assertEquals(1, raised(upgradeId, AlertKind.APPLY_WORKER_DOWN).size(), "not raised again after the restart");

        replication.enable();
        await().atMost(Duration.ofSeconds(30)).until(() -> cleared(upgradeId, AlertKind.APPLY_WORKER_DOWN).size() == 1);
        assertEquals(raised(upgradeId, AlertKind.APPLY_WORKER_DOWN).get(0).getAlertId(),
                cleared(upgradeId, AlertKind.APPLY_WORKER_DOWN).get(0).getAlertId());
    }

    @Test
    void unreachableAndSilentBluesRaiseTheirAlertsWhileOtherUpgradesKeepTheirPace() throws Exception {
        Replication replication = Replication.establish(blue, green, "mon_reach");
        String healthy = "it-healthy-" + UUID.randomUUID();
        String refused = "it-refused-" + UUID.randomUUID();
        String silent = "it-silent-" + UUID.randomUUID();
        List<Socket> held = new CopyOnWriteArrayList<>();
        try (ServerSocket listener = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            Thread acceptor = new Thread(() -> {
                while (!listener.isClosed()) {
                    try {
                        held.add(listener.accept()); // accepts, never answers: a server that hangs
                    } catch (IOException closed) {
                        return;
                    }
                }
            }, "silent-postgres");
            acceptor.setDaemon(true);
            acceptor.start();
            topics.publish(healthy, Topics.established(healthy, blue, green, THRESHOLD, replication));
            topics.publish(refused, Topics.established(refused, FreePorts.next(), green, THRESHOLD, replication));
            topics.publish(silent, Topics.established(silent, listener.getLocalPort(), green, THRESHOLD, replication));
            await().atMost(Duration.ofSeconds(60)).until(() -> raised(refused, AlertKind.BLUE_UNREACHABLE).size() == 1
                    && raised(silent, AlertKind.BLUE_UNREACHABLE).size() == 1);
            AlertRaised alert = raised(refused, AlertKind.BLUE_UNREACHABLE).get(0);
            assertTrue(alert.getMessage().contains("127.0.0.1") && alert.getMessage().contains("08001")
                    && !alert.getMessage().contains(blue.password()), alert.getMessage());
            assertFalse(latest(refused).getBlueReachable());
            assertTrue(latest(refused).getGreenReachable());
            assertFalse(latest(silent).getBlueReachable());

            Instant from = Instant.now();
            await().atMost(Duration.ofSeconds(20)).until(() -> samples(healthy).stream()
                    .filter(s -> s.getOccurredAt().isAfter(from)).count() >= 5);
            List<ReplicationLagMeasured> recent = samples(healthy).stream()
                    .filter(s -> s.getOccurredAt().isAfter(from)).toList();
            for (int i = 1; i < recent.size(); i++) {
                long gap = Duration.between(recent.get(i - 1).getOccurredAt(), recent.get(i).getOccurredAt()).toMillis();
                assertTrue(gap < 2_000, "samples of the healthy upgrade " + gap + " ms apart");
            }
            assertTrue(recent.stream().allMatch(ReplicationLagMeasured::getBlueReachable));
            assertTrue(samples(silent).stream().filter(s -> s.getOccurredAt().isAfter(from)).count() >= 3,
                    "the silent server's upgrade is still sampled (as unreachable) every interval");
        } finally {
            for (Socket socket : held) {
                socket.close();
            }
            for (String upgradeId : List.of(healthy, refused, silent)) {
                topics.publish(upgradeId, Topics.completed(upgradeId));
            }
        }
    }
}
