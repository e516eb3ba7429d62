package io.bluegreen.demo.rehearsal;

import software.amazon.awssdk.services.rds.model.DBInstance;

/** Where an RDS instance answers, and the engine version DescribeDBInstances reports for it. */
public record Endpoint(String identifier, String host, int port, String engineVersion) {

    /** @throws IllegalStateException while the instance has no endpoint (being created, rebooted or renamed) */
    public static Endpoint of(DBInstance instance) {
        if (instance.endpoint() == null || instance.endpoint().port() == null) {
            throw new IllegalStateException(instance.dbInstanceIdentifier() + " has no endpoint while "
                    + instance.dbInstanceStatus());
        }
        return new Endpoint(instance.dbInstanceIdentifier(), instance.endpoint().address(), instance.endpoint().port(),
                instance.engineVersion());
    }

    public int major() {
        return major(engineVersion);
    }

    /** The major version of {@code 16.15}, {@code 17.11}, {@code 17}; 0 when unreadable. */
    public static int major(String version) {
        if (version == null) {
            return 0;
        }
        String digits = version.strip().split("[^0-9]", 2)[0];
        return digits.isEmpty() ? 0 : Integer.parseInt(digits);
    }

    public boolean sameServer(Endpoint other) {
        return other != null && host.equals(other.host) && port == other.port;
    }

    public String jdbcUrl(String database) {
        return "jdbc:postgresql://" + host + ":" + port + "/" + database
                + "?connectTimeout=5&socketTimeout=30&ApplicationName=bluegreen-rehearsal";
    }

    @Override
    public String toString() {
        return identifier + " (" + host + ":" + port + ", " + engineVersion + ")";
    }
}
