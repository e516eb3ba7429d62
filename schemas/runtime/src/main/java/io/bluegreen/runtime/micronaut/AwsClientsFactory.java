package io.bluegreen.runtime.micronaut;

import io.bluegreen.runtime.aws.RdsClients;
import io.micronaut.context.annotation.Bean;
import io.micronaut.context.annotation.Factory;
import io.micronaut.context.annotation.Value;
import jakarta.inject.Singleton;

import java.net.URI;
import java.util.Optional;

/**
 * The RDS clients every service that talks to AWS shares (the aws-agent for its steps, the coordinator for its
 * read-only plan checks): {@code bluegreen.aws.endpoint-override} points them at another endpoint (the local RDS
 * endpoint), {@code bluegreen.aws.access-key-id} / {@code secret-access-key} replace the default credentials chain.
 */
@Factory
public class AwsClientsFactory {

    @Singleton
    @Bean(preDestroy = "close")
    RdsClients rdsClients(@Value("${bluegreen.aws.endpoint-override:}") String endpointOverride,
                          @Value("${bluegreen.aws.access-key-id:}") String accessKeyId,
                          @Value("${bluegreen.aws.secret-access-key:}") String secretAccessKey) {
        return new RdsClients(endpointOverride.isBlank() ? Optional.empty() : Optional.of(URI.create(endpointOverride)),
                accessKeyId.isBlank() ? Optional.empty() : Optional.of(accessKeyId),
                secretAccessKey.isBlank() ? Optional.empty() : Optional.of(secretAccessKey));
    }
}
