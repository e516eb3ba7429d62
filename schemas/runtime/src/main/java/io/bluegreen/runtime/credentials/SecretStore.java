package io.bluegreen.runtime.credentials;

/** The seam over a secrets store (AWS Secrets Manager: {@link SecretsManagerStore}): a secret's current string value. */
public interface SecretStore extends AutoCloseable {

    /**
     * The current string value of the secret, read for a credentials reference (named in every error).
     *
     * @return the value; {@code null} when the secret holds no string (a binary secret)
     * @throws UnknownCredentialsException     when no secret has that id
     * @throws CredentialsUnavailableException when the store could not be read
     */
    String read(String reference, String secretId);

    /** Where the secrets are read, for messages: {@code AWS Secrets Manager (eu-west-1)}. */
    String describe();

    @Override
    default void close() {
    }
}
