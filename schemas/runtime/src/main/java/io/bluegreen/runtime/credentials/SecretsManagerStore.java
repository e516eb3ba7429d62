package io.bluegreen.runtime.credentials;

import io.bluegreen.runtime.aws.AwsAccess;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.secretsmanager.SecretsManagerClient;
import software.amazon.awssdk.services.secretsmanager.SecretsManagerClientBuilder;
import software.amazon.awssdk.services.secretsmanager.model.ResourceNotFoundException;
import software.amazon.awssdk.services.secretsmanager.model.SecretsManagerException;

import java.io.IOException;
import java.util.Optional;
import java.util.Set;

/**
 * {@link SecretStore} over the AWS SDK v2 {@link SecretsManagerClient} ({@code GetSecretValue}, the current version),
 * reaching AWS as {@link AwsAccess} says. AWS's answers become the resolver's exceptions: an unknown secret is
 * {@link UnknownCredentialsException}, anything else that stops the read {@link CredentialsUnavailableException} with
 * AWS's error code.
 */
public final class SecretsManagerStore implements SecretStore {

    private static final Set<String> RETRYABLE_CODES = Set.of("InternalServiceError", "ThrottlingException",
            "TooManyRequestsException", "RequestTimeout", "ServiceUnavailable");

    private final SecretsManagerClient client;
    private final String where;

    public SecretsManagerStore(SecretsManagerClient client, String where) {
        this.client = client;
        this.where = where;
    }

    /** A store with its own client, in {@code region} (else the SDK's default region chain: {@code AWS_REGION}). */
    public static SecretsManagerStore create(AwsAccess access, Optional<String> region) {
        SecretsManagerClientBuilder builder = access.configure(SecretsManagerClient.builder());
        region.filter(r -> !r.isBlank()).map(Region::of).ifPresent(builder::region);
        SecretsManagerClient client;
        try {
            client = builder.build();
        } catch (SdkClientException e) {
            throw new IllegalStateException("No region for AWS Secrets Manager: set bluegreen.credentials.secrets-manager.region "
                    + "(or AWS_REGION): " + e.getMessage(), e);
        }
        String regionName = client.serviceClientConfiguration().region().id();
        return new SecretsManagerStore(client, "AWS Secrets Manager (" + regionName
                + access.endpointOverride().map(uri -> " at " + uri).orElse("") + ")");
    }

    @Override
    public String read(String reference, String secretId) {
        try {
            return client.getSecretValue(request -> request.secretId(secretId)).secretString();
        } catch (ResourceNotFoundException e) {
            throw new UnknownCredentialsException(reference, where + " has no secret '" + secretId + "': create it holding "
                    + "{\"username\": \"...\", \"password\": \"...\"}, or point the reference at the secret that holds them "
                    + "(bluegreen.credentials." + reference + ".secret-id)");
        } catch (SecretsManagerException e) {
            String code = e.awsErrorDetails() != null ? e.awsErrorDetails().errorCode() : Integer.toString(e.statusCode());
            boolean retryable = e.isThrottlingException() || e.statusCode() >= 500 || RETRYABLE_CODES.contains(code);
            throw new CredentialsUnavailableException(reference, "Could not read secret '" + secretId
                    + "' for credentials reference '" + reference + "' from " + where + ": " + code + " ("
                    + (e.awsErrorDetails() != null ? e.awsErrorDetails().errorMessage() : e.getMessage()) + ")"
                    + (retryable ? "; it will be tried again" : "; the service's role needs secretsmanager:GetSecretValue "
                    + "on it (and kms:Decrypt on its key when that is a customer managed key)"), retryable, e);
        } catch (SdkClientException e) {
            // an answer that could not be read may quote the answer, which holds the secret: pass on only what failed
            boolean unreachable = rootCause(e) instanceof IOException;
            throw new CredentialsUnavailableException(reference, "Could not read secret '" + secretId
                    + "' for credentials reference '" + reference + "' from " + where + ": "
                    + (unreachable ? "not reachable (" + rootCause(e) + ")" : "its answer could not be read ("
                    + e.getClass().getSimpleName() + ")"), unreachable, unreachable ? e : null);
        }
    }

    @Override
    public String describe() {
        return where;
    }

    @Override
    public void close() {
        client.close();
    }

    private static Throwable rootCause(Throwable error) {
        Throwable root = error;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        return root;
    }
}
