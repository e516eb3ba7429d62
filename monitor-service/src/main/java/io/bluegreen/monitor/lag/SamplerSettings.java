package io.bluegreen.monitor.lag;

import java.time.Duration;

/**
 * How the sampler runs.
 *
 * @param sampleInterval  how often every watched database is sampled
 * @param schemaInterval  how often each database's schema fingerprint is read (one short connection each)
 * @param connectTimeout  connect and login timeout per server
 * @param queryTimeout    statement timeout per query
 * @param parallelism     threads shared by all servers (each server uses at most one at a time)
 */
public record SamplerSettings(Duration sampleInterval, Duration schemaInterval, Duration connectTimeout,
                              Duration queryTimeout, int parallelism) {

    public SamplerSettings {
        if (sampleInterval.isNegative() || sampleInterval.isZero()) {
            throw new IllegalArgumentException("bluegreen.monitor.sample-interval must be positive, got " + sampleInterval);
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
