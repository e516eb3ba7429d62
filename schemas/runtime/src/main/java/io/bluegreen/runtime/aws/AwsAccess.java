package io.bluegreen.runtime.aws;

import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.awscore.client.builder.AwsClientBuilder;
import software.amazon.awssdk.awscore.client.builder.AwsSyncClientBuilder;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;

import java.net.URI;
import java.time.Duration;
import java.util.Optional;

/**
 * How every AWS SDK v2 client of a service reaches AWS: from {@code bluegreen.aws.endpoint-override} (another
 * endpoint, such as the local one in {@code deploy/local}) and {@code bluegreen.aws.access-key-id} /
 * {@code secret-access-key} (a static key; else the default credentials chain), over the url-connection HTTP client,
 * named explicitly. {@link #toString()} never shows the secret key.
 */
public final class AwsAccess {

    private final Optional<URI> endpointOverride;
    private final AwsCredentialsProvider credentials;
    private final boolean staticKey;

    private AwsAccess(Optional<URI> endpointOverride, AwsCredentialsProvider credentials, boolean staticKey) {
        this.endpointOverride = endpointOverride;
        this.credentials = credentials;
        this.staticKey = staticKey;
    }

    /** From the three settings; an empty or blank one is unset. */
    public static AwsAccess of(Optional<URI> endpointOverride, Optional<String> accessKeyId, Optional<String> secretAccessKey) {
        Optional<String> keyId = accessKeyId.filter(value -> !value.isBlank());
        Optional<String> secret = secretAccessKey.filter(value -> !value.isBlank());
        boolean staticKey = keyId.isPresent() && secret.isPresent();
        AwsCredentialsProvider credentials = staticKey
                ? StaticCredentialsProvider.create(AwsBasicCredentials.create(keyId.get(), secret.get()))
                : DefaultCredentialsProvider.builder().build();
        return new AwsAccess(endpointOverride, credentials, staticKey);
    }

    public Optional<URI> endpointOverride() {
        return endpointOverride;
    }

    /** Sets the credentials, the HTTP client and the endpoint override (when there is one) on a client builder. */
    public <B extends AwsClientBuilder<B, ?> & AwsSyncClientBuilder<B, ?>> B configure(B builder) {
        builder.credentialsProvider(credentials)
                .httpClientBuilder(UrlConnectionHttpClient.builder()
                        .connectionTimeout(Duration.ofSeconds(10)).socketTimeout(Duration.ofSeconds(60)));
        endpointOverride.ifPresent(builder::endpointOverride);
        return builder;
    }

    @Override
    public String toString() {
        return "AwsAccess[endpoint=" + endpointOverride.map(URI::toString).orElse("AWS")
                + ", credentials=" + (staticKey ? "static key" : "default chain") + "]";
    }
}
