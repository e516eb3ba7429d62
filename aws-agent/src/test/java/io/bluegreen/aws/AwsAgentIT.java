package io.bluegreen.aws;

import io.bluegreen.local.rds.RdsEmulator;
import io.bluegreen.local.testbed.TestBed;
import io.bluegreen.local.testbed.WithTestBed;
import io.bluegreen.runtime.kafka.TopicInstaller;
import io.bluegreen.schemas.Topics;
import io.bluegreen.schemas.command.aws.CloneCluster;
import io.bluegreen.schemas.command.aws.DeleteCluster;
import io.bluegreen.schemas.command.aws.DeleteUpgradeSnapshots;
import io.bluegreen.schemas.command.aws.RetireOldBlue;
import io.bluegreen.schemas.command.aws.EnableLogicalReplication;
import io.bluegreen.schemas.command.aws.ReadSnapshotLsnFromLog;
import io.bluegreen.schemas.command.aws.SwapEndpoints;
import io.bluegreen.schemas.command.aws.UpgradeEngine;
import io.bluegreen.schemas.common.CloneMethod;
import io.bluegreen.schemas.common.ClusterRef;
import io.bluegreen.schemas.common.Engine;
import io.bluegreen.schemas.common.FailureReason;
import io.bluegreen.schemas.result.ClusterReady;
import io.bluegreen.schemas.result.EndpointsSwapped;
import io.bluegreen.schemas.result.EngineUpgraded;
import io.bluegreen.schemas.result.OldBlueRetired;
import io.bluegreen.schemas.result.SnapshotLsnCaptured;
import io.bluegreen.schemas.result.StepFailed;
import io.bluegreen.schemas.result.StepInProgress;
import io.bluegreen.schemas.result.StepSucceeded;
import io.bluegreen.schemas.serde.AvroMessageDeserializer;
import io.bluegreen.schemas.serde.AvroMessageSerializer;
import io.micronaut.context.ApplicationContext;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.rds.RdsClient;
import software.amazon.awssdk.services.rds.model.DBCluster;
import software.amazon.awssdk.services.rds.model.DBInstance;
import software.amazon.awssdk.services.rds.model.Parameter;
import software.amazon.awssdk.services.rds.model.Tag;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The aws-agent through Kafka against the local RDS endpoint, always through the real AWS SDK client. The heartbeat
 * is short, so every long step reports StepInProgress while it waits.
 */
@WithTestBed
class AwsAgentIT {

    private static final String REGION = "eu-west-1";
    private static final String MASTER = "app_admin";
    private static final String PASSWORD = "local-" + UUID.randomUUID();

    private static RdsEmulator emulator;
    private static RdsClient rds;
    private static ApplicationContext agent;
    private static KafkaProducer<String, SpecificRecord> commands;
    private static KafkaConsumer<String, SpecificRecord> resultsConsumer;
    private static Thread resultsReader;
    private static final AtomicBoolean reading = new AtomicBoolean(true);
    private static final Map<String, List<SpecificRecord>> results = new ConcurrentHashMap<>();

    @BeforeAll
    static void start() {
        String bootstrap = TestBed.shared().kafka().bootstrapServers();
        try (Admin admin = Admin.create(Map.<String, Object>of("bootstrap.servers", bootstrap))) {
            TopicInstaller.ensureTopics(admin, 3, Optional.empty());
        }
        emulator = RdsEmulator.builder().transitionDelay(Duration.ofMillis(300)).start();
        rds = RdsClient.builder().endpointOverride(emulator.endpoint()).region(Region.of(REGION))
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("local", "local-secret")))
                .httpClientBuilder(UrlConnectionHttpClient.builder()).build();
        commands = new KafkaProducer<>(Map.of("bootstrap.servers", bootstrap, "acks", "all"),
                new StringSerializer(), new AvroMessageSerializer<>());
        resultsConsumer = new KafkaConsumer<>(Map.of("bootstrap.servers", bootstrap, "group.id", "it-" + UUID.randomUUID()),
                new StringDeserializer(), new AvroMessageDeserializer<>());
        List<TopicPartition> partitions = resultsConsumer.partitionsFor(Topics.RESULTS).stream()
                .map(p -> new TopicPartition(p.topic(), p.partition())).toList();
        resultsConsumer.assign(partitions);
        resultsConsumer.seekToEnd(partitions);
        partitions.forEach(resultsConsumer::position);
        resultsReader = new Thread(() -> {
            while (reading.get()) {
                resultsConsumer.poll(Duration.ofMillis(100)).forEach(r -> results.computeIfAbsent(
                        String.valueOf(((GenericRecord) r.value()).get("causationId")), k -> new CopyOnWriteArrayList<>())
                        .add(r.value()));
            }
            resultsConsumer.close();
        }, "results-reader");
        resultsReader.start();
        agent = startAgent();
    }

    static ApplicationContext startAgent() {
        return ApplicationContext.run(Map.of(
                "kafka.bootstrap.servers", TestBed.shared().kafka().bootstrapServers(),
                "bluegreen.topics.partitions", "3",
                "bluegreen.aws.endpoint-override", emulator.endpoint().toString(),
                "bluegreen.aws.access-key-id", "local",
                "bluegreen.aws.secret-access-key", "local-secret",
                "bluegreen.aws.poll-interval", "200ms",
                "bluegreen.agent.heartbeat", "200ms"));
    }

    @AfterAll
    static void stop() throws Exception {
        if (agent != null) {
            agent.close();
        }
        reading.set(false);
        if (resultsReader != null) {
            resultsReader.join(5000);
        }
        if (commands != null) {
            commands.close();
        }
        if (rds != null) {
            rds.close();
        }
        if (emulator != null) {
            emulator.close();
        }
    }

    // ---------- helpers ----------

    private static ClusterRef ref(String id, Engine engine) {
        return ClusterRef.newBuilder().setIdentifier(id).setRegion(REGION).setEngine(engine).setCredentialsRef("blue-admin").build();
    }

    private static String send(String upgradeId, SpecificRecord command) {
        commands.send(new ProducerRecord<>(Topics.AWS_COMMANDS, upgradeId, command));
        commands.flush();
        return String.valueOf(((GenericRecord) command).get("commandId"));
    }

    /** The answer that ends a command (anything but StepInProgress). */
    private static SpecificRecord answer(String commandId) {
        await().atMost(Duration.ofMinutes(3)).until(() -> finalAnswer(commandId).isPresent());
        return finalAnswer(commandId).orElseThrow();
    }

    private static Optional<SpecificRecord> finalAnswer(String commandId) {
        return results.getOrDefault(commandId, List.of()).stream().filter(r -> !(r instanceof StepInProgress)).findFirst();
    }

    private static void awaitClusterAvailable(String id) {
        await().atMost(Duration.ofMinutes(2)).until(() -> rds.describeDBClusters(r -> r.dbClusterIdentifier(id))
                .dbClusters().get(0).status().equals("available"));
    }

    private static void awaitInstanceAvailable(String id) {
        await().atMost(Duration.ofMinutes(2)).until(() -> rds.describeDBInstances(r -> r.dbInstanceIdentifier(id))
                .dbInstances().get(0).dbInstanceStatus().equals("available"));
    }

    /** An Aurora cluster with a writer and a reader of another class. */
    private static void createAuroraBlue(String id) {
        rds.createDBCluster(r -> r.dbClusterIdentifier(id).engine("aurora-postgresql").engineVersion("16.15")
                .masterUsername(MASTER).masterUserPassword(PASSWORD));
        awaitClusterAvailable(id);
        rds.createDBParameterGroup(r -> r.dbParameterGroupName(id + "-instances").dbParameterGroupFamily("aurora-postgresql16")
                .description("the instances' own tuning"));
        rds.modifyDBParameterGroup(r -> r.dbParameterGroupName(id + "-instances").parameters(parameter("work_mem", "32768")));
        rds.createDBInstance(r -> r.dbClusterIdentifier(id).dbInstanceIdentifier(id + "-1")
                .dbInstanceClass("db.t3.medium").engine("aurora-postgresql").dbParameterGroupName(id + "-instances"));
        awaitInstanceAvailable(id + "-1");
        rds.createDBInstance(r -> r.dbClusterIdentifier(id).dbInstanceIdentifier(id + "-reader")
                .dbInstanceClass("db.r6g.large").engine("aurora-postgresql"));
        awaitInstanceAvailable(id + "-reader");
    }

    private static void createRdsBlue(String id) {
        rds.createDBInstance(r -> r.dbInstanceIdentifier(id).engine("postgres").engineVersion("16.15")
                .dbInstanceClass("db.t3.medium").allocatedStorage(20).masterUsername(MASTER).masterUserPassword(PASSWORD));
        awaitInstanceAvailable(id);
    }

    private static Connection connect(String host, int port) throws Exception {
        return DriverManager.getConnection("jdbc:postgresql://" + host + ":" + port + "/postgres", MASTER, PASSWORD);
    }

    private static String query(String host, int port, String sql) throws Exception {
        try (Connection c = connect(host, port); Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getString(1);
        }
    }

    /** Logical replication on, the plan allowing Blue's reboot. */
    private static EnableLogicalReplication enable(String upgradeId, ClusterRef cluster) {
        return enable(upgradeId, cluster, true);
    }

    private static EnableLogicalReplication enable(String upgradeId, ClusterRef cluster, boolean allowBlueReboot) {
        return new EnableLogicalReplication(upgradeId, UUID.randomUUID().toString(), 1, Instant.now(), cluster, null,
                allowBlueReboot);
    }

    // ---------- tests ----------

    @Test
    void auroraPathEndsWithAnAvailableGreenAtTheTargetMajor() throws Exception {
        String upgrade = "upg-aurora";
        createAuroraBlue("orders-aurora");
        ClusterRef blue = ref("orders-aurora", Engine.AURORA_POSTGRESQL);
        DBCluster before = rds.describeDBClusters(r -> r.dbClusterIdentifier("orders-aurora")).dbClusters().get(0);
        assertEquals("replica", query(before.endpoint(), before.port(), "SHOW wal_level"));

        StepSucceeded enabled = assertInstanceOf(StepSucceeded.class, answer(send(upgrade, enable(upgrade, blue))));
        assertEquals("bluegreen-orders-aurora-logical", enabled.getDetails().get("parameterGroup"),
                "a copy of Blue's group with logical replication on");
        assertEquals("logical", query(before.endpoint(), before.port(), "SHOW wal_level"), "rebooted with logical on");

        StepSucceeded again = assertInstanceOf(StepSucceeded.class, answer(send(upgrade, enable(upgrade, blue))));
        assertTrue(again.getAlreadyDone(), "a second request finds logical replication on");

        String cloneId = UUID.randomUUID().toString();
        CloneCluster clone = new CloneCluster(upgrade, cloneId, 1, Instant.now(), blue, "orders-aurora-green",
                CloneMethod.AURORA_COPY_ON_WRITE, null, null);
        ClusterReady green = assertInstanceOf(ClusterReady.class, answer(send(upgrade, clone)));
        assertEquals("orders-aurora-green", green.getCluster().getIdentifier());
        assertTrue(results.get(cloneId).stream().anyMatch(r -> r instanceof StepInProgress),
                "the clone reported progress while it waited");

        // the same command again: the same answer, nothing new created
        int clustersBefore = rds.describeDBClusters().dbClusters().size();
        int instancesBefore = rds.describeDBInstances().dbInstances().size();
        send(upgrade, clone);
        await().atMost(Duration.ofSeconds(60)).until(() -> results.get(cloneId).stream()
                .filter(r -> r instanceof ClusterReady).count() == 2);
        assertEquals(clustersBefore, rds.describeDBClusters().dbClusters().size());
        assertEquals(instancesBefore, rds.describeDBInstances().dbInstances().size());
        CloneCluster sameTargetNewId = CloneCluster.newBuilder(clone).setCommandId(UUID.randomUUID().toString()).build();
        assertInstanceOf(ClusterReady.class, answer(send(upgrade, sameTargetNewId)));
        assertEquals(clustersBefore, rds.describeDBClusters().dbClusters().size(), "a re-sent clone finds the clone");

        UpgradeEngine upgradeEngine = new UpgradeEngine(upgrade, UUID.randomUUID().toString(), 1, Instant.now(),
                green.getCluster(), "17.11", null);
        Map<String, String> greenInstances = new java.util.TreeMap<>();
        rds.describeDBInstances().dbInstances().stream().filter(i -> "orders-aurora-green".equals(i.dbClusterIdentifier()))
                .forEach(i -> greenInstances.put(i.dbInstanceIdentifier(), i.dbInstanceClass()));
        assertEquals(Map.of("orders-aurora-green-1", "db.t3.medium", "orders-aurora-green-2", "db.r6g.large"),
                greenInstances, "one Green instance per Blue one, the writer first, each of its class");
        assertTrue(rds.describeDBClusters(r -> r.dbClusterIdentifier("orders-aurora-green")).dbClusters().get(0)
                .dbClusterMembers().stream().anyMatch(m -> m.isClusterWriter() && m.dbInstanceIdentifier().equals("orders-aurora-green-1")));
        EngineUpgraded upgraded = assertInstanceOf(EngineUpgraded.class, answer(send(upgrade, upgradeEngine)));
        assertEquals("17.11", upgraded.getEngineVersion());
        DBCluster after = rds.describeDBClusters(r -> r.dbClusterIdentifier("orders-aurora-green")).dbClusters().get(0);
        assertEquals("17.11", after.engineVersion());
        assertEquals("bluegreen-orders-aurora-green", after.dbClusterParameterGroup());
        assertEquals("bluegreen-orders-aurora-green-instance", rds.describeDBInstances(r -> r.dbInstanceIdentifier(
                "orders-aurora-green-1")).dbInstances().get(0).dbParameterGroups().get(0).dbParameterGroupName(),
                "the writer's own instance tuning goes to 17 too");
        assertEquals(Map.of("work_mem", "32768"), userParameters("bluegreen-orders-aurora-green-instance"));
        assertTrue(query(after.endpoint(), after.port(), "SHOW server_version").startsWith("17."));

        // repoint the way AWS Blue/Green does, then delete the old Blue
        SwapEndpoints swap = new SwapEndpoints(upgrade, UUID.randomUUID().toString(), 1, Instant.now(), blue,
                upgraded.getCluster(), true);
        EndpointsSwapped swapped = assertInstanceOf(EndpointsSwapped.class, answer(send(upgrade, swap)));
        assertEquals("orders-aurora", swapped.getIdentifier());
        assertEquals("orders-aurora-old", swapped.getOldBlueIdentifier());
        DBCluster nowBlueName = rds.describeDBClusters(r -> r.dbClusterIdentifier("orders-aurora")).dbClusters().get(0);
        assertEquals("17.11", nowBlueName.engineVersion(), "Blue's name now reaches Green");

        DeleteCluster deleteOldBlue = new DeleteCluster(upgrade, UUID.randomUUID().toString(), 1, Instant.now(),
                ref("orders-aurora-old", Engine.AURORA_POSTGRESQL), List.of());
        StepFailed refused = assertInstanceOf(StepFailed.class, answer(send(upgrade, deleteOldBlue)));
        assertEquals(FailureReason.PRECONDITION_FAILED, refused.getReason());
        assertTrue(refused.getMessage().contains("was not made by upgrade " + upgrade), refused.getMessage());
        assertTrue(rds.describeDBClusters().dbClusters().stream().anyMatch(c -> c.dbClusterIdentifier().equals("orders-aurora-old")),
                "what the upgrade did not make is never deleted by it");
    }

    @Test
    void rdsPathReadsTheSnapshotLsnFromGreensLogBeforeTheUpgrade() throws Exception {
        String upgrade = "upg-rds";
        createRdsBlue("billing-rds");
        ClusterRef blue = ref("billing-rds", Engine.POSTGRES);
        assertInstanceOf(StepSucceeded.class, answer(send(upgrade, enable(upgrade, blue))));
        DBInstance instance = rds.describeDBInstances(r -> r.dbInstanceIdentifier("billing-rds")).dbInstances().get(0);
        try (Connection c = connect(instance.endpoint().address(), instance.endpoint().port()); Statement s = c.createStatement()) {
            s.execute("CREATE TABLE IF NOT EXISTS ledger (id bigserial PRIMARY KEY, note text)");
            s.execute("INSERT INTO ledger (note) SELECT 'row ' || g FROM generate_series(1, 500) g");
        }
        CloneCluster clone = new CloneCluster(upgrade, UUID.randomUUID().toString(), 1, Instant.now(), blue,
                "billing-rds-green", CloneMethod.RDS_SNAPSHOT, null, null);
        ClusterReady green = assertInstanceOf(ClusterReady.class, answer(send(upgrade, clone)));
        assertEquals(List.of("billing-rds-green-seed"), green.getSnapshots());

        SnapshotLsnCaptured lsn = assertInstanceOf(SnapshotLsnCaptured.class, answer(send(upgrade,
                new ReadSnapshotLsnFromLog(upgrade, UUID.randomUUID().toString(), 1, Instant.now(), green.getCluster()))));
        assertEquals(emulator.knownSnapshotLsn("billing-rds-green"), lsn.getLsn(),
                "the LSN parsed from Green's log is the one the clone ends at");
        assertTrue(lsn.getEvidence().stream().anyMatch(line -> line.contains("invalid record length at " + lsn.getLsn())),
                lsn.getEvidence().toString());

        Instant beforeUpgrade = Instant.now();
        assertTrue(lsn.getOccurredAt().isBefore(beforeUpgrade), "captured before the upgrade");
        EngineUpgraded upgraded = assertInstanceOf(EngineUpgraded.class, answer(send(upgrade, new UpgradeEngine(upgrade,
                UUID.randomUUID().toString(), 1, Instant.now(), green.getCluster(), "17.11", null))));
        assertEquals("17.11", upgraded.getEngineVersion());
        DBInstance after = rds.describeDBInstances(r -> r.dbInstanceIdentifier("billing-rds-green")).dbInstances().get(0);
        assertTrue(query(after.endpoint().address(), after.endpoint().port(), "SHOW server_version").startsWith("17."));
        assertEquals("500", query(after.endpoint().address(), after.endpoint().port(), "SELECT count(*) FROM ledger"),
                "the upgraded Green still holds the clone's rows");

        DeleteCluster delete = new DeleteCluster(upgrade, UUID.randomUUID().toString(), 1, Instant.now(),
                upgraded.getCluster(), green.getSnapshots());
        assertInstanceOf(StepSucceeded.class, answer(send(upgrade, delete)));
        assertTrue(rds.describeDBSnapshots().dbSnapshots().stream()
                .noneMatch(s -> s.dbSnapshotIdentifier().equals("billing-rds-green-seed")), "the seed snapshot is deleted");
    }

    @Test
    void anAgentStoppedDuringAWaitCompletesTheStepAfterARestart() {
        String upgrade = "upg-restart";
        createRdsBlue("restart-rds");
        ClusterRef blue = ref("restart-rds", Engine.POSTGRES);
        String cloneId = send(upgrade, new CloneCluster(upgrade, UUID.randomUUID().toString(), 1, Instant.now(), blue,
                "restart-rds-green", CloneMethod.RDS_SNAPSHOT, null, null));
        await().atMost(Duration.ofMinutes(1)).until(() -> results.getOrDefault(cloneId, List.of()).stream()
                .anyMatch(r -> r instanceof StepInProgress));
        agent.close();
        agent = startAgent();
        ClusterReady green = assertInstanceOf(ClusterReady.class, answer(cloneId));
        assertEquals("restart-rds-green", green.getCluster().getIdentifier());
        assertEquals(1, rds.describeDBInstances().dbInstances().stream()
                .filter(i -> i.dbInstanceIdentifier().equals("restart-rds-green")).count());
        assertEquals(1, rds.describeDBSnapshots().dbSnapshots().stream()
                .filter(s -> s.dbSnapshotIdentifier().startsWith("restart-rds-green")).count(), "one snapshot, not two");
    }

    @Test
    void badRequestsFailWithTheAwsErrorCodeAndSayWhatToDo() {
        String upgrade = "upg-bad";
        StepFailed unknown = assertInstanceOf(StepFailed.class, answer(send(upgrade,
                enable(upgrade, ref("no-such-cluster", Engine.AURORA_POSTGRESQL)))));
        assertEquals(FailureReason.NOT_FOUND, unknown.getReason());
        assertEquals("DBClusterNotFoundFault", unknown.getErrorCode());
        assertFalse(unknown.getRetryable());
        assertTrue(unknown.getMessage().contains("no-such-cluster") && unknown.getMessage().contains("check"),
                unknown.getMessage());

        createRdsBlue("bad-rds");
        ClusterRef blue = ref("bad-rds", Engine.POSTGRES);
        StepFailed badName = assertInstanceOf(StepFailed.class, answer(send(upgrade, new CloneCluster(upgrade,
                UUID.randomUUID().toString(), 1, Instant.now(), blue, "not_a valid--name!", CloneMethod.RDS_SNAPSHOT, null, null))));
        assertEquals(FailureReason.INVALID_REQUEST, badName.getReason());
        assertNotNull(badName.getErrorCode());
        assertTrue(badName.getErrorCode().startsWith("InvalidParameter"), badName.getErrorCode());

        StepFailed noVersion = assertInstanceOf(StepFailed.class, answer(send(upgrade, new UpgradeEngine(upgrade,
                UUID.randomUUID().toString(), 1, Instant.now(), blue, "99.1", null))));
        assertEquals(FailureReason.INVALID_REQUEST, noVersion.getReason());
        assertNotNull(noVersion.getErrorCode());
        assertTrue(noVersion.getMessage().contains("fix the plan"), noVersion.getMessage());
        assertTrue(!noVersion.getMessage().contains(PASSWORD) && !badName.getMessage().contains(PASSWORD));
    }

    @Test
    void faultsAwsProducesAreRetriedWhenWorthItAndFailClearlyOtherwise() {
        String upgrade = "upg-faults";
        createRdsBlue("faulty-rds");
        ClusterRef blue = ref("faulty-rds", Engine.POSTGRES);
        var faults = emulator.faults();
        faults.inject("CreateDBSnapshot", io.bluegreen.local.rds.InjectedFaults.Fault.throttling(), 3);
        faults.inject("CreateDBSnapshot", io.bluegreen.local.rds.InjectedFaults.Fault.invalidInstanceState(), 2);
        faults.inject("DescribeDBInstances", io.bluegreen.local.rds.InjectedFaults.Fault.slow(Duration.ofMillis(700)), 2);
        faults.slowTransition("RestoreDBInstanceFromDBSnapshot", Duration.ofSeconds(4), 1);
        String cloneId = send(upgrade, new CloneCluster(upgrade, UUID.randomUUID().toString(), 1, Instant.now(), blue,
                "faulty-rds-green", CloneMethod.RDS_SNAPSHOT, null, null));
        ClusterReady green = assertInstanceOf(ClusterReady.class, answer(cloneId));
        assertEquals("faulty-rds-green", green.getCluster().getIdentifier());
        assertEquals(1, faults.slowTransitionsUsed("RestoreDBInstanceFromDBSnapshot"));
        assertTrue(results.get(cloneId).stream().filter(r -> r instanceof StepInProgress)
                .anyMatch(r -> String.valueOf(((StepInProgress) r).getDetail()).contains("faulty-rds-green is creating")),
                "a slow restore is waited for, and the wait is reported: " + results.get(cloneId));
        assertEquals(5, faults.used("CreateDBSnapshot"), "throttled three times and busy twice, then cloned");
        assertEquals(2, faults.used("DescribeDBInstances"), "slow answers are waited for");

        faults.inject("RestoreDBInstanceFromDBSnapshot",
                io.bluegreen.local.rds.InjectedFaults.Fault.quotaExceeded("InstanceQuotaExceeded"), 1);
        StepFailed quota = assertInstanceOf(StepFailed.class, answer(send(upgrade, new CloneCluster(upgrade,
                UUID.randomUUID().toString(), 1, Instant.now(), blue, "faulty-rds-green-2", CloneMethod.RDS_SNAPSHOT, null, null))));
        assertEquals(FailureReason.QUOTA_EXCEEDED, quota.getReason());
        assertEquals("InstanceQuotaExceeded", quota.getErrorCode());
        assertFalse(quota.getRetryable(), "no retry raises a quota");
        assertTrue(quota.getMessage().contains("raise the account quota"), quota.getMessage());
        assertEquals(1, faults.used("RestoreDBInstanceFromDBSnapshot"));
    }

    @Test
    void bluesOwnGroupWithLogicalReplicationOnIsKeptAndBlueIsNotRebooted() {
        String upgrade = "upg-own-group";
        rds.createDBParameterGroup(r -> r.dbParameterGroupName("tuned-pg16").dbParameterGroupFamily("postgres16")
                .description("Blue's own tuning"));
        rds.modifyDBParameterGroup(r -> r.dbParameterGroupName("tuned-pg16").parameters(
                Parameter.builder().parameterName("rds.logical_replication")
                        .parameterValue("1").applyMethod("pending-reboot").build(),
                Parameter.builder().parameterName("work_mem")
                        .parameterValue("65536").applyMethod("immediate").build()));
        rds.createDBInstance(r -> r.dbInstanceIdentifier("tuned-rds").engine("postgres").engineVersion("16.15")
                .dbInstanceClass("db.t3.medium").allocatedStorage(20).masterUsername(MASTER).masterUserPassword(PASSWORD)
                .dbParameterGroupName("tuned-pg16"));
        awaitInstanceAvailable("tuned-rds");
        StepSucceeded kept = assertInstanceOf(StepSucceeded.class, answer(send(upgrade, enable(upgrade,
                ref("tuned-rds", Engine.POSTGRES)))));
        assertTrue(kept.getAlreadyDone(), "nothing was changed");
        assertTrue(kept.getSummary().contains("no reboot"), kept.getSummary());
        var blue = rds.describeDBInstances(r -> r.dbInstanceIdentifier("tuned-rds")).dbInstances().get(0);
        assertEquals("tuned-pg16", blue.dbParameterGroups().get(0).dbParameterGroupName(), "Blue keeps its own group");
        assertEquals("available", blue.dbInstanceStatus(), "and was not rebooted");
    }

    private static Parameter parameter(String name, String value) {
        return Parameter.builder().parameterName(name).parameterValue(value).applyMethod("pending-reboot").build();
    }

    private static Map<String, String> userParameters(String group) {
        Map<String, String> values = new java.util.TreeMap<>();
        rds.describeDBParametersPaginator(r -> r.dbParameterGroupName(group).source("user")).parameters()
                .forEach(p -> values.put(p.parameterName(), p.parameterValue()));
        return values;
    }

    private static Map<String, String> tags(List<Tag> tags) {
        Map<String, String> map = new java.util.TreeMap<>();
        tags.forEach(t -> map.put(t.key(), t.value()));
        return map;
    }

    private static String startTime(DBInstance instance) throws Exception {
        return query(instance.endpoint().address(), instance.endpoint().port(), "SELECT pg_postmaster_start_time()::text");
    }

    @Test
    void blueIsRebootedOnlyWhenThePlanAllowsItAndKeepsItsTunedParametersInTheCopy() throws Exception {
        String upgrade = "upg-tuned";
        rds.createDBParameterGroup(r -> r.dbParameterGroupName("shop-pg16").dbParameterGroupFamily("postgres16")
                .description("Blue's own tuning, logical replication off"));
        rds.modifyDBParameterGroup(r -> r.dbParameterGroupName("shop-pg16").parameters(parameter("work_mem", "65536"),
                parameter("log_min_duration_statement", "500"), parameter("old_snapshot_threshold", "60")));
        rds.createDBInstance(r -> r.dbInstanceIdentifier("shop-rds").engine("postgres").engineVersion("16.15")
                .dbInstanceClass("db.t3.medium").allocatedStorage(20).masterUsername(MASTER).masterUserPassword(PASSWORD)
                .dbParameterGroupName("shop-pg16"));
        awaitInstanceAvailable("shop-rds");
        DBInstance before = rds.describeDBInstances(r -> r.dbInstanceIdentifier("shop-rds")).dbInstances().get(0);
        String started = startTime(before);
        ClusterRef blue = ref("shop-rds", Engine.POSTGRES);

        StepFailed refused = assertInstanceOf(StepFailed.class, answer(send(upgrade, enable(upgrade, blue, false))));
        assertEquals(FailureReason.PRECONDITION_FAILED, refused.getReason());
        assertFalse(refused.getRetryable());
        assertTrue(refused.getMessage().contains("allowBlueReboot: true") && refused.getMessage().contains("shop-pg16")
                && refused.getMessage().contains("Nothing was changed"), refused.getMessage());
        DBInstance untouched = rds.describeDBInstances(r -> r.dbInstanceIdentifier("shop-rds")).dbInstances().get(0);
        assertEquals("shop-pg16", untouched.dbParameterGroups().get(0).dbParameterGroupName(), "Blue keeps its group");
        assertEquals(started, startTime(untouched), "Blue was not restarted");
        assertEquals("replica", query(before.endpoint().address(), before.endpoint().port(), "SHOW wal_level"));
        assertTrue(rds.describeDBParameterGroups().dbParameterGroups().stream()
                .noneMatch(g -> g.dbParameterGroupName().equals("bluegreen-shop-rds-logical")), "no copy was made");

        StepSucceeded enabled = assertInstanceOf(StepSucceeded.class, answer(send(upgrade, enable(upgrade, blue, true))));
        assertEquals("bluegreen-shop-rds-logical", enabled.getDetails().get("parameterGroup"));
        DBInstance after = rds.describeDBInstances(r -> r.dbInstanceIdentifier("shop-rds")).dbInstances().get(0);
        assertEquals("bluegreen-shop-rds-logical", after.dbParameterGroups().get(0).dbParameterGroupName());
        assertEquals("in-sync", after.dbParameterGroups().get(0).parameterApplyStatus());
        assertEquals("logical", query(after.endpoint().address(), after.endpoint().port(), "SHOW wal_level"),
                "rebooted once, as allowed");
        assertEquals(Map.of("work_mem", "65536", "log_min_duration_statement", "500", "old_snapshot_threshold", "60",
                "rds.logical_replication", "1"), userParameters("bluegreen-shop-rds-logical"), "every tuned parameter kept");
        String copyArn = rds.describeDBParameterGroups(r -> r.dbParameterGroupName("bluegreen-shop-rds-logical"))
                .dbParameterGroups().get(0).dbParameterGroupArn();
        assertEquals(upgrade, tags(rds.listTagsForResource(r -> r.resourceName(copyArn)).tagList())
                .get("bluegreen:upgrade-id"), "the copy says which upgrade made it");

        // Green of the target family carries what exists there, and says what it left behind
        CloneCluster clone = new CloneCluster(upgrade, UUID.randomUUID().toString(), 1, Instant.now(), blue,
                "shop-rds-green", CloneMethod.RDS_SNAPSHOT, null, null);
        ClusterReady green = assertInstanceOf(ClusterReady.class, answer(send(upgrade, clone)));
        assertEquals("bluegreen-shop-rds-logical", rds.describeDBInstances(r -> r.dbInstanceIdentifier("shop-rds-green"))
                .dbInstances().get(0).dbParameterGroups().get(0).dbParameterGroupName(), "Green starts with Blue's group");
        EngineUpgraded upgraded = assertInstanceOf(EngineUpgraded.class, answer(send(upgrade, new UpgradeEngine(upgrade,
                UUID.randomUUID().toString(), 1, Instant.now(), green.getCluster(), "17.11", null))));
        assertEquals(List.of("old_snapshot_threshold"), upgraded.getDroppedParameters(), "PostgreSQL 17 has no such parameter");
        DBInstance upgradedGreen = rds.describeDBInstances(r -> r.dbInstanceIdentifier("shop-rds-green")).dbInstances().get(0);
        assertEquals("bluegreen-shop-rds-green", upgradedGreen.dbParameterGroups().get(0).dbParameterGroupName());
        assertEquals("postgres17", rds.describeDBParameterGroups(r -> r.dbParameterGroupName("bluegreen-shop-rds-green"))
                .dbParameterGroups().get(0).dbParameterGroupFamily());
        assertEquals(Map.of("work_mem", "65536", "log_min_duration_statement", "500", "rds.logical_replication", "1"),
                userParameters("bluegreen-shop-rds-green"));
        assertEquals("logical", query(upgradedGreen.endpoint().address(), upgradedGreen.endpoint().port(), "SHOW wal_level"));

        // rolled back: Green, its seed snapshot and its target group go; Blue's group copy stays attached to Blue
        assertInstanceOf(StepSucceeded.class, answer(send(upgrade, new DeleteCluster(upgrade, UUID.randomUUID().toString(),
                1, Instant.now(), upgraded.getCluster(), green.getSnapshots()))));
        assertTrue(rds.describeDBParameterGroups().dbParameterGroups().stream()
                .noneMatch(g -> g.dbParameterGroupName().equals("bluegreen-shop-rds-green")), "no stray parameter group");
        assertTrue(rds.describeDBSnapshots().dbSnapshots().stream()
                .noneMatch(snap -> snap.dbSnapshotIdentifier().equals("shop-rds-green-seed")), "no stray snapshot");
    }

    @Test
    void greenTakesBluesNetworkKeyTagsProtectionMonitoringAndBackupsAndIsDeletedOnlyByItsUpgrade() throws Exception {
        String upgrade = "upg-settings";
        rds.createDBInstance(r -> r.dbInstanceIdentifier("crm-rds").engine("postgres").engineVersion("16.15")
                .dbInstanceClass("db.r6g.large").allocatedStorage(20).masterUsername(MASTER).masterUserPassword(PASSWORD)
                .dbSubnetGroupName("crm-private").vpcSecurityGroupIds("sg-0a1b2c3d", "sg-0e0f1011")
                .storageEncrypted(true).kmsKeyId("arn:aws:kms:eu-west-1:123456789012:key/crm-key")
                .tags(Tag.builder().key("team").value("crm").build(), Tag.builder().key("cost-centre").value("42").build())
                .deletionProtection(true).copyTagsToSnapshot(true).multiAZ(true).backupRetentionPeriod(14)
                .monitoringInterval(60).monitoringRoleArn("arn:aws:iam::123456789012:role/rds-monitoring")
                .enablePerformanceInsights(true).performanceInsightsRetentionPeriod(7));
        awaitInstanceAvailable("crm-rds");
        ClusterRef blue = ref("crm-rds", Engine.POSTGRES);
        assertInstanceOf(StepSucceeded.class, answer(send(upgrade, enable(upgrade, blue))));

        ClusterReady green = assertInstanceOf(ClusterReady.class, answer(send(upgrade, new CloneCluster(upgrade,
                UUID.randomUUID().toString(), 1, Instant.now(), blue, "crm-rds-green", CloneMethod.RDS_SNAPSHOT, null, null))));
        DBInstance b = rds.describeDBInstances(r -> r.dbInstanceIdentifier("crm-rds")).dbInstances().get(0);
        DBInstance g = rds.describeDBInstances(r -> r.dbInstanceIdentifier("crm-rds-green")).dbInstances().get(0);
        assertEquals(b.dbInstanceClass(), g.dbInstanceClass());
        assertEquals("crm-private", g.dbSubnetGroup().dbSubnetGroupName());
        assertEquals(List.of("sg-0a1b2c3d", "sg-0e0f1011"), g.vpcSecurityGroups().stream()
                .map(software.amazon.awssdk.services.rds.model.VpcSecurityGroupMembership::vpcSecurityGroupId).sorted().toList());
        assertEquals(b.kmsKeyId(), g.kmsKeyId());
        assertTrue(g.storageEncrypted());
        assertTrue(g.deletionProtection());
        assertTrue(g.copyTagsToSnapshot());
        assertTrue(g.multiAZ());
        assertEquals(14, g.backupRetentionPeriod());
        assertEquals(60, g.monitoringInterval());
        assertEquals(b.monitoringRoleArn(), g.monitoringRoleArn());
        assertTrue(g.performanceInsightsEnabled());
        assertEquals(7, g.performanceInsightsRetentionPeriod());
        Map<String, String> greenTags = tags(g.tagList());
        assertEquals("crm", greenTags.get("team"));
        assertEquals("42", greenTags.get("cost-centre"));
        assertEquals(upgrade, greenTags.get("bluegreen:upgrade-id"));
        assertEquals(upgrade, tags(rds.describeDBSnapshots(r -> r.dbSnapshotIdentifier("crm-rds-green-seed"))
                .dbSnapshots().get(0).tagList()).get("bluegreen:upgrade-id"), "the seed snapshot is the upgrade's too");

        // another upgrade naming the same Green neither adopts it nor deletes it
        StepFailed adopt = assertInstanceOf(StepFailed.class, answer(send("upg-other", new CloneCluster("upg-other",
                UUID.randomUUID().toString(), 1, Instant.now(), blue, "crm-rds-green", CloneMethod.RDS_SNAPSHOT, null, null))));
        assertEquals(FailureReason.PRECONDITION_FAILED, adopt.getReason());
        assertTrue(adopt.getMessage().contains("neither adopts nor changes it"), adopt.getMessage());
        StepFailed foreign = assertInstanceOf(StepFailed.class, answer(send("upg-other", new DeleteCluster("upg-other",
                UUID.randomUUID().toString(), 1, Instant.now(), green.getCluster(), List.of()))));
        assertEquals(FailureReason.PRECONDITION_FAILED, foreign.getReason());
        StepFailed blueItself = assertInstanceOf(StepFailed.class, answer(send(upgrade, new DeleteCluster(upgrade,
                UUID.randomUUID().toString(), 1, Instant.now(), blue, List.of()))));
        assertEquals(FailureReason.PRECONDITION_FAILED, blueItself.getReason(), "Blue is never the upgrade's to delete");
        assertEquals("available", rds.describeDBInstances(r -> r.dbInstanceIdentifier("crm-rds")).dbInstances().get(0)
                .dbInstanceStatus());

        // its own upgrade rolls back: the inherited deletion protection is turned off, then Green goes
        assertInstanceOf(StepSucceeded.class, answer(send(upgrade, new DeleteCluster(upgrade, UUID.randomUUID().toString(),
                1, Instant.now(), green.getCluster(), green.getSnapshots()))));
        assertTrue(rds.describeDBInstances().dbInstances().stream().noneMatch(i -> i.dbInstanceIdentifier().equals("crm-rds-green")));
        assertTrue(rds.describeDBInstances(r -> r.dbInstanceIdentifier("crm-rds")).dbInstances().get(0).deletionProtection(),
                "Blue's own protection is untouched");
    }

    @Test
    void anUpgradeRdsGivesUpFailsTheStepClearlyAndARetryUpgrades() {
        String upgrade = "upg-gave-up";
        createRdsBlue("gaveup-rds");
        ClusterRef blue = ref("gaveup-rds", Engine.POSTGRES);
        ClusterReady green = assertInstanceOf(ClusterReady.class, answer(send(upgrade, new CloneCluster(upgrade,
                UUID.randomUUID().toString(), 1, Instant.now(), blue, "gaveup-rds-green", CloneMethod.RDS_SNAPSHOT, null, null))));
        emulator.faults().failTransition("ModifyDBInstance", "pg_upgrade: the old cluster has an unsupported object", 1);
        StepFailed gaveUp = assertInstanceOf(StepFailed.class, answer(send(upgrade, new UpgradeEngine(upgrade,
                UUID.randomUUID().toString(), 1, Instant.now(), green.getCluster(), "17.11", null))));
        assertEquals(1, emulator.faults().failedTransitionsUsed("ModifyDBInstance"));
        assertEquals(FailureReason.PRECONDITION_FAILED, gaveUp.getReason());
        assertFalse(gaveUp.getRetryable());
        assertTrue(gaveUp.getMessage().contains("RDS did not upgrade gaveup-rds-green to 17.11")
                && gaveUp.getMessage().contains("available again at 16.15"), gaveUp.getMessage());
        EngineUpgraded upgraded = assertInstanceOf(EngineUpgraded.class, answer(send(upgrade, new UpgradeEngine(upgrade,
                UUID.randomUUID().toString(), 2, Instant.now(), green.getCluster(), "17.11", null))));
        assertEquals("17.11", upgraded.getEngineVersion(), "asked again once the cause is gone, it upgrades");
    }

    /**
     * After a switchover with the rename repoint: the swap reads old Blue's endpoint back; the upgrade's seed snapshot is
     * deleted (a snapshot of the user's own is kept); old Blue with the user's deletion protection on is refused, then,
     * once the user turned it off, deleted with an available final snapshot. Each command asked again does nothing twice.
     */
    @Test
    void afterTheSwitchoverTheSeedIsDeletedAndOldBlueRetiredWithAFinalSnapshotUnlessProtected() throws Exception {
        String upgrade = "upg-retire";
        rds.createDBInstance(r -> r.dbInstanceIdentifier("ledger-rds").engine("postgres").engineVersion("16.15")
                .dbInstanceClass("db.t3.medium").allocatedStorage(20).masterUsername(MASTER).masterUserPassword(PASSWORD)
                .deletionProtection(true));
        awaitInstanceAvailable("ledger-rds");
        ClusterRef blue = ref("ledger-rds", Engine.POSTGRES);
        assertInstanceOf(StepSucceeded.class, answer(send(upgrade, enable(upgrade, blue))));
        ClusterReady green = assertInstanceOf(ClusterReady.class, answer(send(upgrade, new CloneCluster(upgrade,
                UUID.randomUUID().toString(), 1, Instant.now(), blue, "ledger-rds-green", CloneMethod.RDS_SNAPSHOT, null, null))));
        assertEquals(List.of("ledger-rds-green-seed"), green.getSnapshots());
        rds.createDBSnapshot(r -> r.dbInstanceIdentifier("ledger-rds").dbSnapshotIdentifier("ledger-rds-own"));
        await().atMost(Duration.ofMinutes(2)).until(() -> rds.describeDBSnapshots(r -> r.dbSnapshotIdentifier("ledger-rds-own"))
                .dbSnapshots().get(0).status().equals("available"));

        EndpointsSwapped swapped = assertInstanceOf(EndpointsSwapped.class, answer(send(upgrade, new SwapEndpoints(upgrade,
                UUID.randomUUID().toString(), 1, Instant.now(), blue, green.getCluster(), true))));
        DBInstance old = rds.describeDBInstances(r -> r.dbInstanceIdentifier("ledger-rds-old")).dbInstances().get(0);
        assertEquals("ledger-rds-old", swapped.getOldBlueIdentifier());
        assertEquals(old.endpoint().address(), swapped.getOldBlueHost(), "old Blue's endpoint as described after the rename");
        assertEquals(old.endpoint().port(), swapped.getOldBluePort());
        assertEquals("16", query(swapped.getOldBlueHost(), swapped.getOldBluePort(), "SHOW server_version_num").substring(0, 2),
                "old Blue's endpoint reaches old Blue");

        List<String> snapshots = List.of("ledger-rds-green-seed", "ledger-rds-own", "never-taken");
        StepSucceeded cleaned = assertInstanceOf(StepSucceeded.class, answer(send(upgrade, new DeleteUpgradeSnapshots(upgrade,
                UUID.randomUUID().toString(), 1, Instant.now(), green.getCluster(), snapshots))));
        assertFalse(cleaned.getAlreadyDone());
        assertEquals("ledger-rds-green-seed", cleaned.getDetails().get("deleted"));
        assertEquals("ledger-rds-own", cleaned.getDetails().get("kept"), "not carrying the upgrade's tag: not ours");
        List<String> left = rds.describeDBSnapshots().dbSnapshots().stream().map(s -> s.dbSnapshotIdentifier()).toList();
        assertFalse(left.contains("ledger-rds-green-seed"), left.toString());
        assertTrue(left.contains("ledger-rds-own"), left.toString());
        StepSucceeded again = assertInstanceOf(StepSucceeded.class, answer(send(upgrade, new DeleteUpgradeSnapshots(upgrade,
                UUID.randomUUID().toString(), 2, Instant.now(), green.getCluster(), snapshots))));
        assertTrue(again.getAlreadyDone(), "what is gone counts as deleted");

        ClusterRef oldBlue = ClusterRef.newBuilder(blue).setIdentifier("ledger-rds-old").setHost(swapped.getOldBlueHost())
                .setPort(swapped.getOldBluePort()).build();
        String finalSnapshot = "ledger-rds-old-final-upg-retire";
        StepFailed protectedBlue = assertInstanceOf(StepFailed.class, answer(send(upgrade, new RetireOldBlue(upgrade,
                UUID.randomUUID().toString(), 1, Instant.now(), oldBlue, finalSnapshot))));
        assertEquals(FailureReason.PRECONDITION_FAILED, protectedBlue.getReason());
        assertFalse(protectedBlue.getRetryable());
        assertTrue(protectedBlue.getMessage().contains("has deletion protection on")
                && protectedBlue.getMessage().contains("--no-deletion-protection"), protectedBlue.getMessage());
        DBInstance kept = rds.describeDBInstances(r -> r.dbInstanceIdentifier("ledger-rds-old")).dbInstances().get(0);
        assertTrue(kept.deletionProtection(), "the user's protection is never turned off by bluegreen");
        assertEquals("available", kept.dbInstanceStatus());
        StepFailed greenRefused = assertInstanceOf(StepFailed.class, answer(send(upgrade, new RetireOldBlue(upgrade,
                UUID.randomUUID().toString(), 1, Instant.now(), blue, "ledger-rds-final-upg-retire"))));
        assertTrue(greenRefused.getMessage().contains("it is Green, not old Blue"), greenRefused.getMessage());

        rds.modifyDBInstance(r -> r.dbInstanceIdentifier("ledger-rds-old").deletionProtection(false).applyImmediately(true));
        awaitInstanceAvailable("ledger-rds-old");
        OldBlueRetired retired = assertInstanceOf(OldBlueRetired.class, answer(send(upgrade, new RetireOldBlue(upgrade,
                UUID.randomUUID().toString(), 2, Instant.now(), oldBlue, finalSnapshot))));
        assertEquals(finalSnapshot, retired.getFinalSnapshotIdentifier());
        assertFalse(retired.getAlreadyDone());
        assertTrue(rds.describeDBInstances().dbInstances().stream().noneMatch(i -> i.dbInstanceIdentifier().equals("ledger-rds-old")),
                "old Blue is gone");
        assertEquals("available", rds.describeDBSnapshots(r -> r.dbSnapshotIdentifier(finalSnapshot)).dbSnapshots().get(0)
                .status());
        assertEquals("ledger-rds-old", rds.describeDBSnapshots(r -> r.dbSnapshotIdentifier(finalSnapshot)).dbSnapshots()
                .get(0).dbInstanceIdentifier());
        OldBlueRetired twice = assertInstanceOf(OldBlueRetired.class, answer(send(upgrade, new RetireOldBlue(upgrade,
                UUID.randomUUID().toString(), 3, Instant.now(), oldBlue, finalSnapshot))));
        assertTrue(twice.getAlreadyDone(), "asked again: nothing is deleted twice");
        assertEquals("available", rds.describeDBInstances(r -> r.dbInstanceIdentifier("ledger-rds")).dbInstances().get(0)
                .dbInstanceStatus(), "Green, under Blue's name, is untouched");
    }

    /** Aurora: old Blue's instances go first, then the cluster with a final cluster snapshot. */
    @Test
    void oldAuroraBlueIsRetiredInstancesFirstThenTheClusterWithAFinalClusterSnapshot() {
        String upgrade = "upg-retire-aurora";
        createAuroraBlue("archive-aurora");
        ClusterRef oldBlue = ref("archive-aurora", Engine.AURORA_POSTGRESQL);
        String finalSnapshot = "archive-aurora-final-upg-retire-aurora";
        OldBlueRetired retired = assertInstanceOf(OldBlueRetired.class, answer(send(upgrade, new RetireOldBlue(upgrade,
                UUID.randomUUID().toString(), 1, Instant.now(), oldBlue, finalSnapshot))));
        assertEquals(finalSnapshot, retired.getFinalSnapshotIdentifier());
        assertTrue(rds.describeDBClusters().dbClusters().stream().noneMatch(c -> c.dbClusterIdentifier().equals("archive-aurora")));
        assertTrue(rds.describeDBInstances().dbInstances().stream().noneMatch(i -> i.dbInstanceIdentifier().startsWith("archive-aurora")));
        assertEquals("available", rds.describeDBClusterSnapshots(r -> r.dbClusterSnapshotIdentifier(finalSnapshot))
                .dbClusterSnapshots().get(0).status());
    }
}
