package io.bluegreen.coordinator.messaging;

import io.bluegreen.coordinator.fleet.AlertView;
import io.bluegreen.coordinator.fleet.CoordinatorLoop;
import io.bluegreen.coordinator.fleet.FleetMeters;
import io.bluegreen.coordinator.fleet.FleetSettings;
import io.bluegreen.coordinator.fleet.KafkaClients;
import io.bluegreen.coordinator.fleet.LagView;
import io.bluegreen.coordinator.fleet.PreflightProbe;
import io.bluegreen.coordinator.fleet.ReadView;
import io.bluegreen.coordinator.fleet.RequestGateway;
import io.bluegreen.coordinator.fleet.SagaMeters;
import io.bluegreen.coordinator.saga.Saga;
import io.bluegreen.coordinator.saga.StepTimeouts;
import io.micronaut.core.convert.ConversionService;
import io.bluegreen.runtime.kafka.KafkaClientMeters;
import io.bluegreen.runtime.kafka.KafkaConnection;
import io.bluegreen.runtime.micronaut.TopicsAtStartup;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micronaut.context.annotation.Bean;
import io.micronaut.context.annotation.Context;
import io.micronaut.context.annotation.Factory;
import io.micronaut.context.annotation.Value;
import jakarta.inject.Singleton;

import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/**
 * Wires a coordinator instance: the read view of every upgrade, the loop that advances the upgrades of the
 * partitions this instance owns, and the gateway the REST API sends users' requests through.
 */
@Factory
public class CoordinatorFactory {

    @Singleton
    KafkaClients kafkaClients(KafkaConnection connection, MeterRegistry meters) {
        return new KafkaClients(connection, KafkaClientMeters.on(meters));
    }

    @Singleton
    FleetSettings fleetSettings(@Value("${bluegreen.coordinator.instance-id:}") String instanceId,
                                @Value("${bluegreen.coordinator.group-id:bluegreen-coordinator}") String groupId,
                                @Value("${bluegreen.coordinator.transactional-id-prefix:bluegreen-coordinator}") String prefix,
                                @Value("${bluegreen.coordinator.session-timeout:6s}") Duration sessionTimeout,
                                @Value("${bluegreen.coordinator.lag-sample-max-age:15s}") Duration maxSampleAge,
                                @Value("${bluegreen.coordinator.max-event-bytes:262144}") int maxEventBytes,
                                @Value("${bluegreen.coordinator.request-timeout:15s}") Duration requestTimeout) {
        String id = instanceId == null || instanceId.isBlank() ? "c-" + UUID.randomUUID().toString().substring(0, 8) : instanceId;
        return new FleetSettings(id, groupId, prefix, sessionTimeout, maxSampleAge, maxEventBytes, requestTimeout);
    }

    /**
     * @param stepTimeouts overrides of the steps' default deadlines, e.g. {@code CloneCluster=30m,UpgradeEngine=45m}
     */
    @Singleton
    Saga saga(@Value("${bluegreen.coordinator.switchover-grace:2s}") Duration grace,
              @Value("${bluegreen.coordinator.step-timeouts:}") String stepTimeouts) {
        Map<String, Duration> overrides = new LinkedHashMap<>();
        for (String pair : stepTimeouts.split(",")) {
            if (pair.isBlank()) {
                continue;
            }
            String[] parts = pair.split("=", 2);
            Duration timeout = parts.length < 2 ? null
                    : ConversionService.SHARED.convert(parts[1].trim(), Duration.class).orElse(null);
            if (timeout == null) {
                throw new IllegalArgumentException("bluegreen.coordinator.step-timeouts: '" + pair.trim()
                        + "' is not step=duration, e.g. CloneCluster=30m");
            }
            overrides.put(parts[0].trim(), timeout);
        }
        return new Saga(() -> UUID.randomUUID().toString(), grace, StepTimeouts.of(overrides));
    }

    @Singleton
    @Bean(preDestroy = "close")
    ReadView readView(KafkaClients clients, FleetSettings settings, Optional<TopicsAtStartup> topics, MeterRegistry meters) {
        // the topics must exist before the history is read
        topics.ifPresent(TopicsAtStartup::ensure);
        ReadView view = new ReadView(clients, settings.instanceId()).start(Duration.ofMinutes(5));
        FleetMeters.register(view, meters, Clock.systemUTC());
        return view;
    }

    @Context
    @Bean(preDestroy = "close")
    CoordinatorLoop coordinatorLoop(KafkaClients clients, FleetSettings settings, ReadView view, Saga saga, MeterRegistry meters,
                                    @Value("${bluegreen.coordinator.worker-threads:4}") int workers) {
        CoordinatorLoop loop = new CoordinatorLoop(clients, settings, view, saga, Clock.systemUTC(), workers,
                new SagaMeters(meters)).start();
        Gauge.builder("bluegreen.coordinator.partitions.owned", loop, l -> l.ownedPartitions().size())
                .description("Partitions of the saga's inputs this instance owns").register(meters);
        return loop;
    }

    @Singleton
    @Bean(preDestroy = "close")
    LagView lagView(KafkaClients clients, FleetSettings settings, ReadView view) {
        return new LagView(clients, settings.instanceId()).start(); // after the read view: the topics exist
    }

    @Context // reads the alerts' history from the start, not at the first request
    @Bean(preDestroy = "close")
    AlertView alertView(KafkaClients clients, FleetSettings settings, ReadView view) {
        return new AlertView(clients, settings.instanceId()).start(); // after the read view: the topics exist
    }

    @Singleton
    @Bean(preDestroy = "close")
    PreflightProbe preflightProbe(KafkaClients clients, FleetSettings settings,
                                  @Value("${bluegreen.coordinator.dry-run-preflight-timeout:20s}") Duration timeout) {
        return new PreflightProbe(clients, settings.instanceId(), timeout);
    }

    @Context
    @Bean(preDestroy = "close")
    RequestGateway requestGateway(KafkaClients clients, FleetSettings settings, ReadView view) {
        return new RequestGateway(clients, settings.instanceId(), view, settings.requestTimeout());
    }
}
