package io.bluegreen.runtime.credentials;

/**
 * Where the services read credentials: {@code bluegreen.credentials.source} is {@value #CONFIG} (the default,
 * {@link ConfiguredCredentials}) or {@value #SECRETS_MANAGER} ({@link SecretsManagerCredentials}); exactly one
 * {@link CredentialsResolver} is active. The names {@code source} and {@code secrets-manager} are therefore not
 * credentials references.
 */
public final class CredentialsSource {

    public static final String SETTING = "bluegreen.credentials.source";
    public static final String CONFIG = "config";
    public static final String SECRETS_MANAGER = "secrets-manager";

    private CredentialsSource() {
    }
}
