package io.bluegreen.aws.rds;

import software.amazon.awssdk.services.rds.model.DBInstance;
import software.amazon.awssdk.services.rds.model.DBParameterGroupStatus;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * What one of Blue's DB instances is set to that Green's instance of the same role takes over: its class, its
 * instance parameter group (Aurora members; an RDS instance's group is handled with logical replication), enhanced
 * monitoring, Performance Insights, backup retention (RDS) and its place in the failover order (Aurora).
 *
 * @param writer whether this is the writer (an RDS instance always is)
 */
public record InstanceSettings(String identifier, boolean writer, String instanceClass, String parameterGroup,
                               int monitoringInterval, String monitoringRoleArn, boolean performanceInsights,
                               String performanceInsightsKmsKeyId, Integer performanceInsightsRetention,
                               Integer backupRetention, Integer promotionTier) {

    static InstanceSettings of(DBInstance instance, boolean writer) {
        return new InstanceSettings(instance.dbInstanceIdentifier(), writer, instance.dbInstanceClass(),
                instance.dbParameterGroups().stream().findFirst().map(DBParameterGroupStatus::dbParameterGroupName).orElse(null),
                instance.monitoringInterval() == null ? 0 : instance.monitoringInterval(), instance.monitoringRoleArn(),
                Boolean.TRUE.equals(instance.performanceInsightsEnabled()), instance.performanceInsightsKMSKeyId(),
                instance.performanceInsightsRetentionPeriod(), instance.backupRetentionPeriod(), instance.promotionTier());
    }

    /**
     * What a ModifyDBInstance has to change on {@code green} so it matches this instance: the settings a restore or
     * a create could not take, described one per entry (empty when they match).
     *
     * @param backupRetention whether backup retention is the instance's to set (RDS; Aurora keeps it on the cluster)
     */
    public List<String> differencesFrom(InstanceSettings green, boolean backupRetention) {
        List<String> differences = new ArrayList<>();
        if (monitoringInterval != green.monitoringInterval
                || (monitoringInterval > 0 && !Objects.equals(monitoringRoleArn, green.monitoringRoleArn))) {
            differences.add("enhanced monitoring every " + monitoringInterval + " s");
        }
        if (performanceInsights != green.performanceInsights || (performanceInsights
                && (!Objects.equals(performanceInsightsKmsKeyId, green.performanceInsightsKmsKeyId)
                || !Objects.equals(performanceInsightsRetention, green.performanceInsightsRetention)))) {
            differences.add("Performance Insights " + (performanceInsights ? "on" : "off"));
        }
        if (backupRetention && this.backupRetention != null && !this.backupRetention.equals(green.backupRetention)) {
            differences.add("backup retention " + this.backupRetention + " days");
        }
        return differences;
    }
}
