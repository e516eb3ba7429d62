package io.bluegreen.aws.messaging;

import io.bluegreen.aws.rds.RdsClients;
import io.bluegreen.aws.step.AgentSettings;
import io.bluegreen.aws.step.StepRunner;
import io.bluegreen.schemas.credentials.CredentialsResolver;
import io.bluegreen.schemas.serde.AcknowledgedPublisher;
import io.micronaut.context.annotation.Bean;
import io.micronaut.context.annotation.Factory;
import io.micronaut.context.annotation.Value;
import jakarta.inject.Singleton;

import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.util.Optional;

/** Wires the aws-agent from configuration ({@code bluegreen.aws.*}). */
@Factory
public class AwsAgentFactory {

    @Singleton
    AgentSettings settings(@Value("${bluegreen.aws.instance-class:db.r6g.large}") String instanceClass,
                           @Value("${bluegreen.aws.poll-interval:15s}") Duration pollInterval,
                           @Value("${bluegreen.aws.wait-slice:60s}") Duration waitSlice,
                           @Value("${bluegreen.aws.step-timeout:12h}") Duration stepTimeout,
                           @Value("${bluegreen.aws.log-lines-per-page:2000}") int linesPerPage) {
        return new AgentSettings(instanceClass, pollInterval, waitSlice, stepTimeout, linesPerPage);
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
    @Bean(preDestroy = "close")
    AcknowledgedPublisher publisher(@Value("${kafka.bootstrap.servers}") String bootstrapServers) {
        return new AcknowledgedPublisher(bootstrapServers, "bluegreen-aws-agent-results");
    }

    @Singleton
    AwsCommandHandler handler(AcknowledgedPublisher publisher, RdsClients clients, CredentialsResolver credentials,
                              AgentSettings settings) {
        return new AwsCommandHandler(publisher, clients, credentials, settings, new StepRunner(settings), Clock.systemUTC());
    }
}
