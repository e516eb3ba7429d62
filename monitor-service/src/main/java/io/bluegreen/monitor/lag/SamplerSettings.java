package io.bluegreen.monitor.lag;

import java.time.Duration;

/**
 * How the sampler runs.
 *
 * @param sampleInterval  how often every watched database is sampled
 * @param schemaInterval  how often each database's schema fingerprint is read (one short connection each)
 * @param connectTimeout  connect and login timeout per server
 * @param queryTimeout    statement timeout per query
 * @param parallelism     threads shared by all servers for the cluster-wide views (each server uses one at a time)
 * @param detailParallelism threads shared by all servers for the per-database connections (schema fingerprints)
 * @param detailConnectionsPerServer at most this many per-database connections to one server at a time
 */
public record SamplerSettings(Duration sampleInterval, Duration schemaInterval, Duration connectTimeout,
                              Duration queryTimeout, int parallelism, int detailParallelism,
                              int detailConnectionsPerServer) {

    public SamplerSettings {
        if (sampleInterval.isNegative() || sampleInterval.isZero()) {
            throw new IllegalArgumentException("bluegreen.monitor.sample-interval must be positive, got " + sampleInterval);
        }
        if (detailParallelism < 1 || detailConnectionsPerServer < 1) {
            throw new IllegalArgumentException("bluegreen.monitor.detail-parallelism and "
                    + "detail-connections-per-server must be at least 1");
        }
        if (parallelism < 1) {
            throw new IllegalArgumentException("bluegreen.monitor.parallelism must be at least 1, got " + parallelism);
        }
    }

    /** How long a tick waits for a server before it samples it as unreachable. */
    public Duration answerTimeout() {
        Duration bound = connectTimeout.plus(queryTimeout);
        return bound.compareTo(sampleInterval) < 0 ? bound : sampleInterval;
    }
}
