package io.bluegreen.aws.messaging;

import io.bluegreen.runtime.aws.RdsClients;
import io.bluegreen.aws.step.AgentSettings;
import io.bluegreen.aws.step.AwsSteps;
import io.bluegreen.runtime.agent.AgentSteps;
import io.micronaut.context.annotation.Factory;
import io.micronaut.context.annotation.Value;
import jakarta.inject.Named;
import jakarta.inject.Singleton;

import java.time.Duration;

/** Wires the aws-agent from configuration ({@code bluegreen.aws.*}). */
@Factory
public class AwsAgentFactory {

    @Singleton
    AgentSettings settings(@Value("${bluegreen.aws.poll-interval:15s}") Duration pollInterval,
                           @Value("${bluegreen.aws.step-timeout:12h}") Duration stepTimeout,
                           @Value("${bluegreen.aws.log-lines-per-page:2000}") int linesPerPage) {
        return new AgentSettings(pollInterval, stepTimeout, linesPerPage);
    }

    @Singleton
    @Named("aws")
    AgentSteps awsSteps(RdsClients clients, AgentSettings settings) {
        return AwsSteps.of(clients, settings, duration -> Thread.sleep(duration.toMillis()));
    }
}
