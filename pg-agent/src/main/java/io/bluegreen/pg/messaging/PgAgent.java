package io.bluegreen.pg.messaging;

import io.bluegreen.pg.PgFailures;
import io.bluegreen.pg.replication.ReplicationAdmin;
import io.bluegreen.runtime.agent.AgentRuntime;
import io.bluegreen.runtime.agent.AgentSteps;
import io.bluegreen.runtime.agent.CommandRunner;
import io.bluegreen.runtime.kafka.KafkaConnection;
import io.bluegreen.runtime.micronaut.TopicsAtStartup;
import io.bluegreen.schemas.Topics;
import io.micrometer.core.instrument.MeterRegistry;
import io.micronaut.context.annotation.Context;
import io.micronaut.context.annotation.Requires;
import io.micronaut.context.annotation.Value;
import jakarta.annotation.PreDestroy;
import jakarta.inject.Named;

import java.time.Clock;
import java.time.Duration;
import java.util.Optional;

/**
 * Runs the pg steps on the agent runtime over {@value Topics#PG_COMMANDS} from start-up to shutdown
 * ({@code bluegreen.pg.listener.enabled=false} leaves the commands unconsumed).
 */
@Context
@Requires(property = "bluegreen.pg.listener.enabled", notEquals = "false")
public class PgAgent {

    private final AgentRuntime runtime;

    public PgAgent(@Named("pg") AgentSteps steps, ReplicationAdmin admin, Optional<TopicsAtStartup> topics,
                   KafkaConnection kafka, MeterRegistry meters,
                   @Value("${bluegreen.pg.consumer-group:bluegreen-pg-agent}") String groupId,
                   @Value("${bluegreen.pg.consumer-threads:2}") int workers,
                   @Value("${bluegreen.agent.heartbeat:10s}") Duration heartbeat,
                   @Value("${bluegreen.pg.retry.max-attempts:4}") int maxAttempts,
                   @Value("${bluegreen.pg.retry.initial-backoff:200ms}") Duration initialBackoff,
                   @Value("${bluegreen.pg.retry.max-backoff:5s}") Duration maxBackoff,
                   @Value("${bluegreen.pg.remembered-commands:10000}") int rememberedCommands) {
        topics.ifPresent(TopicsAtStartup::ensure);
        AgentRuntime.Settings settings = new AgentRuntime.Settings("bluegreen-pg-agent", Topics.PG_COMMANDS, groupId,
                kafka, workers, heartbeat, new CommandRunner.Retry(maxAttempts, initialBackoff, maxBackoff),
                rememberedCommands);
        this.runtime = new AgentRuntime(settings, steps, new PgFailures(), admin::redact, Clock.systemUTC(), meters).start();
    }

    @PreDestroy
    void close() {
        runtime.close();
    }
}
