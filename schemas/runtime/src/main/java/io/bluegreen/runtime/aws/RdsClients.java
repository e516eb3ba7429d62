package io.bluegreen.runtime.aws;

import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.rds.RdsClient;
import software.amazon.awssdk.services.rds.RdsClientBuilder;

import java.net.URI;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * One real AWS SDK v2 {@link RdsClient} per region. Credentials come from the default provider chain, or from
 * a static key pair when one is configured (the local RDS endpoint); the endpoint can be overridden (the local
 * RDS endpoint). The HTTP client is named explicitly.
 */
public final class RdsClients implements AutoCloseable {

    private final Optional<URI> endpointOverride;
    private final AwsCredentialsProvider credentials;
    private final Map<String, RdsClient> clients = new ConcurrentHashMap<>();

    public RdsClients(Optional<URI> endpointOverride, Optional<String> accessKeyId, Optional<String> secretAccessKey) {
        this.endpointOverride = endpointOverride;
        this.credentials = accessKeyId.isPresent() && secretAccessKey.isPresent()
                ? StaticCredentialsProvider.create(AwsBasicCredentials.create(accessKeyId.get(), secretAccessKey.get()))
                : DefaultCredentialsProvider.builder().build();
    }

    public RdsClient forRegion(String region) {
        if (region == null || region.isBlank()) {
            throw new IllegalArgumentException("The cluster reference names no region: set region in the plan's ClusterRef");
        }
        return clients.computeIfAbsent(region, r -> {
            RdsClientBuilder builder = RdsClient.builder().region(Region.of(r)).credentialsProvider(credentials)
                    .httpClientBuilder(UrlConnectionHttpClient.builder()
                            .connectionTimeout(Duration.ofSeconds(10)).socketTimeout(Duration.ofSeconds(60)));
            endpointOverride.ifPresent(builder::endpointOverride);
            return builder.build();
        });
    }

    @Override
    public void close() {
        clients.values().forEach(RdsClient::close);
        clients.clear();
    }
}
