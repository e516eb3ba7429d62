package io.bluegreen.runtime.credentials;

import io.micronaut.context.annotation.Requires;
import io.micronaut.context.env.Environment;
import jakarta.inject.Singleton;

/**
 * Credentials from configuration ({@code bluegreen.credentials.source: config}, the default):
 * {@code bluegreen.credentials.<ref>.username} and {@code bluegreen.credentials.<ref>.password} (environment variables
 * work too, e.g. {@code BLUEGREEN_CREDENTIALS_BLUE_PASSWORD}), and the hosts they may be sent to,
 * {@code bluegreen.credentials.<ref>.hosts} ({@link HostBindings}). Read on every call, so nothing is kept to
 * {@link #forget}. Production reads them from AWS Secrets Manager instead ({@link SecretsManagerCredentials}).
 */
@Singleton
@Requires(property = CredentialsSource.SETTING, value = CredentialsSource.CONFIG, defaultValue = CredentialsSource.CONFIG)
public class ConfiguredCredentials implements CredentialsResolver {

    private final Environment environment;
    private final HostBindings bindings;

    public ConfiguredCredentials(Environment environment) {
        this.environment = environment;
        this.bindings = HostBindings.from(environment);
    }

    @Override
    public Credentials resolve(String reference) {
        String prefix = "bluegreen.credentials." + reference + ".";
        String username = environment.getProperty(prefix + "username", String.class).orElse(null);
        String password = environment.getProperty(prefix + "password", String.class).orElse(null);
        if (username == null || password == null) {
            throw new UnknownCredentialsException(reference, "set " + prefix + "username and " + prefix
                    + "password in the service configuration");
        }
        return new Credentials(username, password);
    }

    @Override
    public Credentials resolveFor(String reference, String host) {
        bindings.check(reference, host);
        return resolve(reference);
    }
}
