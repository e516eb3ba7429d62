package io.bluegreen.runtime.aws;

import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.rds.RdsClient;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * One real AWS SDK v2 {@link RdsClient} per region, reaching AWS as {@link AwsAccess} says: credentials from the
 * default provider chain, or from a static key pair when one is configured (the local RDS endpoint); the endpoint
 * can be overridden (the local RDS endpoint). The HTTP client is named explicitly.
 */
public final class RdsClients implements AutoCloseable {

    private final AwsAccess access;
    private final Map<String, RdsClient> clients = new ConcurrentHashMap<>();

    public RdsClients(AwsAccess access) {
        this.access = access;
    }

    public RdsClient forRegion(String region) {
        if (region == null || region.isBlank()) {
            throw new IllegalArgumentException("The cluster reference names no region: set region in the plan's ClusterRef");
        }
        return clients.computeIfAbsent(region, r -> access.configure(RdsClient.builder().region(Region.of(r))).build());
    }

    @Override
    public void close() {
        clients.values().forEach(RdsClient::close);
        clients.clear();
    }
}
