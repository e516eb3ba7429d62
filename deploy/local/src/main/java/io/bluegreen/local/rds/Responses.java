package io.bluegreen.local.rds;

import java.util.List;
import java.util.Map;
import java.util.UUID;

/** Renders the emulator's resources as the RDS Query API's XML, element names as in AWS's service model. */
final class Responses {

    static final String ACCOUNT = "000000000000";
    static final String HOST = "127.0.0.1";

    private Responses() {
    }

    /** The whole answer: {@code <ActionResponse><ActionResult>body</ActionResult><ResponseMetadata/>}. */
    static String wrap(String action, Xml body) {
        String result = body == null ? "" : "<" + action + "Result>" + body + "</" + action + "Result>";
        return new Xml().openRoot(action + "Response") + result + "<ResponseMetadata><RequestId>" + UUID.randomUUID()
                + "</RequestId></ResponseMetadata></" + action + "Response>";
    }

    static String error(RdsFault fault) {
        Xml xml = new Xml().openRoot("ErrorResponse").open("Error")
                .element("Type", fault.type()).element("Code", fault.code()).element("Message", fault.getMessage())
                .close("Error").element("RequestId", UUID.randomUUID().toString()).close("ErrorResponse");
        return xml.toString();
    }

    static void engineVersion(Xml xml, EngineCatalog.Listed listed) {
        xml.open("DBEngineVersion")
                .element("Engine", listed.engine())
                .element("EngineVersion", listed.version())
                .element("DBParameterGroupFamily", listed.family())
                .element("DBEngineDescription", listed.engine().startsWith("aurora") ? "Aurora (PostgreSQL)" : "PostgreSQL")
                .element("DBEngineVersionDescription", "PostgreSQL " + listed.version() + "-R1")
                .element("MajorEngineVersion", Integer.toString(listed.major()))
                .element("Status", "available")
                .open("ValidUpgradeTarget");
        for (EngineCatalog.Target target : listed.targets()) {
            xml.open("UpgradeTarget")
                    .element("Engine", target.engine())
                    .element("EngineVersion", target.version())
                    .element("Description", "PostgreSQL " + target.version() + "-R1")
                    .element("AutoUpgrade", false)
                    .element("IsMajorVersionUpgrade", target.majorUpgrade())
                    .close("UpgradeTarget");
        }
        xml.close("ValidUpgradeTarget").close("DBEngineVersion");
    }

    static void cluster(Xml xml, String region, Model.Cluster c, Integer port, List<Model.Instance> members,
                        String memberGroupStatus) {
        xml.open("DBCluster")
                .element("AllocatedStorage", 1)
                .element("BackupRetentionPeriod", c.backupRetentionPeriod)
                .element("DatabaseName", c.databaseName)
                .element("DBClusterIdentifier", c.identifier)
                .element("DBClusterParameterGroup", c.parameterGroup)
                .element("Status", c.status)
                .element("EarliestRestorableTime", c.created)
                .element("Endpoint", port == null ? null : HOST)
                .element("ReaderEndpoint", port == null ? null : HOST)
                .element("MultiAZ", members.size() > 1)
                .element("Engine", c.engine)
                .element("EngineVersion", c.engineVersion)
                .element("LatestRestorableTime", java.time.Instant.now())
                .element("Port", port)
                .element("MasterUsername", c.masterUsername)
                .open("DBClusterMembers");
        for (Model.Instance member : members) {
            xml.open("DBClusterMember")
                    .element("DBInstanceIdentifier", member.identifier)
                    .element("IsClusterWriter", member.writer)
                    .element("DBClusterParameterGroupStatus", memberGroupStatus)
                    .element("PromotionTier", 1)
                    .close("DBClusterMember");
        }
        xml.close("DBClusterMembers")
                .element("DBSubnetGroup", c.subnetGroup == null ? "default" : c.subnetGroup);
        securityGroups(xml, c);
        xml.element("StorageEncrypted", c.storageEncrypted)
                .element("KmsKeyId", c.kmsKeyId)
                .element("DbClusterResourceId", "cluster-" + c.identifier)
                .element("DBClusterArn", Arn.of(region, "cluster", c.identifier))
                .element("CloneGroupId", c.cloneOf)
                .element("ClusterCreateTime", c.created)
                .element("EngineMode", "provisioned")
                .element("DeletionProtection", c.deletionProtection)
                .element("HttpEndpointEnabled", false)
                .element("CopyTagsToSnapshot", c.copyTagsToSnapshot)
                .element("DBClusterInstanceClass", c.instanceClass);
        monitoringAndInsights(xml, c);
        tagList(xml, c.tags);
        xml.close("DBCluster");
    }

    /**
     * A DB instance; an Aurora member shows its cluster's network, encryption, backup and copy-tags settings.
     *
     * @param c the cluster of an Aurora member, else null
     */
    static void instance(Xml xml, String region, Model.Instance i, Model.Cluster c, String engineVersion, Integer port,
                         String groupStatus) {
        Model.Resource shared = c == null ? i : c;
        xml.open("DBInstance")
                .element("DBInstanceIdentifier", i.identifier)
                .element("DBInstanceClass", i.instanceClass)
                .element("Engine", i.engine)
                .element("DBInstanceStatus", i.status)
                .element("MasterUsername", i.masterUsername)
                .element("DBName", i.databaseName);
        if (port != null) {
            xml.open("Endpoint").element("Address", HOST).element("Port", port).close("Endpoint");
        }
        xml.element("AllocatedStorage", i.clusterIdentifier == null ? 20 : 1)
                .element("InstanceCreateTime", i.created)
                .element("BackupRetentionPeriod", shared.backupRetentionPeriod)
                .open("DBParameterGroups").open("DBParameterGroup")
                .element("DBParameterGroupName", i.parameterGroup)
                .element("ParameterApplyStatus", groupStatus)
                .close("DBParameterGroup").close("DBParameterGroups");
        String subnetGroup = shared.subnetGroup == null ? "default" : shared.subnetGroup;
        xml.open("DBSubnetGroup").element("DBSubnetGroupName", subnetGroup)
                .element("DBSubnetGroupDescription", subnetGroup.equals("default") ? "default" : subnetGroup)
                .element("VpcId", "vpc-00000000000000000").element("SubnetGroupStatus", "Complete")
                .close("DBSubnetGroup");
        securityGroups(xml, shared);
        xml.element("MultiAZ", c == null && i.multiAZ)
                .element("EngineVersion", engineVersion)
                .element("AutoMinorVersionUpgrade", true)
                .element("PubliclyAccessible", false)
                .element("StorageType", i.clusterIdentifier == null ? "gp3" : "aurora")
                .element("DbInstancePort", 0)
                .element("DBClusterIdentifier", i.clusterIdentifier)
                .element("StorageEncrypted", shared.storageEncrypted)
                .element("KmsKeyId", shared.kmsKeyId)
                .element("DbiResourceId", "db-" + i.identifier)
                .element("PromotionTier", i.clusterIdentifier == null ? null : 1)
                .element("DBInstanceArn", Arn.of(region, "db", i.identifier))
                .element("DeletionProtection", c == null && i.deletionProtection)
                .element("CopyTagsToSnapshot", shared.copyTagsToSnapshot);
        monitoringAndInsights(xml, i);
        tagList(xml, i.tags);
        xml.close("DBInstance");
    }

    private static void securityGroups(Xml xml, Model.Resource r) {
        xml.open("VpcSecurityGroups");
        for (String group : r.securityGroups) {
            xml.open("VpcSecurityGroupMembership").element("VpcSecurityGroupId", group).element("Status", "active")
                    .close("VpcSecurityGroupMembership");
        }
        xml.close("VpcSecurityGroups");
    }

    private static void monitoringAndInsights(Xml xml, Model.Resource r) {
        xml.element("MonitoringInterval", r.monitoringInterval)
                .element("MonitoringRoleArn", r.monitoringRoleArn)
                .element("PerformanceInsightsEnabled", r.performanceInsights)
                .element("PerformanceInsightsKMSKeyId", r.performanceInsightsKmsKeyId)
                .element("PerformanceInsightsRetentionPeriod",
                        r.performanceInsightsRetention == 0 ? null : r.performanceInsightsRetention);
    }

    /** {@code <TagList><Tag><Key/><Value/></Tag>...</TagList>}, as Describe* and ListTagsForResource answer. */
    static void tagList(Xml xml, Map<String, String> tags) {
        xml.open("TagList");
        tags.forEach((key, value) -> xml.open("Tag").element("Key", key).element("Value", value).close("Tag"));
        xml.close("TagList");
    }

    static void snapshot(Xml xml, String region, Model.Snapshot s) {
        if (s.cluster) {
            xml.open("DBClusterSnapshot")
                    .element("DBClusterSnapshotIdentifier", s.identifier)
                    .element("DBClusterIdentifier", s.source)
                    .element("SnapshotCreateTime", s.created)
                    .element("Engine", s.engine)
                    .element("EngineMode", "provisioned")
                    .element("AllocatedStorage", 1)
                    .element("Status", s.status)
                    .element("Port", s.port)
                    .element("ClusterCreateTime", s.created)
                    .element("MasterUsername", s.masterUsername)
                    .element("EngineVersion", s.engineVersion)
                    .element("SnapshotType", "manual")
                    .element("PercentProgress", "available".equals(s.status) ? 100 : 0)
                    .element("StorageEncrypted", s.encrypted)
                    .element("KmsKeyId", s.kmsKeyId)
                    .element("DBClusterSnapshotArn", Arn.of(region, "cluster-snapshot", s.identifier));
            tagList(xml, s.tags);
            xml.close("DBClusterSnapshot");
        } else {
            xml.open("DBSnapshot")
                    .element("DBSnapshotIdentifier", s.identifier)
                    .element("DBInstanceIdentifier", s.source)
                    .element("SnapshotCreateTime", s.created)
                    .element("Engine", s.engine)
                    .element("AllocatedStorage", 20)
                    .element("Status", s.status)
                    .element("Port", s.port)
                    .element("InstanceCreateTime", s.created)
                    .element("MasterUsername", s.masterUsername)
                    .element("EngineVersion", s.engineVersion)
                    .element("SnapshotType", "manual")
                    .element("PercentProgress", "available".equals(s.status) ? 100 : 0)
                    .element("Encrypted", s.encrypted)
                    .element("KmsKeyId", s.kmsKeyId)
                    .element("DBSnapshotArn", Arn.of(region, "snapshot", s.identifier));
            tagList(xml, s.tags);
            xml.close("DBSnapshot");
        }
    }

    static void parameterGroup(Xml xml, String region, Model.ParameterGroup g) {
        String element = g.cluster ? "DBClusterParameterGroup" : "DBParameterGroup";
        xml.open(element)
                .element(element + "Name", g.name)
                .element("DBParameterGroupFamily", g.family)
                .element("Description", g.description)
                .element(element + "Arn", Arn.of(region, g.cluster ? "cluster-pg" : "pg", g.name))
                .close(element);
    }

    /** A parameter as a group (or the engine defaults) holds it: its value, source and apply method. */
    record ParameterValue(ParameterCatalog.Definition definition, String value, String source, String applyMethod) {
    }

    static void parameters(Xml xml, List<ParameterValue> values) {
        xml.open("Parameters");
        for (ParameterValue p : values) {
            ParameterCatalog.Definition d = p.definition();
            xml.open("Parameter")
                    .element("ParameterName", d.name())
                    .element("ParameterValue", p.value())
                    .element("Description", d.description())
                    .element("Source", p.source())
                    .element("ApplyType", d.applyType())
                    .element("DataType", d.dataType())
                    .element("AllowedValues", d.allowedValues())
                    .element("IsModifiable", d.modifiable())
                    .element("ApplyMethod", p.applyMethod())
                    .close("Parameter");
        }
        xml.close("Parameters");
    }
}
