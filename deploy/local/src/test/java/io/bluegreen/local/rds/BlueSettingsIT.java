package io.bluegreen.local.rds;

import io.bluegreen.local.support.Directories;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.rds.RdsClient;
import software.amazon.awssdk.services.rds.model.DBCluster;
import software.amazon.awssdk.services.rds.model.DBClusterSnapshot;
import software.amazon.awssdk.services.rds.model.DBInstance;
import software.amazon.awssdk.services.rds.model.DBSnapshot;
import software.amazon.awssdk.services.rds.model.DbClusterNotFoundException;
import software.amazon.awssdk.services.rds.model.DbInstanceNotFoundException;
import software.amazon.awssdk.services.rds.model.RdsException;
import software.amazon.awssdk.services.rds.model.Tag;
import software.amazon.awssdk.services.rds.waiters.RdsWaiter;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Blue's settings (network, encryption, tags, class, protection, monitoring, Performance Insights, backups) are
 * recorded where AWS takes them, answered by Describe*, carried into snapshots and restores as AWS carries them,
 * tagged by ARN, and kept across a restart of the endpoint.
 */
class BlueSettingsIT {

    private static final String ROLE = "arn:aws:iam::000000000000:role/rds-monitoring-role";
    private static final String KEY = "arn:aws:kms:us-east-1:000000000000:key/1234abcd-12ab-34cd-56ef-1234567890ab";

    @Test
    void anInstancesSettingsAreAnsweredCarriedIntoItsSnapshotAndRestoreAndSurviveARestart() {
        Path state = directory();
        try {
            String arn;
            try (RdsEmulator emulator = RdsEmulator.builder().stateDirectory(state).transitionDelay(Duration.ofMillis(200)).start();
                 RdsClient rds = Rds.client(emulator)) {
                RdsWaiter waiter = Rds.waiter(rds);
                RdsException noRole = assertThrows(RdsException.class, () -> rds.createDBInstance(r -> base(r, "orders")
                        .monitoringInterval(60)));
                assertEquals("InvalidParameterCombination", noRole.awsErrorDetails().errorCode());
                assertEquals("A MonitoringRoleARN value is required if you specify a MonitoringInterval value other than 0.",
                        noRole.awsErrorDetails().errorMessage());
                assertThrows(DbInstanceNotFoundException.class, () -> rds.describeDBInstances(r -> r.dbInstanceIdentifier("orders")),
                        "a refused create leaves nothing behind");
                assertCode(rds, "InvalidParameterValue", () -> rds.createDBInstance(r -> base(r, "orders").monitoringInterval(7)
                        .monitoringRoleArn(ROLE)));
                assertCode(rds, "InvalidParameterValue", () -> rds.createDBInstance(r -> base(r, "orders").dbInstanceClass("t3.micro")));
                assertCode(rds, "InvalidParameterCombination", () -> rds.createDBInstance(r -> base(r, "orders")
                        .kmsKeyId(KEY).storageEncrypted(false)));

                rds.createDBInstance(r -> base(r, "orders").dbSubnetGroupName("App-Private").vpcSecurityGroupIds("sg-0a1b2c", "sg-0d4e5f")
                        .storageEncrypted(true).kmsKeyId(KEY).tags(tag("team", "payments"), tag("env", "prod"))
                        .deletionProtection(true).monitoringInterval(30).monitoringRoleArn(ROLE)
                        .enablePerformanceInsights(true).performanceInsightsRetentionPeriod(31)
                        .backupRetentionPeriod(7).copyTagsToSnapshot(true).multiAZ(true));
                DBInstance orders = waiter.waitUntilDBInstanceAvailable(r -> r.dbInstanceIdentifier("orders")).matched()
                        .response().orElseThrow().dbInstances().get(0);
                assertEquals("app-private", orders.dbSubnetGroup().dbSubnetGroupName(), "stored lower-case, as AWS does");
                assertEquals(List.of("sg-0a1b2c", "sg-0d4e5f"), orders.vpcSecurityGroups().stream()
                        .map(g -> g.vpcSecurityGroupId()).toList());
                assertTrue(orders.vpcSecurityGroups().stream().allMatch(g -> "active".equals(g.status())));
                assertTrue(orders.storageEncrypted());
                assertEquals(KEY, orders.kmsKeyId());
                assertEquals(Map.of("team", "payments", "env", "prod"), tags(orders.tagList()));
                assertEquals("db.t3.micro", orders.dbInstanceClass());
                assertTrue(orders.deletionProtection());
                assertEquals(30, orders.monitoringInterval());
                assertEquals(ROLE, orders.monitoringRoleArn());
                assertTrue(orders.performanceInsightsEnabled());
                assertEquals(31, orders.performanceInsightsRetentionPeriod());
                assertEquals("arn:aws:kms:us-east-1:000000000000:key/aws-rds-default", orders.performanceInsightsKMSKeyId(),
                        "Performance Insights without a key uses the account's default RDS key");
                assertEquals(7, orders.backupRetentionPeriod());
                assertTrue(orders.copyTagsToSnapshot());
                assertTrue(orders.multiAZ());
                arn = orders.dbInstanceArn();
                assertEquals("arn:aws:rds:us-east-1:000000000000:db:orders", arn, "the ARN names the signing region");

                rds.addTagsToResource(r -> r.resourceName(orders.dbInstanceArn()).tags(tag("owner", "ana"), tag("env", "staging")));
                rds.removeTagsFromResource(r -> r.resourceName(orders.dbInstanceArn()).tagKeys("team"));
                assertEquals(Map.of("env", "staging", "owner", "ana"),
                        tags(rds.listTagsForResource(r -> r.resourceName(orders.dbInstanceArn())).tagList()));
                assertThrows(DbInstanceNotFoundException.class, () -> rds.listTagsForResource(r -> r
                        .resourceName("arn:aws:rds:us-east-1:000000000000:db:gone")));
                assertCode(rds, "InvalidParameterValue", () -> rds.listTagsForResource(r -> r
                        .resourceName("arn:aws:rds:eu-west-1:000000000000:db:orders")));
                assertCode(rds, "InvalidParameterValue", () -> rds.addTagsToResource(r -> r.resourceName(arn)
                        .tags(tag("aws:reserved", "x"))));

                rds.createDBSnapshot(r -> r.dbInstanceIdentifier("orders").dbSnapshotIdentifier("orders-copied-tags"));
                assertEquals("InvalidDBInstanceState", assertThrows(RdsException.class, () -> rds.createDBSnapshot(r -> r
                        .dbInstanceIdentifier("orders").dbSnapshotIdentifier("orders-own-tags"))).awsErrorDetails().errorCode(),
                        "one snapshot at a time: the instance is backing-up");
                DBSnapshot copied = waiter.waitUntilDBSnapshotAvailable(r -> r.dbSnapshotIdentifier("orders-copied-tags"))
                        .matched().response().orElseThrow().dbSnapshots().get(0);
                waiter.waitUntilDBInstanceAvailable(r -> r.dbInstanceIdentifier("orders"));
                rds.createDBSnapshot(r -> r.dbInstanceIdentifier("orders").dbSnapshotIdentifier("orders-own-tags")
                        .tags(tag("purpose", "upgrade")));
                assertTrue(copied.encrypted());
                assertEquals(KEY, copied.kmsKeyId());
                assertEquals(Map.of("env", "staging", "owner", "ana"), tags(copied.tagList()),
                        "CopyTagsToSnapshot copies the instance's tags");
                DBSnapshot own = waiter.waitUntilDBSnapshotAvailable(r -> r.dbSnapshotIdentifier("orders-own-tags"))
                        .matched().response().orElseThrow().dbSnapshots().get(0);
                assertEquals(Map.of("purpose", "upgrade"), tags(own.tagList()), "tags given to the snapshot replace the copy");
                assertEquals(Map.of("purpose", "upgrade"), tags(rds.listTagsForResource(r -> r.resourceName(own.dbSnapshotArn()))
                        .tagList()));

                rds.restoreDBInstanceFromDBSnapshot(r -> r.dbSnapshotIdentifier("orders-own-tags").dbInstanceIdentifier("green")
                        .dbSubnetGroupName("app-private").vpcSecurityGroupIds("sg-0a1b2c").deletionProtection(false));
                DBInstance green = waiter.waitUntilDBInstanceAvailable(r -> r.dbInstanceIdentifier("green")).matched()
                        .response().orElseThrow().dbInstances().get(0);
                assertTrue(green.storageEncrypted(), "a restore is encrypted as its snapshot is");
                assertEquals(KEY, green.kmsKeyId());
                assertEquals("db.t3.micro", green.dbInstanceClass(), "the snapshot's class by default");
                assertEquals(Map.of("purpose", "upgrade"), tags(green.tagList()), "without tags of its own, the snapshot's");
                assertEquals(1, green.backupRetentionPeriod(), "backups are set by a later ModifyDBInstance");
                assertEquals(0, green.monitoringInterval());
                assertFalse(green.performanceInsightsEnabled());
                assertCode(rds, "InvalidParameterCombination", () -> rds.modifyDBInstance(r -> r.dbInstanceIdentifier("green")
                        .monitoringInterval(15)));
                rds.modifyDBInstance(r -> r.dbInstanceIdentifier("green").backupRetentionPeriod(7).monitoringInterval(30)
                        .monitoringRoleArn(ROLE).enablePerformanceInsights(true).performanceInsightsKMSKeyId(KEY)
                        .dbInstanceClass("db.r6g.large").applyImmediately(true));
                DBInstance modified = waiter.waitUntilDBInstanceAvailable(r -> r.dbInstanceIdentifier("green")).matched()
                        .response().orElseThrow().dbInstances().get(0);
                assertEquals(7, modified.backupRetentionPeriod());
                assertEquals(30, modified.monitoringInterval());
                assertEquals(KEY, modified.performanceInsightsKMSKeyId());
                assertEquals(7, modified.performanceInsightsRetentionPeriod(), "seven days unless told");
                assertEquals("db.r6g.large", modified.dbInstanceClass());

                rds.modifyDBInstance(r -> r.dbInstanceIdentifier("green").newDBInstanceIdentifier("renamed").applyImmediately(true));
                DBInstance renamed = waiter.waitUntilDBInstanceAvailable(r -> r.dbInstanceIdentifier("renamed")).matched()
                        .response().orElseThrow().dbInstances().get(0);
                assertEquals("arn:aws:rds:us-east-1:000000000000:db:renamed", renamed.dbInstanceArn());
                assertEquals(7, renamed.backupRetentionPeriod(), "a renamed instance keeps its settings");
                assertEquals(Map.of("purpose", "upgrade"), tags(renamed.tagList()));
            }
            try (RdsEmulator emulator = RdsEmulator.builder().stateDirectory(state).transitionDelay(Duration.ofMillis(200)).start();
                 RdsClient rds = Rds.client(emulator)) {
                DBInstance orders = rds.describeDBInstances(r -> r.dbInstanceIdentifier("orders")).dbInstances().get(0);
                assertEquals("app-private", orders.dbSubnetGroup().dbSubnetGroupName());
                assertEquals(2, orders.vpcSecurityGroups().size());
                assertEquals(KEY, orders.kmsKeyId());
                assertEquals(Map.of("env", "staging", "owner", "ana"), tags(orders.tagList()));
                assertEquals(ROLE, orders.monitoringRoleArn());
                assertEquals(31, orders.performanceInsightsRetentionPeriod());
                assertTrue(orders.deletionProtection());
                assertEquals(Map.of("purpose", "upgrade"), tags(rds.describeDBSnapshots(r -> r
                        .dbSnapshotIdentifier("orders-own-tags")).dbSnapshots().get(0).tagList()));
                assertEquals(arn, orders.dbInstanceArn());
            }
        } finally {
            Directories.deleteRecursively(state);
        }
    }

    @Test
    void aClusterKeepsItsSettingsItsMembersTheirOwnAndClonesAndRestoresTheirEncryption() {
        try (RdsEmulator emulator = RdsEmulator.builder().transitionDelay(Duration.ofMillis(200)).start();
             RdsClient rds = Rds.client(emulator)) {
            RdsWaiter waiter = Rds.waiter(rds);
            rds.createDBCluster(r -> r.dbClusterIdentifier("blue").engine("aurora-postgresql").engineVersion("16.4")
                    .masterUsername(Rds.MASTER).masterUserPassword(Rds.PASSWORD).dbSubnetGroupName("app-private")
                    .vpcSecurityGroupIds("sg-0a1b2c").storageEncrypted(true).kmsKeyId(KEY).tags(tag("team", "payments"))
                    .deletionProtection(true).backupRetentionPeriod(14).copyTagsToSnapshot(true));
            assertCode(rds, "InvalidParameterCombination", () -> rds.createDBInstance(r -> r.dbInstanceIdentifier("blue-1")
                    .dbClusterIdentifier("blue").engine("aurora-postgresql").dbInstanceClass("db.r6g.large")
                    .vpcSecurityGroupIds("sg-0a1b2c")));
            rds.createDBParameterGroup(r -> r.dbParameterGroupName("apg16-instance").dbParameterGroupFamily("aurora-postgresql16")
                    .description("instance parameters").tags(tag("kind", "instance")));
            rds.createDBInstance(r -> r.dbInstanceIdentifier("blue-1").dbClusterIdentifier("blue").engine("aurora-postgresql")
                    .dbInstanceClass("db.r6g.large").dbParameterGroupName("apg16-instance").monitoringInterval(60)
                    .monitoringRoleArn(ROLE).enablePerformanceInsights(true).tags(tag("role", "writer")));
            rds.createDBInstance(r -> r.dbInstanceIdentifier("blue-2").dbClusterIdentifier("blue").engine("aurora-postgresql")
                    .dbInstanceClass("db.r6g.xlarge"));
            waiter.waitUntilDBInstanceAvailable(r -> r.dbInstanceIdentifier("blue-1"));
            waiter.waitUntilDBInstanceAvailable(r -> r.dbInstanceIdentifier("blue-2"));
            DBCluster blue = waiter.waitUntilDBClusterAvailable(r -> r.dbClusterIdentifier("blue")).matched().response()
                    .orElseThrow().dbClusters().get(0);
            assertEquals("app-private", blue.dbSubnetGroup());
            assertEquals("sg-0a1b2c", blue.vpcSecurityGroups().get(0).vpcSecurityGroupId());
            assertEquals(KEY, blue.kmsKeyId());
            assertTrue(blue.storageEncrypted());
            assertTrue(blue.deletionProtection());
            assertEquals(14, blue.backupRetentionPeriod());
            assertTrue(blue.copyTagsToSnapshot());
            assertTrue(blue.multiAZ(), "two members");
            assertEquals(Map.of("team", "payments"), tags(blue.tagList()));
            assertEquals("arn:aws:rds:us-east-1:000000000000:cluster:blue", blue.dbClusterArn());

            DBInstance writer = rds.describeDBInstances(r -> r.dbInstanceIdentifier("blue-1")).dbInstances().get(0);
            DBInstance reader = rds.describeDBInstances(r -> r.dbInstanceIdentifier("blue-2")).dbInstances().get(0);
            assertEquals("db.r6g.large", writer.dbInstanceClass());
            assertEquals("db.r6g.xlarge", reader.dbInstanceClass());
            assertEquals("apg16-instance", writer.dbParameterGroups().get(0).dbParameterGroupName());
            assertEquals("default.aurora-postgresql16", reader.dbParameterGroups().get(0).dbParameterGroupName());
            assertEquals(60, writer.monitoringInterval());
            assertEquals(0, reader.monitoringInterval());
            assertTrue(writer.performanceInsightsEnabled());
            assertFalse(reader.performanceInsightsEnabled());
            assertEquals(Map.of("role", "writer"), tags(writer.tagList()));
            assertEquals("app-private", reader.dbSubnetGroup().dbSubnetGroupName(), "a member is in its cluster's network");
            assertEquals(KEY, reader.kmsKeyId());
            assertEquals(14, reader.backupRetentionPeriod());
            assertCode(rds, "InvalidParameterCombination", () -> rds.modifyDBInstance(r -> r.dbInstanceIdentifier("blue-2")
                    .backupRetentionPeriod(3)));

            rds.modifyDBCluster(r -> r.dbClusterIdentifier("blue").backupRetentionPeriod(21).applyImmediately(true));
            waiter.waitUntilDBClusterAvailable(r -> r.dbClusterIdentifier("blue"));
            assertEquals(21, rds.describeDBClusters(r -> r.dbClusterIdentifier("blue")).dbClusters().get(0).backupRetentionPeriod());
            assertCode(rds, "InvalidParameterValue", () -> rds.modifyDBCluster(r -> r.dbClusterIdentifier("blue")
                    .backupRetentionPeriod(0)));

            rds.restoreDBClusterToPointInTime(r -> r.sourceDBClusterIdentifier("blue").dbClusterIdentifier("green")
                    .restoreType("copy-on-write").useLatestRestorableTime(true).dbSubnetGroupName("app-private")
                    .vpcSecurityGroupIds("sg-0a1b2c").tags(tag("team", "payments")));
            DBCluster green = waiter.waitUntilDBClusterAvailable(r -> r.dbClusterIdentifier("green")).matched().response()
                    .orElseThrow().dbClusters().get(0);
            assertEquals(KEY, green.kmsKeyId(), "a clone is encrypted with its source's key");
            assertEquals("app-private", green.dbSubnetGroup());
            assertFalse(green.deletionProtection(), "a clone's protection is its own");

            rds.createDBClusterSnapshot(r -> r.dbClusterIdentifier("blue").dbClusterSnapshotIdentifier("blue-snap"));
            DBClusterSnapshot snap = waiter.waitUntilDBClusterSnapshotAvailable(r -> r.dbClusterSnapshotIdentifier("blue-snap"))
                    .matched().response().orElseThrow().dbClusterSnapshots().get(0);
            assertTrue(snap.storageEncrypted());
            assertEquals(KEY, snap.kmsKeyId());
            assertEquals(Map.of("team", "payments"), tags(snap.tagList()));
            rds.restoreDBClusterFromSnapshot(r -> r.snapshotIdentifier("blue-snap").dbClusterIdentifier("restored")
                    .engine("aurora-postgresql"));
            DBCluster restored = waiter.waitUntilDBClusterAvailable(r -> r.dbClusterIdentifier("restored")).matched()
                    .response().orElseThrow().dbClusters().get(0);
            assertEquals(KEY, restored.kmsKeyId());
            assertTrue(restored.storageEncrypted());
            assertEquals(Map.of("team", "payments"), tags(restored.tagList()));

            String groupArn = rds.describeDBParameterGroups(r -> r.dbParameterGroupName("apg16-instance"))
                    .dbParameterGroups().get(0).dbParameterGroupArn();
            assertEquals("arn:aws:rds:us-east-1:000000000000:pg:apg16-instance", groupArn);
            assertEquals(Map.of("kind", "instance"), tags(rds.listTagsForResource(r -> r.resourceName(groupArn)).tagList()));
            rds.addTagsToResource(r -> r.resourceName(blue.dbClusterArn()).tags(tag("env", "prod")));
            assertEquals(Map.of("team", "payments", "env", "prod"),
                    tags(rds.listTagsForResource(r -> r.resourceName(blue.dbClusterArn())).tagList()));
            assertThrows(DbClusterNotFoundException.class, () -> rds.listTagsForResource(r -> r
                    .resourceName("arn:aws:rds:us-east-1:000000000000:cluster:gone")));
            assertNull(rds.describeDBClusters(r -> r.dbClusterIdentifier("green")).dbClusters().get(0).tagList().stream()
                    .filter(t -> t.key().equals("env")).findAny().orElse(null), "tags are per resource");
        }
    }

    private static software.amazon.awssdk.services.rds.model.CreateDbInstanceRequest.Builder base(
            software.amazon.awssdk.services.rds.model.CreateDbInstanceRequest.Builder r, String id) {
        return r.dbInstanceIdentifier(id).engine("postgres").engineVersion("16.4").dbInstanceClass("db.t3.micro")
                .allocatedStorage(20).masterUsername(Rds.MASTER).masterUserPassword(Rds.PASSWORD);
    }

    static Tag tag(String key, String value) {
        return Tag.builder().key(key).value(value).build();
    }

    static Map<String, String> tags(List<Tag> tags) {
        return tags.stream().collect(Collectors.toMap(Tag::key, Tag::value));
    }

    static void assertCode(RdsClient rds, String code, org.junit.jupiter.api.function.Executable call) {
        RdsException e = assertThrows(RdsException.class, call);
        assertEquals(code, e.awsErrorDetails().errorCode(), e.getMessage());
    }

    private static Path directory() {
        try {
            return Files.createTempDirectory("bg-rds-");
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
