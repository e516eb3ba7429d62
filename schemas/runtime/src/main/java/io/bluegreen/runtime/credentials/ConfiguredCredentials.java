package io.bluegreen.runtime.credentials;

import io.micronaut.context.env.Environment;
import jakarta.inject.Singleton;

/**
 * Local-mode credentials from configuration: {@code bluegreen.credentials.<ref>.username} and
 * {@code bluegreen.credentials.<ref>.password} (environment variables work too, e.g.
 * {@code BLUEGREEN_CREDENTIALS_BLUE_PASSWORD}), and the hosts they may be sent to,
 * {@code bluegreen.credentials.<ref>.hosts} (names, addresses or {@code *} patterns; see {@link HostBinding}). Production replaces this bean with a Secrets Manager resolver
 * ({@code @Replaces(ConfiguredCredentials.class)}).
 */
@Singleton
public class ConfiguredCredentials implements CredentialsResolver {

    private final Environment environment;

    public ConfiguredCredentials(Environment environment) {
        this.environment = environment;
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
        Credentials credentials = resolve(reference);
        HostBinding binding = new HostBinding(environment.getProperty("bluegreen.credentials." + reference + ".hosts",
                io.micronaut.core.type.Argument.listOf(String.class)).orElse(java.util.List.of()));
        if (!binding.allows(host)) {
            throw new CredentialsNotBoundException(reference, host, binding);
        }
        return credentials;
    }
}
