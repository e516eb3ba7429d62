package io.bluegreen.monitor.lag;

import java.util.Objects;

/**
 * One PostgreSQL server as the monitor reaches it: host, port and the name of its credentials (never the
 * credentials themselves). Every cluster-wide view is read once per endpoint, whatever the number of databases.
 */
public record Endpoint(String host, int port, String credentialsRef) {

    public Endpoint {
        Objects.requireNonNull(host, "host");
        Objects.requireNonNull(credentialsRef, "credentialsRef");
        if (port <= 0 || port > 65535) {
            throw new IllegalArgumentException("port " + port + " of " + host + " is not a TCP port");
        }
    }

    @Override
    public String toString() {
        return host + ":" + port;
    }
}
