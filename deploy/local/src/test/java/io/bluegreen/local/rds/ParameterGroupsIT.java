package io.bluegreen.local.rds;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.rds.RdsClient;
import software.amazon.awssdk.services.rds.model.ApplyMethod;
import software.amazon.awssdk.services.rds.model.DBParameterGroup;
import software.amazon.awssdk.services.rds.model.DbParameterGroupAlreadyExistsException;
import software.amazon.awssdk.services.rds.model.DescribeDbParametersResponse;
import software.amazon.awssdk.services.rds.model.Parameter;
import software.amazon.awssdk.services.rds.model.RdsException;
import software.amazon.awssdk.services.rds.waiters.RdsWaiter;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

import static io.bluegreen.local.rds.BlueSettingsIT.tag;
import static io.bluegreen.local.rds.BlueSettingsIT.tags;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Parameter groups as AWS has them: a catalogue per family with the real 16/17 differences, default groups that
 * cannot change, Source filters and paging, AWS's errors on modify, copies that keep every user parameter, and a
 * static change that waits for a reboot.
 */
class ParameterGroupsIT {

    private static RdsEmulator emulator;
    private static RdsClient rds;
    private static RdsWaiter waiter;

    @BeforeAll
    static void start() {
        emulator = RdsEmulator.builder().transitionDelay(Duration.ofMillis(200)).start();
        rds = Rds.client(emulator);
        waiter = Rds.waiter(rds);
    }

    @AfterAll
    static void stop() {
        rds.close();
        emulator.close();
    }

    @Test
    void eachFamilyHasItsCatalogueWithTheRealVersionDifferences() {
        Map<String, Parameter> pg16 = engineDefaults("postgres16", false);
        Map<String, Parameter> pg17 = engineDefaults("postgres17", false);
        for (String gone : List.of("old_snapshot_threshold", "db_user_namespace", "trace_recovery_messages")) {
            assertTrue(pg16.containsKey(gone), gone + " exists in 16");
            assertFalse(pg17.containsKey(gone), "PostgreSQL 17 removed " + gone);
        }
        for (String added : List.of("transaction_timeout", "summarize_wal")) {
            assertFalse(pg16.containsKey(added), added + " is new in 17");
            assertTrue(pg17.containsKey(added), added + " exists in 17");
        }
        for (String name : List.of("rds.logical_replication", "shared_buffers", "shared_preload_libraries", "work_mem",
                "maintenance_work_mem", "max_connections", "log_min_duration_statement", "statement_timeout",
                "idle_in_transaction_session_timeout", "random_page_cost", "max_replication_slots", "max_wal_senders",
                "max_logical_replication_workers", "max_worker_processes", "wal_sender_timeout")) {
            assertTrue(pg16.containsKey(name) && pg17.containsKey(name), name);
        }
        Parameter logical = pg16.get("rds.logical_replication");
        assertEquals("0", logical.parameterValue());
        assertEquals("static", logical.applyType());
        assertEquals("boolean", logical.dataType());
        assertEquals("0,1", logical.allowedValues());
        assertTrue(logical.isModifiable());
        assertEquals("engine-default", logical.source());
        assertEquals("dynamic", pg16.get("work_mem").applyType());
        assertEquals("static", pg16.get("shared_buffers").applyType());
        assertEquals("system", pg16.get("port").source());
        assertFalse(pg16.get("port").isModifiable());

        Map<String, Parameter> auroraCluster = engineDefaults("aurora-postgresql16", true);
        Map<String, Parameter> auroraInstance = engineDefaults("aurora-postgresql16", false);
        assertTrue(auroraCluster.containsKey("rds.logical_replication"), "a cluster-level parameter on Aurora");
        assertFalse(auroraInstance.containsKey("rds.logical_replication"));
        assertTrue(auroraInstance.containsKey("shared_buffers"), "an instance-level parameter on Aurora");
        assertFalse(auroraCluster.containsKey("shared_buffers"));
        assertTrue(engineDefaults("aurora-postgresql17", true).containsKey("transaction_timeout"));
        assertEquals("InvalidParameterValue", assertThrows(RdsException.class, () -> rds.describeEngineDefaultParameters(r -> r
                .dbParameterGroupFamily("mysql8.0"))).awsErrorDetails().errorCode());
    }

    @Test
    void defaultGroupsExistForEveryFamilyAndCannotChange() {
        Set<String> groups = rds.describeDBParameterGroupsPaginator(r -> { }).dbParameterGroups().stream()
                .map(DBParameterGroup::dbParameterGroupName).collect(Collectors.toSet());
        assertTrue(groups.containsAll(Set.of("default.postgres16", "default.postgres17", "default.aurora-postgresql16",
                "default.aurora-postgresql17")), groups.toString());
        Set<String> clusterGroups = rds.describeDBClusterParameterGroups(r -> { }).dbClusterParameterGroups().stream()
                .map(g -> g.dbClusterParameterGroupName()).collect(Collectors.toSet());
        assertTrue(clusterGroups.containsAll(Set.of("default.aurora-postgresql16", "default.aurora-postgresql17")));
        RdsException refused = assertThrows(RdsException.class, () -> rds.modifyDBParameterGroup(r -> r
                .dbParameterGroupName("default.postgres16").parameters(parameter("work_mem", "8192", ApplyMethod.IMMEDIATE))));
        assertEquals("InvalidParameterValue", refused.awsErrorDetails().errorCode());
        assertEquals("InvalidParameterValue", assertThrows(RdsException.class, () -> rds.modifyDBClusterParameterGroup(r -> r
                .dbClusterParameterGroupName("default.aurora-postgresql16")
                .parameters(parameter("rds.logical_replication", "1", ApplyMethod.PENDING_REBOOT)))).awsErrorDetails().errorCode());
        assertEquals("0", userOrDefault("default.postgres17", "rds.logical_replication", null).parameterValue());
    }

    @Test
    void modifyChecksNamesValuesAndApplyMethodsAsAwsDoes() {
        rds.createDBParameterGroup(r -> r.dbParameterGroupName("checks-16").dbParameterGroupFamily("postgres16")
                .description("checks"));
        assertError("InvalidParameterValue", "Could not find parameter with name: no_such_parameter",
                () -> modify("checks-16", parameter("no_such_parameter", "1", ApplyMethod.IMMEDIATE)));
        assertError("InvalidParameterValue", "Could not find parameter with name: transaction_timeout",
                () -> modify("checks-16", parameter("transaction_timeout", "1000", ApplyMethod.IMMEDIATE)));
        assertError("InvalidParameterValue", "The parameter port cannot be modified.",
                () -> modify("checks-16", parameter("port", "6543", ApplyMethod.PENDING_REBOOT)));
        assertError("InvalidParameterCombination", null,
                () -> modify("checks-16", parameter("shared_buffers", "16384", ApplyMethod.IMMEDIATE)));
        assertError("InvalidParameterValue", null,
                () -> modify("checks-16", parameter("rds.logical_replication", "2", ApplyMethod.PENDING_REBOOT)));
        assertError("InvalidParameterValue", null,
                () -> modify("checks-16", parameter("work_mem", "lots", ApplyMethod.IMMEDIATE)));
        Parameter[] tooMany = IntStream.range(0, 21).mapToObj(n -> parameter("work_mem", "4096", ApplyMethod.IMMEDIATE))
                .toArray(Parameter[]::new);
        assertError("InvalidParameterValue", null, () -> modify("checks-16", tooMany));
        assertNull(userOrDefault("checks-16", "work_mem", "user"), "a refused call changes nothing");

        rds.createDBParameterGroup(r -> r.dbParameterGroupName("aurora-instance-16").dbParameterGroupFamily("aurora-postgresql16")
                .description("instance level"));
        assertError("InvalidParameterValue", "Could not find parameter with name: rds.logical_replication",
                () -> modify("aurora-instance-16", parameter("rds.logical_replication", "1", ApplyMethod.PENDING_REBOOT)));

        for (String bad : List.of("1group", "my--group", "my-group-", "my_group", "g" + "x".repeat(255))) {
            assertEquals("InvalidParameterValue", assertThrows(RdsException.class, () -> rds.createDBParameterGroup(r -> r
                    .dbParameterGroupName(bad).dbParameterGroupFamily("postgres16").description("x")))
                    .awsErrorDetails().errorCode(), bad);
        }
        rds.createDBParameterGroup(r -> r.dbParameterGroupName("g" + "x".repeat(254)).dbParameterGroupFamily("postgres16")
                .description("255 characters is the longest name"));
    }

    @Test
    void sourceFiltersAndPagesAnswerEveryParameterOnce() {
        rds.createDBParameterGroup(r -> r.dbParameterGroupName("paged-17").dbParameterGroupFamily("postgres17")
                .description("paging"));
        modify("paged-17", parameter("work_mem", "65536", ApplyMethod.IMMEDIATE),
                parameter("rds.logical_replication", "1", ApplyMethod.PENDING_REBOOT));
        List<Parameter> all = rds.describeDBParameters(r -> r.dbParameterGroupName("paged-17")).parameters();
        List<Parameter> paged = new ArrayList<>();
        String marker = null;
        int pages = 0;
        do {
            String from = marker;
            DescribeDbParametersResponse page = rds.describeDBParameters(r -> r.dbParameterGroupName("paged-17")
                    .maxRecords(20).marker(from));
            assertTrue(page.parameters().size() <= 20);
            paged.addAll(page.parameters());
            marker = page.marker();
            pages++;
        } while (marker != null);
        assertTrue(pages > 1, "more than 20 parameters come in several pages");
        assertEquals(all, paged);
        assertEquals(all, rds.describeDBParametersPaginator(r -> r.dbParameterGroupName("paged-17").maxRecords(20))
                .parameters().stream().toList());
        assertEquals("InvalidParameterValue", assertThrows(RdsException.class, () -> rds.describeDBParameters(r -> r
                .dbParameterGroupName("paged-17").maxRecords(10))).awsErrorDetails().errorCode());

        Map<String, String> user = byName(rds.describeDBParameters(r -> r.dbParameterGroupName("paged-17").source("user"))
                .parameters());
        assertEquals(Map.of("work_mem", "65536", "rds.logical_replication", "1"), user);
        List<Parameter> system = rds.describeDBParameters(r -> r.dbParameterGroupName("paged-17").source("system")).parameters();
        assertFalse(system.isEmpty());
        assertTrue(system.stream().allMatch(p -> "system".equals(p.source())));
        List<Parameter> defaults = rds.describeDBParameters(r -> r.dbParameterGroupName("paged-17").source("engine-default"))
                .parameters();
        assertTrue(defaults.stream().noneMatch(p -> p.parameterName().equals("work_mem")));
        assertEquals(all.size(), user.size() + system.size() + defaults.size());
        assertEquals("pending-reboot", all.stream().filter(p -> p.parameterName().equals("rds.logical_replication"))
                .findFirst().orElseThrow().applyMethodAsString());
    }

    @Test
    void copiesKeepEveryUserParameterAndAnExistingTargetIsRefused() {
        DBParameterGroup fromDefault = rds.copyDBParameterGroup(r -> r.sourceDBParameterGroupIdentifier("default.postgres17")
                .targetDBParameterGroupIdentifier("mine-17").targetDBParameterGroupDescription("from the default")
                .tags(tag("team", "payments"))).dbParameterGroup();
        assertEquals("postgres17", fromDefault.dbParameterGroupFamily());
        assertEquals(Map.of("team", "payments"), tags(rds.listTagsForResource(r -> r.resourceName(fromDefault.dbParameterGroupArn()))
                .tagList()));
        modify("mine-17", parameter("rds.logical_replication", "1", ApplyMethod.PENDING_REBOOT),
                parameter("max_replication_slots", "40", ApplyMethod.PENDING_REBOOT),
                parameter("statement_timeout", "30000", ApplyMethod.IMMEDIATE),
                parameter("transaction_timeout", "60000", ApplyMethod.IMMEDIATE));
        rds.copyDBParameterGroup(r -> r.sourceDBParameterGroupIdentifier(fromDefault.dbParameterGroupArn())
                .targetDBParameterGroupIdentifier("green-17").targetDBParameterGroupDescription("Green's"));
        Map<String, String> source = byName(rds.describeDBParameters(r -> r.dbParameterGroupName("mine-17").source("user"))
                .parameters());
        assertEquals(4, source.size());
        assertEquals(source, byName(rds.describeDBParameters(r -> r.dbParameterGroupName("green-17").source("user"))
                .parameters()));
        assertThrows(DbParameterGroupAlreadyExistsException.class, () -> rds.copyDBParameterGroup(r -> r
                .sourceDBParameterGroupIdentifier("mine-17").targetDBParameterGroupIdentifier("green-17")
                .targetDBParameterGroupDescription("again")));

        rds.copyDBClusterParameterGroup(r -> r.sourceDBClusterParameterGroupIdentifier("default.aurora-postgresql16")
                .targetDBClusterParameterGroupIdentifier("blue-cluster-16").targetDBClusterParameterGroupDescription("Blue's"));
        rds.modifyDBClusterParameterGroup(r -> r.dbClusterParameterGroupName("blue-cluster-16")
                .parameters(parameter("rds.logical_replication", "1", ApplyMethod.PENDING_REBOOT)));
        assertEquals("aurora-postgresql16", rds.copyDBClusterParameterGroup(r -> r
                .sourceDBClusterParameterGroupIdentifier("blue-cluster-16").targetDBClusterParameterGroupIdentifier("green-cluster-16")
                .targetDBClusterParameterGroupDescription("Green's")).dbClusterParameterGroup().dbParameterGroupFamily());
        assertEquals(Map.of("rds.logical_replication", "1"), byName(rds.describeDBClusterParameters(r -> r
                .dbClusterParameterGroupName("green-cluster-16").source("user")).parameters()));
        assertThrows(DbParameterGroupAlreadyExistsException.class, () -> rds.copyDBClusterParameterGroup(r -> r
                .sourceDBClusterParameterGroupIdentifier("blue-cluster-16").targetDBClusterParameterGroupIdentifier("green-cluster-16")
                .targetDBClusterParameterGroupDescription("again")));
    }

    @Test
    void aStaticChangeWaitsForTheRebootAndADynamicOneDoesNot() {
        rds.createDBParameterGroup(r -> r.dbParameterGroupName("tuned-16").dbParameterGroupFamily("postgres16")
                .description("tuning"));
        rds.createDBInstance(r -> r.dbInstanceIdentifier("tuned").engine("postgres").engineVersion("16.4")
                .dbInstanceClass("db.t3.micro").allocatedStorage(20).masterUsername(Rds.MASTER)
                .masterUserPassword(Rds.PASSWORD).dbParameterGroupName("tuned-16"));
        rds.createDBInstance(r -> r.dbInstanceIdentifier("plain").engine("postgres").engineVersion("17.2")
                .dbInstanceClass("db.t3.micro").allocatedStorage(20).masterUsername(Rds.MASTER)
                .masterUserPassword(Rds.PASSWORD));
        waiter.waitUntilDBInstanceAvailable(r -> r.dbInstanceIdentifier("tuned"));
        assertEquals("default.postgres17", waiter.waitUntilDBInstanceAvailable(r -> r.dbInstanceIdentifier("plain"))
                .matched().response().orElseThrow().dbInstances().get(0).dbParameterGroups().get(0).dbParameterGroupName(),
                "a resource created without a group gets its family's default group");

        modify("tuned-16", parameter("work_mem", "16384", ApplyMethod.IMMEDIATE));
        assertEquals("in-sync", applyStatus("tuned"));
        modify("tuned-16", parameter("max_connections", "200", ApplyMethod.PENDING_REBOOT));
        assertEquals("pending-reboot", applyStatus("tuned"));
        rds.rebootDBInstance(r -> r.dbInstanceIdentifier("tuned"));
        waiter.waitUntilDBInstanceAvailable(r -> r.dbInstanceIdentifier("tuned"));
        assertEquals("in-sync", applyStatus("tuned"));
    }

    private static String applyStatus(String instance) {
        return rds.describeDBInstances(r -> r.dbInstanceIdentifier(instance)).dbInstances().get(0).dbParameterGroups()
                .get(0).parameterApplyStatus();
    }

    private static Map<String, Parameter> engineDefaults(String family, boolean cluster) {
        List<Parameter> parameters = new ArrayList<>();
        String marker = null;
        do {
            String from = marker;
            var defaults = cluster
                    ? rds.describeEngineDefaultClusterParameters(r -> r.dbParameterGroupFamily(family).maxRecords(20).marker(from)).engineDefaults()
                    : rds.describeEngineDefaultParameters(r -> r.dbParameterGroupFamily(family).maxRecords(20).marker(from)).engineDefaults();
            assertEquals(family, defaults.dbParameterGroupFamily());
            parameters.addAll(defaults.parameters());
            marker = defaults.marker();
        } while (marker != null);
        return parameters.stream().collect(Collectors.toMap(Parameter::parameterName, Function.identity()));
    }

    private static Parameter userOrDefault(String group, String name, String source) {
        return rds.describeDBParametersPaginator(r -> r.dbParameterGroupName(group).source(source)).parameters().stream()
                .filter(p -> p.parameterName().equals(name)).findFirst().orElse(null);
    }

    private static void modify(String group, Parameter... parameters) {
        assertNotNull(rds.modifyDBParameterGroup(r -> r.dbParameterGroupName(group).parameters(parameters)).dbParameterGroupName());
    }

    private static Parameter parameter(String name, String value, ApplyMethod method) {
        return Parameter.builder().parameterName(name).parameterValue(value).applyMethod(method).build();
    }

    private static Map<String, String> byName(List<Parameter> parameters) {
        return parameters.stream().collect(Collectors.toMap(Parameter::parameterName, Parameter::parameterValue));
    }

    private static void assertError(String code, String message, org.junit.jupiter.api.function.Executable call) {
        RdsException e = assertThrows(RdsException.class, call);
        assertEquals(code, e.awsErrorDetails().errorCode(), e.getMessage());
        if (message != null) {
            assertEquals(message, e.awsErrorDetails().errorMessage());
        }
    }
}
