package io.bluegreen.runtime.credentials;

/**
 * Turns the credentials reference a message names ({@code ClusterRef.credentialsRef}) into credentials.
 * Messages never carry secrets; only agents that connect resolve them: from configuration in local mode, from
 * AWS Secrets Manager in production. A login to a database is resolved for its host: credentials are only given out
 * for the hosts they are bound to, so a plan cannot send a configured password to a host of its choosing.
 */
public interface CredentialsResolver {

    /**
     * Credentials that are not sent to a database host (the API's logins, the master password of a new instance).
     *
     * @throws UnknownCredentialsException when nothing is known under the reference
     */
    Credentials resolve(String reference);

    /**
     * Credentials to log in to {@code host}.
     *
     * @throws UnknownCredentialsException  when nothing is known under the reference
     * @throws CredentialsNotBoundException when the credentials are not bound to that host
     */
    Credentials resolveFor(String reference, String host);
}
