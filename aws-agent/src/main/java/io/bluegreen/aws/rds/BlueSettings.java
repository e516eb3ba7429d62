package io.bluegreen.aws.rds;

import software.amazon.awssdk.services.rds.model.DBCluster;
import software.amazon.awssdk.services.rds.model.DBClusterMember;
import software.amazon.awssdk.services.rds.model.DBInstance;
import software.amazon.awssdk.services.rds.model.Tag;
import software.amazon.awssdk.services.rds.model.VpcSecurityGroupMembership;

import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;

/**
 * Blue's settings that Green inherits, read from Blue itself: its network (DB subnet group, VPC security groups),
 * encryption key, tags, deletion protection, backup retention, tag copying to snapshots, Multi-AZ, and its
 * instances one by one ({@link InstanceSettings}; the writer first).
 */
public record BlueSettings(String identifier, boolean cluster, String subnetGroup, List<String> securityGroups,
                           String kmsKeyId, Map<String, String> tags, boolean deletionProtection,
                           Integer backupRetention, boolean copyTagsToSnapshot, boolean multiAz,
                           List<InstanceSettings> instances) {

    public BlueSettings {
        securityGroups = List.copyOf(securityGroups);
        tags = Map.copyOf(tags);
        instances = List.copyOf(instances);
    }

    /** An RDS PostgreSQL instance. */
    static BlueSettings of(DBInstance instance) {
        return new BlueSettings(instance.dbInstanceIdentifier(), false,
                instance.dbSubnetGroup() == null ? null : instance.dbSubnetGroup().dbSubnetGroupName(),
                instance.vpcSecurityGroups().stream().map(VpcSecurityGroupMembership::vpcSecurityGroupId).toList(),
                instance.kmsKeyId(), tags(instance.tagList()), Boolean.TRUE.equals(instance.deletionProtection()),
                instance.backupRetentionPeriod(), Boolean.TRUE.equals(instance.copyTagsToSnapshot()),
                Boolean.TRUE.equals(instance.multiAZ()), List.of(InstanceSettings.of(instance, true)));
    }

    /** An Aurora cluster and its instances ({@code members} by identifier; a member not found is left out). */
    static BlueSettings of(DBCluster cluster, Function<String, Optional<DBInstance>> members) {
        List<InstanceSettings> instances = cluster.dbClusterMembers().stream()
                .sorted(Comparator.comparing((DBClusterMember m) -> !Boolean.TRUE.equals(m.isClusterWriter()))
                        .thenComparing(DBClusterMember::dbInstanceIdentifier))
                .flatMap(m -> members.apply(m.dbInstanceIdentifier())
                        .map(i -> InstanceSettings.of(i, Boolean.TRUE.equals(m.isClusterWriter()))).stream())
                .toList();
        return new BlueSettings(cluster.dbClusterIdentifier(), true, cluster.dbSubnetGroup(),
                cluster.vpcSecurityGroups().stream().map(VpcSecurityGroupMembership::vpcSecurityGroupId).toList(),
                cluster.kmsKeyId(), tags(cluster.tagList()), Boolean.TRUE.equals(cluster.deletionProtection()),
                cluster.backupRetentionPeriod(), Boolean.TRUE.equals(cluster.copyTagsToSnapshot()), false, instances);
    }

    static Map<String, String> tags(List<Tag> tags) {
        Map<String, String> map = new LinkedHashMap<>();
        tags.forEach(t -> map.put(t.key(), t.value()));
        return map;
    }

    /** The writer's settings (an RDS instance's own). */
    public Optional<InstanceSettings> writer() {
        return instances.stream().filter(InstanceSettings::writer).findFirst();
    }
}
