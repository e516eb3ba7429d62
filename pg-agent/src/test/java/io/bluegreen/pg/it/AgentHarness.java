package io.bluegreen.pg.it;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.ThrowableProxyUtil;
import ch.qos.logback.core.read.ListAppender;
import io.bluegreen.local.postgres.LocalPostgres;
import io.bluegreen.local.testbed.TestBed;
import io.bluegreen.pg.replication.ObjectNames;
import io.bluegreen.schemas.Topics;
import io.bluegreen.schemas.common.ClusterRef;
import io.bluegreen.schemas.common.DatabaseTarget;
import io.bluegreen.schemas.common.Engine;
import io.bluegreen.schemas.common.ReplicationNames;
import io.bluegreen.schemas.common.Role;
import io.bluegreen.schemas.serde.AvroMessageDeserializer;
import io.bluegreen.schemas.serde.AvroMessageSerializer;
import org.apache.avro.specific.SpecificRecord;
import org.apache.avro.specific.SpecificRecordBase;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.slf4j.LoggerFactory;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertFalse;

/**
 * Talks to the running pg-agent the way the coordinator does: commands through a plain KafkaProducer with
 * the Avro serializer onto {@value Topics#PG_COMMANDS}, results read back from {@value Topics#RESULTS}. Also
 * captures every log line of the JVM and every result seen, so a test can prove no secret leaked.
 */
public final class AgentHarness implements AutoCloseable {

    public static final String BLUE_REF = "blue";
    public static final String GREEN_REF = "green";

    private static final ListAppender<ILoggingEvent> LOG_LINES = new ListAppender<>();

    static {
        Logger root = (Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
        LOG_LINES.setContext(root.getLoggerContext());
        LOG_LINES.start();
        root.addAppender(LOG_LINES);
    }

    private final String upgradeId = "upgrade-" + UUID.randomUUID();
    private final KafkaProducer<String, SpecificRecord> producer;
    private final KafkaConsumer<String, SpecificRecord> consumer;
    private final Map<String, List<SpecificRecord>> results = new HashMap<>();
    private final List<SpecificRecord> seen = new CopyOnWriteArrayList<>();

    public AgentHarness() {
        String bootstrap = TestBed.shared().kafka().bootstrapServers();
        producer = new KafkaProducer<>(Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                ProducerConfig.ACKS_CONFIG, "all"), new StringSerializer(), new AvroMessageSerializer<>());
        consumer = new KafkaConsumer<>(Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false), new StringDeserializer(), new AvroMessageDeserializer<>());
        List<TopicPartition> partitions = consumer.partitionsFor(Topics.RESULTS, Duration.ofSeconds(30)).stream()
                .map(p -> new TopicPartition(p.topic(), p.partition())).toList();
        consumer.assign(partitions);
        consumer.seekToEnd(partitions);
        partitions.forEach(consumer::position);
    }

    /** Properties every agent under test gets: the broker and the two shared servers' credentials. */
    public static Map<String, String> agentProperties() {
        LocalPostgres blue = TestBed.shared().postgres(16);
        LocalPostgres green = TestBed.shared().postgres(17);
        Map<String, String> properties = new HashMap<>();
        properties.put("kafka.bootstrap.servers", TestBed.shared().kafka().bootstrapServers());
        properties.put("micronaut.server.port", "-1");
        properties.put("bluegreen.topics.partitions", "3");
        properties.put("bluegreen.pg.retry.initial-backoff", "50ms");
        properties.put("bluegreen.pg.retry.max-attempts", "3");
        properties.put("bluegreen.credentials." + BLUE_REF + ".username", blue.superuser());
        properties.put("bluegreen.credentials." + BLUE_REF + ".password", blue.password());
        properties.put("bluegreen.credentials." + BLUE_REF + ".hosts", "127.0.0.1,localhost");
        properties.put("bluegreen.credentials." + GREEN_REF + ".username", green.superuser());
        properties.put("bluegreen.credentials." + GREEN_REF + ".password", green.password());
        properties.put("bluegreen.credentials." + GREEN_REF + ".hosts", "127.0.0.1,localhost");
        return properties;
    }

    public String upgradeId() {
        return upgradeId;
    }

    public static DatabaseTarget target(LocalPostgres server, String credentialsRef, String database, Role role) {
        return new DatabaseTarget(new ClusterRef(null, null, Engine.POSTGRES, server.host(), server.port(), credentialsRef),
                database, role);
    }

    public static DatabaseTarget blue(String database) {
        return target(TestBed.shared().postgres(16), BLUE_REF, database, Role.BLUE);
    }

    public static DatabaseTarget green(String database) {
        return target(TestBed.shared().postgres(17), GREEN_REF, database, Role.GREEN);
    }

    public static ReplicationNames names(String database) {
        return ObjectNames.forDatabase(null, database);
    }

    /** Fills upgradeId, a fresh commandId, attempt 1 and occurredAt into a command being built. */
    public <T extends SpecificRecordBase> T command(T command) {
        command.put("upgradeId", upgradeId);
        command.put("commandId", "cmd-" + UUID.randomUUID());
        command.put("attempt", 1);
        command.put("occurredAt", Instant.now());
        return command;
    }

    /** Sends the command and waits for the first result that answers it. */
    @SuppressWarnings("unchecked")
    public <R extends SpecificRecord> R send(SpecificRecordBase command) {
        return (R) sendAll(command, 1).get(0);
    }

    /** Sends the command and waits until {@code count} results answer its command id. */
    public List<SpecificRecord> sendAll(SpecificRecordBase command, int count) {
        String commandId = String.valueOf(command.get("commandId"));
        int before = results.getOrDefault(commandId, List.of()).size();
        try {
            producer.send(new ProducerRecord<>(Topics.PG_COMMANDS, upgradeId, command)).get();
        } catch (Exception e) {
            throw new IllegalStateException("could not send " + command.getSchema().getName(), e);
        }
        await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ZERO).until(() -> {
            poll();
            return results.getOrDefault(commandId, List.of()).size() >= before + count;
        });
        List<SpecificRecord> answers = results.get(commandId);
        return new ArrayList<>(answers.subList(before, before + count));
    }

    private void poll() {
        for (ConsumerRecord<String, SpecificRecord> record : consumer.poll(Duration.ofMillis(100))) {
            SpecificRecordBase result = (SpecificRecordBase) record.value();
            seen.add(result);
            results.computeIfAbsent(String.valueOf(result.get("causationId")), k -> new ArrayList<>()).add(result);
        }
    }

    /**
     * Publication and slot on Blue, subscription on Green on that slot, without copying data (rows committed after the
     * slot arrive): every step must succeed.
     */
    public void replicate(String database) {
        var publication = command(new io.bluegreen.schemas.command.pg.CreatePublication());
        publication.setTarget(blue(database));
        publication.setNames(names(database));
        expectSuccess(send(publication));
        var slot = command(new io.bluegreen.schemas.command.pg.CreateSlot());
        slot.setTarget(blue(database));
        slot.setNames(names(database));
        expectSuccess(send(slot));
        var subscribe = command(new io.bluegreen.schemas.command.pg.CreateSubscription());
        subscribe.setTarget(green(database));
        subscribe.setSource(blue(database));
        subscribe.setNames(names(database));
        subscribe.setCopyData(false);
        subscribe.setCreateSlot(false);
        subscribe.setEnabled(true);
        expectSuccess(send(subscribe));
    }

    /** Fails with the result's text when it is a failure or still in progress. */
    public static <R extends SpecificRecord> R expectSuccess(R result) {
        if (result instanceof io.bluegreen.schemas.result.StepFailed || result instanceof io.bluegreen.schemas.result.StepInProgress) {
            throw new AssertionError("expected success, got " + result);
        }
        return result;
    }

    /** Fails when any result seen, any log line of this JVM or any server log holds one of the secrets. */
    public void assertNothingLeaks(List<String> secrets, List<LocalPostgres> servers) {
        List<String> texts = new ArrayList<>();
        seen.forEach(result -> texts.add(result.toString()));
        for (ILoggingEvent event : List.copyOf(LOG_LINES.list)) {
            texts.add(event.getFormattedMessage());
            if (event.getThrowableProxy() != null) {
                texts.add(ThrowableProxyUtil.asString(event.getThrowableProxy()));
            }
        }
        servers.forEach(server -> texts.add(server.readLog()));
        for (String secret : secrets) {
            for (String text : texts) {
                assertFalse(text.contains(secret), () -> "a secret leaked into: " + text.substring(0, Math.min(400, text.length())));
            }
        }
        assertFalse(texts.isEmpty());
    }

    /** Waits for a condition on a server; on timeout the failure shows the end of that server's log. */
    public static void awaitOn(LocalPostgres server, Duration atMost, java.util.concurrent.Callable<Boolean> condition) {
        try {
            await().atMost(atMost).pollInterval(Duration.ofMillis(20)).until(condition);
        } catch (org.awaitility.core.ConditionTimeoutException e) {
            String log = server.readLog();
            throw new AssertionError(e.getMessage() + "\n--- end of " + server + " log:\n"
                    + log.substring(Math.max(0, log.length() - 3000)), e);
        }
    }

    /**
     * An application writing as fast as it is acknowledged, one statement per commit, until a write fails; the
     * future holds that failure. Counts acknowledged writes.
     */
    public static java.util.concurrent.CompletableFuture<SQLException> writeUntilRefused(LocalPostgres server, String database,
                                                                                     String insert,
                                                                                     java.util.concurrent.atomic.AtomicLong acknowledged) {
        return java.util.concurrent.CompletableFuture.supplyAsync(() -> {
            try (Connection connection = server.connect(database); Statement statement = connection.createStatement()) {
                while (true) {
                    statement.executeUpdate(insert);
                    acknowledged.incrementAndGet();
                }
            } catch (SQLException e) {
                return e;
            }
        });
    }

    /** Runs statements on a server's database as its superuser. */
    public static void sql(LocalPostgres server, String database, String... statements) {
        try (Connection connection = server.connect(database); Statement statement = connection.createStatement()) {
            for (String sql : statements) {
                statement.execute(sql);
            }
        } catch (SQLException e) {
            throw new IllegalStateException("on " + server + "/" + database + ": " + e.getMessage(), e);
        }
    }

    public static long number(LocalPostgres server, String database, String query) {
        try (Connection connection = server.connect(database); Statement statement = connection.createStatement()) {
            var rs = statement.executeQuery(query);
            rs.next();
            return rs.getLong(1);
        } catch (SQLException e) {
            throw new IllegalStateException("on " + server + "/" + database + ": " + e.getMessage(), e);
        }
    }

    public static String text(LocalPostgres server, String database, String query) {
        try (Connection connection = server.connect(database); Statement statement = connection.createStatement()) {
            var rs = statement.executeQuery(query);
            rs.next();
            return rs.getString(1);
        } catch (SQLException e) {
            throw new IllegalStateException("on " + server + "/" + database + ": " + e.getMessage(), e);
        }
    }

    /** A fresh database on both shared servers (dropped first if a previous run left it). */
    public static void freshDatabase(String database) {
        for (LocalPostgres server : List.of(TestBed.shared().postgres(17), TestBed.shared().postgres(16))) {
            dropDatabase(server, database);
            server.createDatabase(database);
        }
    }

    public static void dropDatabase(LocalPostgres server, String database) {
        sql(server, "postgres",
                "SELECT pg_drop_replication_slot(slot_name) FROM pg_replication_slots WHERE database = '" + database
                        + "' AND NOT active");
        try (Connection connection = server.connect(database); Statement statement = connection.createStatement()) {
            var rs = statement.executeQuery("SELECT subname FROM pg_subscription s JOIN pg_database d ON d.oid = s.subdbid "
                    + "WHERE d.datname = current_database()");
            List<String> subs = new ArrayList<>();
            while (rs.next()) {
                subs.add(rs.getString(1));
            }
            for (String sub : subs) {
                statement.execute("ALTER SUBSCRIPTION \"" + sub + "\" DISABLE");
                statement.execute("ALTER SUBSCRIPTION \"" + sub + "\" SET (slot_name = NONE)");
                statement.execute("DROP SUBSCRIPTION \"" + sub + "\"");
            }
        } catch (SQLException e) {
            if (!"3D000".equals(e.getSQLState())) {
                throw new IllegalStateException(e);
            }
        }
        sql(server, "postgres", "DROP DATABASE IF EXISTS \"" + database + "\" WITH (FORCE)");
    }

    @Override
    public void close() {
        producer.close(Duration.ofSeconds(5));
        consumer.close(Duration.ofSeconds(5));
    }

    /** Credentials by reference for a test's own servers, bound to loopback as a configured agent's are. */
    public static io.bluegreen.runtime.credentials.CredentialsResolver onLoopback(
            java.util.function.Function<String, io.bluegreen.runtime.credentials.Credentials> byReference) {
        io.bluegreen.runtime.credentials.HostBinding loopback =
                new io.bluegreen.runtime.credentials.HostBinding(List.of("127.0.0.1", "localhost"));
        return new io.bluegreen.runtime.credentials.CredentialsResolver() {
            @Override
            public io.bluegreen.runtime.credentials.Credentials resolve(String reference) {
                return byReference.apply(reference);
            }

            @Override
            public io.bluegreen.runtime.credentials.Credentials resolveFor(String reference, String host) {
                if (!loopback.allows(host)) {
                    throw new io.bluegreen.runtime.credentials.CredentialsNotBoundException(reference, host, loopback);
                }
                return byReference.apply(reference);
            }
        };
    }
}
