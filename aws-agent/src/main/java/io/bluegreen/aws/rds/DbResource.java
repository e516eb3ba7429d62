package io.bluegreen.aws.rds;

import java.util.List;
import java.util.Optional;

/**
 * What the control plane says about an Aurora cluster or an RDS instance, reduced to what the steps decide on.
 *
 * @param parameterGroup       the cluster parameter group (Aurora) or the instance's DB parameter group (RDS)
 * @param parameterApplyStatus in-sync, pending-reboot, applying (of the writer, for a cluster)
 * @param writerInstance       the writer instance of a cluster, or the instance itself
 * @param pendingEngineVersion an engine version change accepted but not applied yet
 */
public record DbResource(String identifier, boolean cluster, String status, String engine, String engineVersion,
                         String host, Integer port, String parameterGroup, String parameterApplyStatus,
                         Optional<String> writerInstance, List<String> members, Optional<String> pendingEngineVersion) {

    public DbResource {
        members = List.copyOf(members);
    }

    public boolean available() {
        return "available".equals(status);
    }

    public int engineMajor() {
        return EngineVersions.major(engineVersion);
    }
}
