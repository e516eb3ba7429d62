package io.bluegreen.runtime.credentials;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.time.Duration;
import java.util.Optional;
import java.util.function.Function;

/**
 * Credentials from AWS Secrets Manager ({@code bluegreen.credentials.source: secrets-manager}).
 *
 * <ul>
 *   <li>The secret of a reference is {@code bluegreen.credentials.<ref>.secret-id} when that is set (an ARN or a
 *       name, such as the {@code rds!cluster-...} secret RDS manages), else the reference behind an optional prefix
 *       ({@code bluegreen.credentials.secrets-manager.prefix}, e.g. {@code bluegreen/}).</li>
 *   <li>Its value is the JSON RDS writes for the master secrets it manages, {@code {"username", "password"}}
 *       ({@link SecretJson}).</li>
 *   <li>What was read is kept for {@code bluegreen.credentials.secrets-manager.cache-duration} (5 minutes), so a
 *       login costs no AWS call; {@link #forget} drops it at once when a login with it was refused (a rotated
 *       password, {@link Logins}), so the next resolve reads the secret again.</li>
 *   <li>Host bindings stay in configuration and are checked as for every resolver ({@link HostBindings}), before the
 *       secret is read.</li>
 * </ul>
 * No secret value is logged or put in an exception.
 */
public final class SecretsManagerCredentials implements CredentialsResolver, AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(SecretsManagerCredentials.class);

    private final SecretStore store;
    private final Function<String, String> secretIds;
    private final HostBindings bindings;
    private final ExpiringCache<Credentials> cache;
    private final Duration cacheDuration;

    public SecretsManagerCredentials(SecretStore store, Function<String, String> secretIds, HostBindings bindings,
                                     Duration cacheDuration, Clock clock) {
        this.store = store;
        this.secretIds = secretIds;
        this.bindings = bindings;
        this.cache = new ExpiringCache<>(cacheDuration, clock);
        this.cacheDuration = cacheDuration;
    }

    /**
     * The secret id of each reference: the one configured for it ({@code configured}, from
     * {@code bluegreen.credentials.<ref>.secret-id}), else {@code prefix + reference}.
     */
    public static Function<String, String> secretIds(String prefix, Function<String, Optional<String>> configured) {
        return reference -> configured.apply(reference).filter(id -> !id.isBlank()).orElse(prefix + reference);
    }

    @Override
    public Credentials resolve(String reference) {
        return cache.get(reference, this::read);
    }

    @Override
    public Credentials resolveFor(String reference, String host) {
        bindings.check(reference, host);
        return resolve(reference);
    }

    @Override
    public void forget(String reference) {
        cache.forget(reference);
    }

    @Override
    public void close() {
        store.close();
    }

    @Override
    public String toString() {
        return "SecretsManagerCredentials[" + store.describe() + ", kept " + cacheDuration + "]";
    }

    private Credentials read(String reference) {
        String secretId = secretIds.apply(reference);
        Credentials credentials = SecretJson.credentials(reference, secretId, store.read(reference, secretId));
        LOG.debug("Credentials '{}' read from secret '{}' of {} (user {})", reference, secretId, store.describe(),
                credentials.username());
        return credentials;
    }
}
