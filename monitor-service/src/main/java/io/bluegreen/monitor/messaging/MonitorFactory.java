package io.bluegreen.monitor.messaging;

import io.bluegreen.monitor.alert.AlertSettings;
import io.bluegreen.monitor.lag.PgConnector;
import io.bluegreen.monitor.lag.ReplicationGauges;
import io.bluegreen.monitor.lag.ReplicationMonitor;
import io.bluegreen.monitor.lag.Sampler;
import io.bluegreen.monitor.lag.SamplerSettings;
import io.bluegreen.runtime.credentials.CredentialsResolver;
import io.bluegreen.runtime.kafka.KafkaClientMeters;
import io.bluegreen.runtime.kafka.KafkaConnection;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.kafka.KafkaClientMetrics;
import io.micronaut.configuration.kafka.annotation.KafkaClient;
import io.micronaut.context.annotation.Bean;
import io.micronaut.context.annotation.Context;
import io.micronaut.context.annotation.Factory;
import io.micronaut.context.annotation.Requires;
import io.micronaut.context.annotation.Value;
import jakarta.inject.Singleton;
import org.apache.kafka.clients.producer.Producer;

import java.time.Clock;
import java.time.Duration;

/** Wires the monitor from configuration ({@code bluegreen.monitor.*}); see the module README for every key. */
@Factory
public class MonitorFactory {

    @Singleton
    SamplerSettings samplerSettings(@Value("${bluegreen.monitor.sample-interval:5s}") Duration sampleInterval,
                                    @Value("${bluegreen.monitor.schema-interval:60s}") Duration schemaInterval,
                                    @Value("${bluegreen.monitor.connect-timeout:2s}") Duration connectTimeout,
                                    @Value("${bluegreen.monitor.query-timeout:2s}") Duration queryTimeout,
                                    @Value("${bluegreen.monitor.parallelism:8}") int parallelism,
                                    @Value("${bluegreen.monitor.detail-parallelism:4}") int detailParallelism,
                                    @Value("${bluegreen.monitor.detail-connections-per-server:2}") int perServer) {
        return new SamplerSettings(sampleInterval, schemaInterval, connectTimeout, queryTimeout, parallelism,
                detailParallelism, perServer);
    }

    @Singleton
    AlertSettings alertSettings(
            @Value("${bluegreen.monitor.wal-retention-limit-bytes:10737418240}") long walRetentionLimitBytes,
            @Value("${bluegreen.monitor.alerts.clear-ratio:0.8}") double clearRatio,
            @Value("${bluegreen.monitor.alerts.raise-after:2}") int raiseAfter,
            @Value("${bluegreen.monitor.alerts.clear-after:2}") int clearAfter,
            @Value("${bluegreen.monitor.alerts.errors-clear-after:12}") int errorsClearAfter) {
        return new AlertSettings(walRetentionLimitBytes, clearRatio, raiseAfter, clearAfter, errorsClearAfter);
    }

    /**
     * The producer's Kafka metrics are bound as every hand-built client's are (Micrometer's {@code KafkaClientMetrics}:
     * the same names and tags on every service), so Micronaut Kafka's own binder is off
     * ({@code micronaut.metrics.binders.kafka.enabled: false} in application.yml).
     */
    @Singleton
    KafkaMonitorOutput output(@KafkaClient(id = "bluegreen-monitor", acks = KafkaClient.Acknowledge.ALL)
                              Producer<byte[], byte[]> producer, MeterRegistry registry) {
        new KafkaClientMetrics(producer).bindTo(registry);
        return new KafkaMonitorOutput(producer);
    }

    @Singleton
    ReplicationGauges gauges(MeterRegistry registry) {
        return new ReplicationGauges(registry);
    }

    @Singleton
    ReplicationMonitor monitor(AlertSettings alertSettings, ReplicationGauges gauges, KafkaMonitorOutput output,
                               MeterRegistry registry) {
        ReplicationMonitor monitor = new ReplicationMonitor(alertSettings, gauges, output);
        Gauge.builder("bluegreen.monitor.upgrades.watched", monitor, m -> m.watched().size())
                .description("Upgrades this monitor instance watches (those of its event partitions)")
                .register(registry);
        Gauge.builder("bluegreen.monitor.databases.watched", monitor,
                        m -> m.watched().stream().mapToInt(u -> u.databases().size()).sum())
                .description("Databases this monitor instance samples").register(registry);
        return monitor;
    }

    @Context
    @Bean(preDestroy = "close")
    @Requires(property = "bluegreen.monitor.enabled", notEquals = "false")
    Sampler sampler(ReplicationMonitor monitor, SamplerSettings settings, CredentialsResolver credentials,
                    MeterRegistry registry) {
        Sampler sampler = new Sampler(monitor::watched, monitor, settings,
                new PgConnector(credentials, settings.connectTimeout(), settings.queryTimeout()), Clock.systemUTC());
        Gauge.builder("bluegreen.monitor.connections.open", sampler, Sampler::openConnections)
                .description("Connections the monitor keeps open to servers (one per server and side)")
                .register(registry);
        sampler.start();
        return sampler;
    }

    @Context
    @Bean(preDestroy = "close")
    @Requires(property = "bluegreen.monitor.enabled", notEquals = "false")
    UpgradeEventsConsumer events(KafkaConnection kafka,
                                 @Value("${bluegreen.monitor.group-id:bluegreen-monitor}") String groupId,
                                 @Value("${bluegreen.monitor.alert-history-timeout:30s}") Duration historyTimeout,
                                 ReplicationMonitor monitor, KafkaMonitorOutput output,
                                 @KafkaClient(id = "bluegreen-monitor", acks = KafkaClient.Acknowledge.ALL)
                                 Producer<byte[], byte[]> deadLetters, MeterRegistry registry) {
        KafkaClientMeters meters = KafkaClientMeters.on(registry);
        UpgradeEventsConsumer consumer = new UpgradeEventsConsumer(kafka, groupId, monitor,
                new AlertHistory(kafka, historyTimeout, meters), deadLetters, output, meters);
        consumer.start();
        return consumer;
    }
}
