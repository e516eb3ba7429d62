package io.bluegreen.runtime.credentials;

/**
 * Turns the credentials reference a message names ({@code ClusterRef.credentialsRef}) into credentials.
 * Messages never carry secrets; only agents that connect resolve them: from configuration in local mode
 * ({@link ConfiguredCredentials}), from AWS Secrets Manager in production ({@link SecretsManagerCredentials}), as
 * {@code bluegreen.credentials.source} says. A login to a database is resolved for its host: credentials are only
 * given out for the hosts they are bound to ({@link HostBindings}), so a plan cannot send a password to a host of its
 * choosing. A resolver may keep what it read for a while; a login refused with these credentials makes the caller
 * {@link #forget} them and resolve again ({@link Logins#open}), so a rotated password is picked up at once.
 */
public interface CredentialsResolver {

    /**
     * Credentials that are not sent to a database host (the API's logins, the master password of a new instance).
     *
     * @throws UnknownCredentialsException     when nothing usable is known under the reference
     * @throws CredentialsUnavailableException when the store that holds them could not be read
     */
    Credentials resolve(String reference);

    /**
     * Credentials to log in to {@code host}.
     *
     * @throws UnknownCredentialsException     when nothing usable is known under the reference
     * @throws CredentialsNotBoundException    when the credentials are not bound to that host
     * @throws CredentialsUnavailableException when the store that holds them could not be read
     */
    Credentials resolveFor(String reference, String host);

    /**
     * A login with the credentials of this reference was refused as unauthenticated: drop any copy kept, so the next
     * {@code resolve} reads the source again (the password may have been rotated). Nothing to do for a resolver that
     * keeps no copy.
     */
    default void forget(String reference) {
    }
}
