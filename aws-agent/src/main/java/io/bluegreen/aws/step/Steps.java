package io.bluegreen.aws.step;

import io.bluegreen.aws.rds.RdsOperations;
import io.bluegreen.schemas.command.aws.CloneCluster;
import io.bluegreen.schemas.command.aws.CreateCluster;
import io.bluegreen.schemas.command.aws.DeleteCluster;
import io.bluegreen.schemas.command.aws.EnableLogicalReplication;
import io.bluegreen.schemas.command.aws.ReadSnapshotLsnFromLog;
import io.bluegreen.schemas.command.aws.SwapEndpoints;
import io.bluegreen.schemas.command.aws.UpgradeEngine;
import io.bluegreen.schemas.common.ClusterRef;
import io.bluegreen.schemas.credentials.CredentialsResolver;
import org.apache.avro.specific.SpecificRecord;

/** Which step answers which command, and the region each command works in. */
public final class Steps {

    private Steps() {
    }

    public static AwsStep of(SpecificRecord command, RdsOperations rds, StepContext context, AgentSettings settings,
                             CredentialsResolver credentials) {
        if (command instanceof EnableLogicalReplication c) {
            return new EnableLogicalReplicationStep(c, rds, context);
        }
        if (command instanceof CloneCluster c) {
            return new CloneClusterStep(c, rds, context, settings);
        }
        if (command instanceof CreateCluster c) {
            return new CreateClusterStep(c, rds, context, settings, credentials);
        }
        if (command instanceof ReadSnapshotLsnFromLog c) {
            return new ReadSnapshotLsnFromLogStep(c, rds, context, settings);
        }
        if (command instanceof UpgradeEngine c) {
            return new UpgradeEngineStep(c, rds, context);
        }
        if (command instanceof SwapEndpoints c) {
            return new SwapEndpointsStep(c, rds, context);
        }
        if (command instanceof DeleteCluster c) {
            return new DeleteClusterStep(c, rds, context);
        }
        throw new IllegalArgumentException(command.getSchema().getName() + " is not an aws-agent command");
    }

    /** The cluster whose region a command works in. */
    public static ClusterRef clusterOf(SpecificRecord command) {
        if (command instanceof EnableLogicalReplication c) {
            return c.getCluster();
        }
        if (command instanceof CloneCluster c) {
            return c.getSource();
        }
        if (command instanceof CreateCluster c) {
            return c.getSource();
        }
        if (command instanceof ReadSnapshotLsnFromLog c) {
            return c.getCluster();
        }
        if (command instanceof UpgradeEngine c) {
            return c.getCluster();
        }
        if (command instanceof SwapEndpoints c) {
            return c.getGreen();
        }
        if (command instanceof DeleteCluster c) {
            return c.getCluster();
        }
        throw new IllegalArgumentException(command.getSchema().getName() + " is not an aws-agent command");
    }
}
