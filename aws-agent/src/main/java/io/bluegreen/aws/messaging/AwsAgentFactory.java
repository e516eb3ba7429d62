package io.bluegreen.aws.messaging;

import io.bluegreen.aws.rds.RdsClients;
import io.bluegreen.aws.step.AgentSettings;
import io.bluegreen.aws.step.AwsSteps;
import io.bluegreen.runtime.agent.AgentSteps;
import io.bluegreen.runtime.credentials.CredentialsResolver;
import io.micronaut.context.annotation.Bean;
import io.micronaut.context.annotation.Factory;
import io.micronaut.context.annotation.Value;
import jakarta.inject.Named;
import jakarta.inject.Singleton;

import java.net.URI;
import java.time.Duration;
import java.util.Optional;

/** Wires the aws-agent from configuration ({@code bluegreen.aws.*}). */
@Factory
public class AwsAgentFactory {

    @Singleton
    AgentSettings settings(@Value("${bluegreen.aws.instance-class:db.r6g.large}") String instanceClass,
                           @Value("${bluegreen.aws.poll-interval:15s}") Duration pollInterval,
                           @Value("${bluegreen.aws.step-timeout:12h}") Duration stepTimeout,
                           @Value("${bluegreen.aws.log-lines-per-page:2000}") int linesPerPage) {
        return new AgentSettings(instanceClass, pollInterval, stepTimeout, linesPerPage);
    }

    @Singleton
    @Bean(preDestroy = "close")
    RdsClients rdsClients(@Value("${bluegreen.aws.endpoint-override:}") String endpointOverride,
                          @Value("${bluegreen.aws.access-key-id:}") String accessKeyId,
                          @Value("${bluegreen.aws.secret-access-key:}") String secretAccessKey) {
        return new RdsClients(endpointOverride.isBlank() ? Optional.empty() : Optional.of(URI.create(endpointOverride)),
                accessKeyId.isBlank() ? Optional.empty() : Optional.of(accessKeyId),
                secretAccessKey.isBlank() ? Optional.empty() : Optional.of(secretAccessKey));
    }

    @Singleton
    @Named("aws")
    AgentSteps awsSteps(RdsClients clients, AgentSettings settings, CredentialsResolver credentials) {
        return AwsSteps.of(clients, settings, credentials, duration -> Thread.sleep(duration.toMillis()));
    }
}
