package io.bluegreen.local.rds;

import java.util.List;
import java.util.Map;
import java.util.UUID;

/** Renders the emulator's resources as the RDS Query API's XML, element names as in AWS's service model. */
final class Responses {

    static final String ACCOUNT = "000000000000";
    static final String REGION = "local";
    static final String HOST = "127.0.0.1";

    private Responses() {
    }

    static String arn(String kind, String id) {
        return "arn:aws:rds:" + REGION + ":" + ACCOUNT + ":" + kind + ":" + id;
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

    static void cluster(Xml xml, Model.Cluster c, Integer port, List<Model.Instance> members, String memberGroupStatus) {
        xml.open("DBCluster")
                .element("AllocatedStorage", 1)
                .element("BackupRetentionPeriod", 1)
                .element("DatabaseName", c.databaseName)
                .element("DBClusterIdentifier", c.identifier)
                .element("DBClusterParameterGroup", c.parameterGroup)
                .element("Status", c.status)
                .element("EarliestRestorableTime", c.created)
                .element("Endpoint", port == null ? null : HOST)
                .element("ReaderEndpoint", port == null ? null : HOST)
                .element("MultiAZ", false)
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
                .element("StorageEncrypted", false)
                .element("DbClusterResourceId", "cluster-" + c.identifier)
                .element("DBClusterArn", arn("cluster", c.identifier))
                .element("CloneGroupId", c.cloneOf)
                .element("ClusterCreateTime", c.created)
                .element("EngineMode", "provisioned")
                .element("DeletionProtection", false)
                .element("HttpEndpointEnabled", false)
                .close("DBCluster");
    }

    static void instance(Xml xml, Model.Instance i, String engineVersion, Integer port, String groupStatus) {
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
                .element("BackupRetentionPeriod", 1)
                .open("DBParameterGroups").open("DBParameterGroup")
                .element("DBParameterGroupName", i.parameterGroup)
                .element("ParameterApplyStatus", groupStatus)
                .close("DBParameterGroup").close("DBParameterGroups")
                .element("MultiAZ", false)
                .element("EngineVersion", engineVersion)
                .element("AutoMinorVersionUpgrade", true)
                .element("PubliclyAccessible", false)
                .element("StorageType", i.clusterIdentifier == null ? "gp3" : "aurora")
                .element("DbInstancePort", 0)
                .element("DBClusterIdentifier", i.clusterIdentifier)
                .element("StorageEncrypted", false)
                .element("DbiResourceId", "db-" + i.identifier)
                .element("PromotionTier", i.clusterIdentifier == null ? null : 1)
                .element("DBInstanceArn", arn("db", i.identifier))
                .element("DeletionProtection", false)
                .close("DBInstance");
    }

    static void snapshot(Xml xml, Model.Snapshot s) {
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
                    .element("StorageEncrypted", false)
                    .element("DBClusterSnapshotArn", arn("cluster-snapshot", s.identifier))
                    .close("DBClusterSnapshot");
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
                    .element("Encrypted", false)
                    .element("DBSnapshotArn", arn("snapshot", s.identifier))
                    .close("DBSnapshot");
        }
    }

    static void parameterGroup(Xml xml, Model.ParameterGroup g) {
        String element = g.cluster ? "DBClusterParameterGroup" : "DBParameterGroup";
        xml.open(element)
                .element(element + "Name", g.name)
                .element("DBParameterGroupFamily", g.family)
                .element("Description", g.description)
                .element(element + "Arn", arn(g.cluster ? "cluster-pg" : "pg", g.name))
                .close(element);
    }

    /** The parameters of a group: rds.logical_replication always (as the engine default when unset), then the rest. */
    static void parameters(Xml xml, Model.ParameterGroup g, String source) {
        xml.open("Parameters");
        if (!g.parameters.containsKey(ControlPlane.LOGICAL_REPLICATION) && (source == null || source.equals("engine-default"))) {
            parameter(xml, ControlPlane.LOGICAL_REPLICATION, null, "engine-default");
        }
        for (Map.Entry<String, String> entry : g.parameters.entrySet()) {
            if (source == null || source.equals("user")) {
                parameter(xml, entry.getKey(), entry.getValue(), "user");
            }
        }
        xml.close("Parameters");
    }

    private static void parameter(Xml xml, String name, String value, String source) {
        boolean logical = ControlPlane.LOGICAL_REPLICATION.equals(name);
        xml.open("Parameter")
                .element("ParameterName", name)
                .element("ParameterValue", value)
                .element("Description", logical ? "Enables logical decoding (wal_level = logical) after a reboot" : null)
                .element("Source", source)
                .element("ApplyType", logical ? "static" : "dynamic")
                .element("DataType", logical ? "boolean" : "string")
                .element("AllowedValues", logical ? "0,1" : null)
                .element("IsModifiable", true)
                .element("ApplyMethod", "pending-reboot")
                .close("Parameter");
    }
}
