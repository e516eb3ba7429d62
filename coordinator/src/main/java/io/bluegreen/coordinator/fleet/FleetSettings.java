package io.bluegreen.coordinator.fleet;

import java.time.Duration;

/**
 * How a coordinator instance takes part in the fleet.
 *
 * @param instanceId            this instance's name in logs and client ids
 * @param groupId               the consumer group the instances share partitions through
 * @param transactionalIdPrefix the partitions' transactional ids are this plus {@code -<partition>}
 * @param sessionTimeout        how long a silent instance keeps its partitions (the floor of a takeover)
 * @param maxSampleAge          lag samples older than this when they arrive do not open a lag gate
 * @param maxEventBytes         an event (a plan, a result's figures) encoded larger than this is refused
 * @param requestTimeout        how long the API waits for the owning coordinator's answer
 */
public record FleetSettings(String instanceId, String groupId, String transactionalIdPrefix, Duration sessionTimeout,
                            Duration maxSampleAge, int maxEventBytes, Duration requestTimeout) {
}
