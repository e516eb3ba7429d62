package io.bluegreen.runtime.micronaut;

import io.bluegreen.runtime.aws.AwsAccess;
import io.bluegreen.runtime.credentials.CredentialsResolver;
import io.bluegreen.runtime.credentials.CredentialsSource;
import io.bluegreen.runtime.credentials.HostBindings;
import io.bluegreen.runtime.credentials.SecretsManagerCredentials;
import io.bluegreen.runtime.credentials.SecretsManagerStore;
import io.micronaut.context.annotation.Bean;
import io.micronaut.context.annotation.Factory;
import io.micronaut.context.annotation.Requires;
import io.micronaut.context.annotation.Value;
import io.micronaut.context.env.Environment;
import io.micronaut.context.exceptions.ConfigurationException;
import jakarta.inject.Singleton;

import java.time.Clock;
import java.time.Duration;
import java.util.Optional;

/**
 * The credentials resolver {@code bluegreen.credentials.source} names when it is not {@code config} (that one,
 * {@code ConfiguredCredentials}, is a bean of its own): {@code secrets-manager} reads AWS Secrets Manager in
 * {@code bluegreen.credentials.secrets-manager.region} through {@link AwsAccess}; any other value stops the service
 * with the values it may take.
 */
@Factory
public class CredentialsFactory {

    @Singleton
    @Bean(preDestroy = "close")
    @Requires(property = CredentialsSource.SETTING, value = CredentialsSource.SECRETS_MANAGER)
    SecretsManagerCredentials secretsManagerCredentials(
            Environment environment, AwsAccess access,
            @Value("${bluegreen.credentials.secrets-manager.region:}") String region,
            @Value("${bluegreen.credentials.secrets-manager.prefix:}") String prefix,
            @Value("${bluegreen.credentials.secrets-manager.cache-duration:5m}") Duration cacheDuration) {
        return new SecretsManagerCredentials(SecretsManagerStore.create(access, Optional.of(region)),
                SecretsManagerCredentials.secretIds(prefix,
                        reference -> environment.getProperty("bluegreen.credentials." + reference + ".secret-id", String.class)),
                HostBindings.from(environment), cacheDuration, Clock.systemUTC());
    }

    @Singleton
    @Requires(property = CredentialsSource.SETTING, pattern = "^(?!(" + CredentialsSource.CONFIG + "|"
            + CredentialsSource.SECRETS_MANAGER + ")$).*$")
    CredentialsResolver unknownSource(@Value("${" + CredentialsSource.SETTING + "}") String source) {
        throw new ConfigurationException(CredentialsSource.SETTING + " is '" + source + "': set it to "
                + CredentialsSource.CONFIG + " (credentials from configuration, the default) or "
                + CredentialsSource.SECRETS_MANAGER + " (AWS Secrets Manager)");
    }
}
