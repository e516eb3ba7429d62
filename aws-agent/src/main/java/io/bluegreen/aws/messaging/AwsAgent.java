package io.bluegreen.aws.messaging;

import io.bluegreen.aws.step.AwsSteps;
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
import java.util.function.UnaryOperator;

/**
 * Runs the aws steps on the agent runtime over {@value Topics#AWS_COMMANDS} from start-up to shutdown
 * ({@code bluegreen.aws.listener.enabled=false} leaves the commands unconsumed). A step that waits on the control
 * plane for an hour holds its partition, not the consumer; a stopped agent's step runs again, idempotently, where
 * its partition goes.
 */
@Context
@Requires(property = "bluegreen.aws.listener.enabled", notEquals = "false")
public class AwsAgent {

    private final AgentRuntime runtime;

    public AwsAgent(@Named("aws") AgentSteps steps, Optional<TopicsAtStartup> topics,
                    KafkaConnection kafka, MeterRegistry meters,
                    @Value("${bluegreen.aws.consumer-group:bluegreen-aws-agent}") String groupId,
                    @Value("${bluegreen.aws.consumer-threads:2}") int workers,
                    @Value("${bluegreen.agent.heartbeat:10s}") Duration heartbeat,
                    @Value("${bluegreen.aws.retry.max-attempts:4}") int maxAttempts,
                    @Value("${bluegreen.aws.retry.initial-backoff:1s}") Duration initialBackoff,
                    @Value("${bluegreen.aws.retry.max-backoff:30s}") Duration maxBackoff,
                    @Value("${bluegreen.aws.remembered-commands:10000}") int rememberedCommands) {
        topics.ifPresent(TopicsAtStartup::ensure);
        AgentRuntime.Settings settings = new AgentRuntime.Settings("bluegreen-aws-agent", Topics.AWS_COMMANDS, groupId,
                kafka, workers, heartbeat, new CommandRunner.Retry(maxAttempts, initialBackoff, maxBackoff),
                rememberedCommands);
        // AWS error messages carry no secret of ours: the master password goes to the SDK only
        this.runtime = new AgentRuntime(settings, steps, AwsSteps::classify, UnaryOperator.identity(),
                Clock.systemUTC(), meters).start();
    }

    @PreDestroy
    void close() {
        runtime.close();
    }
}
