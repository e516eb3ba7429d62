package io.bluegreen.local.kafka;

import io.bluegreen.local.support.FreePorts;
import io.bluegreen.local.support.Directories;
import kafka.server.KafkaConfig;
import kafka.server.KafkaRaftServer;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.utils.Time;
import org.apache.kafka.metadata.storage.Formatter;
import org.apache.kafka.server.common.Features;
import org.apache.kafka.server.common.MetadataVersion;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;

/**
 * A real single-node Kafka broker in KRaft mode (combined broker + controller), running in this JVM.
 *
 * <p>Both listeners bind to 127.0.0.1 on free ports. {@link #start()} formats a fresh storage directory,
 * starts the server and returns once the broker answers {@code describeCluster}. {@link #close()} stops the
 * server and deletes every directory it made; a JVM shutdown hook does the same if the owner forgets, so
 * non-daemon broker threads never keep a failed build alive.
 */
public final class EmbeddedKafka implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(EmbeddedKafka.class);

    private final Map<String, String> overrides;
    private Path directory;
    private KafkaRaftServer server;
    private KafkaConfig config;
    private String bootstrapServers;
    private Thread shutdownHook;
    private Duration startupTime = Duration.ZERO;

    public EmbeddedKafka() {
        this(Map.of());
    }

    /**
     * A broker that syncs every append to disk before acknowledging it, as the benchmarks measure (durable servers);
     * tests use the default, which leaves flushing to the operating system as a production broker relying on
     * replication does.
     */
    public static EmbeddedKafka durable() {
        return new EmbeddedKafka(Map.of("log.flush.interval.messages", "1"));
    }

    /** @param overrides broker settings laid over the defaults (e.g. {@code num.partitions}) */
    public EmbeddedKafka(Map<String, String> overrides) {
        this.overrides = Map.copyOf(overrides);
    }

    public synchronized EmbeddedKafka start() {
        if (server != null) {
            return this;
        }
        long began = System.nanoTime();
        try {
            directory = Files.createTempDirectory("bluegreen-kafka-");
            int brokerPort = FreePorts.next();
            int controllerPort = FreePorts.next();
            Path logDir = Files.createDirectories(directory.resolve("log"));
            Properties props = brokerProperties(brokerPort, controllerPort, logDir);
            format(props, logDir);
            config = KafkaConfig.fromProps(props, false);
            server = new KafkaRaftServer(config, Time.SYSTEM);
            shutdownHook = new Thread(this::stopQuietly, "embedded-kafka-shutdown");
            Runtime.getRuntime().addShutdownHook(shutdownHook);
            server.startup();
            bootstrapServers = "127.0.0.1:" + brokerPort;
            awaitReady(Duration.ofSeconds(60));
            startupTime = Duration.ofNanos(System.nanoTime() - began);
            LOG.info("Kafka broker (KRaft) ready at {} in {} ms", bootstrapServers, startupTime.toMillis());
            return this;
        } catch (Exception e) {
            stopQuietly();
            throw new IllegalStateException("Could not start the embedded Kafka broker in " + directory
                    + ": " + e.getMessage(), e);
        }
    }

    private Properties brokerProperties(int brokerPort, int controllerPort, Path logDir) {
        Properties props = new Properties();
        props.put("process.roles", "broker,controller");
        props.put("node.id", "1");
        props.put("controller.quorum.voters", "1@127.0.0.1:" + controllerPort);
        props.put("listeners", "PLAINTEXT://127.0.0.1:" + brokerPort + ",CONTROLLER://127.0.0.1:" + controllerPort);
        props.put("advertised.listeners", "PLAINTEXT://127.0.0.1:" + brokerPort);
        props.put("listener.security.protocol.map", "PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT");
        props.put("controller.listener.names", "CONTROLLER");
        props.put("inter.broker.listener.name", "PLAINTEXT");
        props.put("log.dirs", logDir.toString());
        props.put("offsets.topic.replication.factor", "1");
        props.put("offsets.topic.num.partitions", "4");
        props.put("transaction.state.log.replication.factor", "1");
        props.put("transaction.state.log.min.isr", "1");
        props.put("transaction.state.log.num.partitions", "4");
        props.put("group.initial.rebalance.delay.ms", "0");
        props.put("num.partitions", "3");
        props.put("auto.create.topics.enable", "false");
        props.put("num.network.threads", "2");
        props.put("num.io.threads", "4");
        props.put("background.threads", "2");
        props.putAll(overrides);
        return props;
    }

    private static void format(Properties props, Path logDir) throws Exception {
        ByteArrayOutputStream formatterOutput = new ByteArrayOutputStream();
        new Formatter()
                .setPrintStream(new PrintStream(formatterOutput, true))
                .setNodeId(1)
                .setClusterId(Uuid.randomUuid().toString())
                .addDirectory(logDir.toString())
                .setMetadataLogDirectory(logDir.toString())
                .setControllerListenerName("CONTROLLER")
                .setReleaseVersion(MetadataVersion.LATEST_PRODUCTION)
                .setSupportedFeatures(Features.PRODUCTION_FEATURES)
                .run();
    }

    private void awaitReady(Duration timeout) throws Exception {
        Map<String, Object> config = Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
                AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 5000);
        long deadline = System.nanoTime() + timeout.toNanos();
        try (Admin admin = Admin.create(config)) {
            while (true) {
                try {
                    if (!admin.describeCluster().nodes().get(5, TimeUnit.SECONDS).isEmpty()) {
                        return;
                    }
                } catch (Exception notYet) {
                    if (System.nanoTime() > deadline) {
                        throw notYet;
                    }
                }
                Thread.onSpinWait();
            }
        }
    }

    /**
     * Stops the broker and starts it again on the same ports and log directories, as a restarted broker process
     * would: clients see their connections drop and come back, every record and committed offset is kept.
     */
    public synchronized void restart() {
        if (server == null) {
            throw new IllegalStateException("The embedded Kafka broker is not started: call start() first");
        }
        long began = System.nanoTime();
        server.shutdown();
        server.awaitShutdown();
        server = new KafkaRaftServer(config, Time.SYSTEM);
        try {
            server.startup();
            awaitReady(Duration.ofSeconds(60));
        } catch (Exception e) {
            throw new IllegalStateException("The embedded Kafka broker in " + directory + " did not come back after a restart: "
                    + e.getMessage(), e);
        }
        LOG.info("Kafka broker (KRaft) restarted at {} in {} ms", bootstrapServers,
                Duration.ofNanos(System.nanoTime() - began).toMillis());
    }

    public String bootstrapServers() {
        if (bootstrapServers == null) {
            throw new IllegalStateException("The embedded Kafka broker is not started: call start() first");
        }
        return bootstrapServers;
    }

    public Duration startupTime() {
        return startupTime;
    }

    /** The directory the broker works in while it runs (removed by {@link #close()}); null when stopped. */
    public synchronized Path directory() {
        return directory;
    }

    @Override
    public synchronized void close() {
        stopQuietly();
        if (shutdownHook != null) {
            try {
                Runtime.getRuntime().removeShutdownHook(shutdownHook);
            } catch (IllegalStateException alreadyShuttingDown) {
                // the hook is running or has run
            }
            shutdownHook = null;
        }
    }

    private synchronized void stopQuietly() {
        if (server != null) {
            try {
                server.shutdown();
                server.awaitShutdown();
            } catch (RuntimeException e) {
                LOG.warn("Kafka broker did not stop cleanly: {}", e.toString());
            }
            server = null;
        }
        if (directory != null) {
            Directories.deleteRecursively(directory);
            directory = null;
        }
        bootstrapServers = null;
    }
}
