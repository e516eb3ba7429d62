package io.bluegreen.local.kafka;

import io.bluegreen.local.support.FreePorts;
import io.bluegreen.local.support.Directories;
import kafka.server.KafkaConfig;
import kafka.server.KafkaRaftServer;
import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.config.SaslConfigs;
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
import java.security.SecureRandom;
import java.time.Duration;
import java.util.AbstractMap;
import java.util.Collections;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * A real single-node Kafka broker in KRaft mode (combined broker + controller), running in this JVM.
 *
 * <p>Both listeners bind to 127.0.0.1 on free ports. {@link #start()} formats a fresh storage directory,
 * starts the server and returns once the broker answers {@code describeCluster}. {@link #close()} stops the
 * server and deletes every directory it made; a JVM shutdown hook does the same if the owner forgets, so
 * non-daemon broker threads never keep a failed build alive.
 *
 * <p>Clients connect with {@link #clientSettings()}: PLAINTEXT by default. The client listener of a {@link #scram()}
 * broker is {@code SASL_PLAINTEXT} and takes only {@value #SCRAM_MECHANISM} logins of the user {@value #SCRAM_USER},
 * whose password is made when the broker starts and written into the storage as it is formatted (what
 * {@code kafka-storage format --add-scram} does), so the broker never runs without it. The broker calls itself
 * (transaction markers) over that listener as that user; the controller listener stays PLAINTEXT.
 */
public final class EmbeddedKafka implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(EmbeddedKafka.class);

    /** The one user of a {@link #scram()} broker. */
    public static final String SCRAM_USER = "bluegreen";
    public static final String SCRAM_MECHANISM = "SCRAM-SHA-512";
    private static final String CLIENT_LISTENER = "SASL_PLAINTEXT";

    private final Map<String, String> overrides;
    private final boolean scram;
    private String scramPassword;
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

    /**
     * A broker whose clients must log in: SASL_PLAINTEXT with {@value #SCRAM_MECHANISM} as {@value #SCRAM_USER}, the
     * password made at start ({@link #clientSettings()} carries it).
     */
    public static EmbeddedKafka scram() {
        return new EmbeddedKafka(Map.of(), true);
    }

    /** @param overrides broker settings laid over the defaults (e.g. {@code num.partitions}) */
    public EmbeddedKafka(Map<String, String> overrides) {
        this(overrides, false);
    }

    private EmbeddedKafka(Map<String, String> overrides, boolean scram) {
        this.overrides = Map.copyOf(overrides);
        this.scram = scram;
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
            scramPassword = scram ? generatedPassword() : null;
            Properties props = brokerProperties(brokerPort, controllerPort, logDir);
            format(logDir);
            config = KafkaConfig.fromProps(props, false);
            server = new KafkaRaftServer(config, Time.SYSTEM);
            shutdownHook = new Thread(this::stopQuietly, "embedded-kafka-shutdown");
            Runtime.getRuntime().addShutdownHook(shutdownHook);
            server.startup();
            bootstrapServers = "127.0.0.1:" + brokerPort;
            awaitReady(Duration.ofSeconds(60));
            startupTime = Duration.ofNanos(System.nanoTime() - began);
            LOG.info("Kafka broker (KRaft) ready at {} ({}) in {} ms", bootstrapServers,
                    scram ? CLIENT_LISTENER + ", " + SCRAM_MECHANISM + " as " + SCRAM_USER : "PLAINTEXT",
                    startupTime.toMillis());
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
        String clients = scram ? CLIENT_LISTENER : "PLAINTEXT";
        props.put("listeners", clients + "://127.0.0.1:" + brokerPort + ",CONTROLLER://127.0.0.1:" + controllerPort);
        props.put("advertised.listeners", clients + "://127.0.0.1:" + brokerPort);
        props.put("listener.security.protocol.map", clients + ":" + clients + ",CONTROLLER:PLAINTEXT");
        props.put("controller.listener.names", "CONTROLLER");
        props.put("inter.broker.listener.name", clients);
        if (scram) {
            props.put("sasl.enabled.mechanisms", SCRAM_MECHANISM);
            props.put("sasl.mechanism.inter.broker.protocol", SCRAM_MECHANISM);
            // the broker's own login when it calls itself (transaction markers)
            String listener = "listener.name." + CLIENT_LISTENER.toLowerCase(Locale.ROOT) + ".";
            props.put(listener + SCRAM_MECHANISM.toLowerCase(Locale.ROOT) + ".sasl.jaas.config",
                    jaasConfig(SCRAM_USER, scramPassword));
        }
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

    private void format(Path logDir) throws Exception {
        ByteArrayOutputStream formatterOutput = new ByteArrayOutputStream();
        Formatter formatter = new Formatter()
                .setPrintStream(new PrintStream(formatterOutput, true))
                .setNodeId(1)
                .setClusterId(Uuid.randomUuid().toString())
                .addDirectory(logDir.toString())
                .setMetadataLogDirectory(logDir.toString())
                .setControllerListenerName("CONTROLLER")
                .setReleaseVersion(MetadataVersion.LATEST_PRODUCTION)
                .setSupportedFeatures(Features.PRODUCTION_FEATURES);
        if (scram) {
            // the user's credential is in the cluster's first metadata, as kafka-storage format --add-scram writes it
            formatter.setScramArguments(List.of(
                    SCRAM_MECHANISM + "=[name=" + SCRAM_USER + ",password=" + scramPassword + "]"));
        }
        formatter.run();
    }

    /** Hex of 24 random bytes: nothing in it needs quoting in a JAAS line or in the formatter's SCRAM argument. */
    private static String generatedPassword() {
        byte[] random = new byte[24];
        new SecureRandom().nextBytes(random);
        return HexFormat.of().formatHex(random);
    }

    /** A client's {@code sasl.jaas.config} for a SCRAM login. */
    public static String jaasConfig(String username, String password) {
        return "org.apache.kafka.common.security.scram.ScramLoginModule required username=\"" + username
                + "\" password=\"" + password + "\";";
    }

    private void awaitReady(Duration timeout) throws Exception {
        Map<String, Object> config = new HashMap<>(clientSettings());
        config.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 5000);
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

    /**
     * What a client needs to connect: {@code bootstrap.servers}; for a {@link #scram()} broker also
     * {@code security.protocol}, {@code sasl.mechanism} and {@code sasl.jaas.config} (the login with the password).
     * Its {@code toString()} hides {@code sasl.jaas.config}.
     */
    public Map<String, Object> clientSettings() {
        Map<String, Object> settings = new LinkedHashMap<>();
        settings.put(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers());
        if (scram) {
            settings.put(CommonClientConfigs.SECURITY_PROTOCOL_CONFIG, CLIENT_LISTENER);
            settings.put(SaslConfigs.SASL_MECHANISM, SCRAM_MECHANISM);
            settings.put(SaslConfigs.SASL_JAAS_CONFIG, jaasConfig(SCRAM_USER, scramPassword));
        }
        return new ClientSettings(settings);
    }

    /** Client settings whose {@code toString()} never shows the login. */
    private static final class ClientSettings extends AbstractMap<String, Object> {
        private final Map<String, Object> settings;

        ClientSettings(Map<String, Object> settings) {
            this.settings = Collections.unmodifiableMap(settings);
        }

        @Override
        public Set<Entry<String, Object>> entrySet() {
            return settings.entrySet();
        }

        @Override
        public String toString() {
            StringBuilder text = new StringBuilder("{");
            settings.forEach((name, value) -> text.append(text.length() > 1 ? ", " : "").append(name).append('=')
                    .append(name.equals(SaslConfigs.SASL_JAAS_CONFIG) ? "[hidden]" : value));
            return text.append('}').toString();
        }
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
        scramPassword = null;
        if (directory != null) {
            Directories.deleteRecursively(directory);
            directory = null;
        }
        bootstrapServers = null;
    }
}
