package io.bluegreen.coordinator.messaging;

import io.bluegreen.coordinator.saga.Saga;
import io.bluegreen.coordinator.service.Upgrades;
import io.bluegreen.schemas.common.UpgradePhase;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micronaut.context.annotation.Bean;
import io.micronaut.context.annotation.Context;
import io.micronaut.context.annotation.Factory;
import io.micronaut.context.annotation.Value;
import io.bluegreen.runtime.micronaut.TopicsAtStartup;
import jakarta.inject.Singleton;

import java.time.Clock;
import java.time.Duration;
import java.util.Optional;
import java.util.UUID;

/** Wires the coordinator: the event log, the saga, and the upgrades rebuilt from the log at start-up. */
@Factory
public class CoordinatorFactory {

    @Singleton
    @Bean(preDestroy = "close")
    EventLog eventLog(@Value("${kafka.bootstrap.servers}") String bootstrapServers) {
        return new EventLog(bootstrapServers);
    }

    @Context
    Upgrades upgrades(EventLog log, Optional<TopicsAtStartup> topics, MeterRegistry meters,
                      @Value("${bluegreen.coordinator.switchover-grace:2s}") Duration grace,
                      @Value("${bluegreen.coordinator.lag-sample-max-age:15s}") Duration maxSampleAge) {
        // the topics must exist before the history is read
        topics.ifPresent(TopicsAtStartup::ensure);
        Upgrades upgrades = new Upgrades(log, new Saga(() -> UUID.randomUUID().toString(), grace), Clock.systemUTC(),
                maxSampleAge);
        upgrades.recover();
        for (UpgradePhase phase : UpgradePhase.values()) {
            if (phase == UpgradePhase.UNKNOWN) {
                continue;
            }
            Gauge.builder("bluegreen.upgrades.active", upgrades,
                            u -> u.all().stream().filter(x -> x.state().phase() == phase).count())
                    .description("Upgrades known to this coordinator, by phase").tag("phase", phase.name()).register(meters);
        }
        return upgrades;
    }
}
