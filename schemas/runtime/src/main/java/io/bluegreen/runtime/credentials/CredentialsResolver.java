package io.bluegreen.runtime.credentials;

/**
 * Turns the credentials reference a message names ({@code ClusterRef.credentialsRef}) into credentials.
 * Messages never carry secrets; only agents that connect resolve them: from configuration in local mode, from
 * AWS Secrets Manager in production.
 */
public interface CredentialsResolver {

    /**
     * @throws UnknownCredentialsException when nothing is known under the reference
     */
    Credentials resolve(String reference);
}
