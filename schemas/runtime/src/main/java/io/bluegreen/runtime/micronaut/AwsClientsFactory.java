package io.bluegreen.runtime.micronaut;

import io.bluegreen.runtime.aws.AwsAccess;
import io.bluegreen.runtime.aws.RdsClients;
import io.micronaut.context.annotation.Bean;
import io.micronaut.context.annotation.Factory;
import io.micronaut.context.annotation.Value;
import jakarta.inject.Singleton;

import java.net.URI;
import java.util.Optional;

/**
 * How every service reaches AWS ({@link AwsAccess}: {@code bluegreen.aws.endpoint-override} points the clients at
 * another endpoint, the local one; {@code bluegreen.aws.access-key-id} / {@code secret-access-key} replace the
 * default credentials chain), and the RDS clients the services that talk to RDS share (the aws-agent for its steps,
 * the coordinator for its read-only plan checks).
 */
@Factory
public class AwsClientsFactory {

    @Singleton
    AwsAccess awsAccess(@Value("${bluegreen.aws.endpoint-override:}") String endpointOverride,
                        @Value("${bluegreen.aws.access-key-id:}") String accessKeyId,
                        @Value("${bluegreen.aws.secret-access-key:}") String secretAccessKey) {
        return AwsAccess.of(endpointOverride.isBlank() ? Optional.empty() : Optional.of(URI.create(endpointOverride)),
                Optional.of(accessKeyId), Optional.of(secretAccessKey));
    }

    @Singleton
    @Bean(preDestroy = "close")
    RdsClients rdsClients(AwsAccess access) {
        return new RdsClients(access);
    }
}
