package io.bluegreen.runtime.kafka;

import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.config.ConfigDef;

import java.util.Collections;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Collectors;

/**
 * How every Kafka client a service builds by hand connects to the cluster: the bootstrap servers and the
 * connection's security (TLS, SASL/SCRAM, MSK IAM), taken from the same {@code kafka.*} settings Micronaut Kafka's
 * own clients get ({@code io.bluegreen.runtime.micronaut.KafkaConnectionFactory} reads them once per service). Each
 * client lays its own settings over them ({@link #with}).
 *
 * <p>Which settings belong to the connection is asked of Kafka's own config definitions, not of a list kept here:
 * the settings every Kafka client defines, producer, consumer and admin client alike
 * ({@link ProducerConfig#configNames()} &cap; {@link ConsumerConfig#configNames()} &cap;
 * {@link AdminClientConfig#configNames()}), except {@code client.id}, which each client sets to its own name. That is
 * {@code bootstrap.servers}, {@code security.protocol}, every {@code ssl.*} and {@code sasl.*} setting (among them
 * {@code sasl.mechanism}, {@code sasl.jaas.config} and {@code sasl.client.callback.handler.class}, as MSK IAM needs),
 * {@code client.dns.lookup}, the connection's timeouts and back-offs, and the metric reporters. Settings of one kind
 * of client ({@code acks}, {@code max.poll.records}, ...) are not connection settings: each client built by hand sets
 * its own.
 *
 * <p>{@code sasl.jaas.config} holds a password. {@link #toString()} shows every setting Kafka types as a password
 * ({@code sasl.jaas.config}, {@code ssl.key.password}, {@code ssl.keystore.password}, {@code ssl.keystore.key}, ...)
 * and every setting whose name holds {@code password} as {@value #HIDDEN}, as Kafka's own logging of client configs
 * does; log the connection, never {@link #settings()}.
 */
public final class KafkaConnection {

    /** Where the settings live in a service's configuration: {@code kafka.bootstrap.servers}, {@code kafka.sasl.*}. */
    public static final String PREFIX = "kafka";
    /** Where Kafka clients look without configuration, as Micronaut Kafka's clients do. */
    public static final String DEFAULT_BOOTSTRAP_SERVERS = "localhost:9092";
    static final String HIDDEN = "[hidden]";
    /** What to check when a client built on a connection cannot reach the cluster, for error messages. */
    public static final String WHAT_TO_CHECK = "is Kafka reachable at the configured kafka.bootstrap.servers, and do "
            + "kafka.security.protocol, kafka.sasl.* and kafka.ssl.* match its listener?";

    /** The connection settings: what producer, consumer and admin client all define, but the client's name. */
    private static final Set<String> NAMES = connectionSettings();
    private static final Set<String> SECRETS = secrets();

    private final Map<String, Object> settings;

    private KafkaConnection(Map<String, ?> settings) {
        this.settings = Collections.unmodifiableMap(new TreeMap<String, Object>(settings));
    }

    /**
     * A connection from Kafka client settings (names without the {@code kafka.} prefix). Every key must be a connection
     * setting, and {@code bootstrap.servers} must be among them.
     *
     * @throws IllegalArgumentException naming the first key that is not a connection setting, or the missing
     *                                  {@code bootstrap.servers}
     */
    public static KafkaConnection of(Map<String, ?> settings) {
        for (String name : new TreeSet<>(settings.keySet())) {
            if (!isConnectionSetting(name)) {
                throw new IllegalArgumentException("'" + name + "' is not a Kafka connection setting (one every Kafka "
                        + "client defines, client.id aside), e.g. bootstrap.servers, security.protocol, sasl.*, ssl.*");
            }
            if (settings.get(name) == null) {
                throw new IllegalArgumentException("The Kafka connection setting '" + name + "' has no value");
            }
        }
        Object bootstrap = settings.get(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG);
        if (bootstrap == null || bootstrap.toString().isBlank()) {
            throw new IllegalArgumentException("A Kafka connection needs bootstrap.servers");
        }
        return new KafkaConnection(settings);
    }

    /**
     * The connection described by a service's {@code kafka.*} configuration.
     *
     * @param properties the configuration under {@value #PREFIX}, keys without the prefix
     *                   ({@code bootstrap.servers}, {@code sasl.jaas.config}, {@code health.enabled},
     *                   {@code consumers.default.session.timeout.ms}): the connection settings among them are kept,
     *                   the rest is left to Micronaut Kafka; without {@code bootstrap.servers},
     *                   {@value #DEFAULT_BOOTSTRAP_SERVERS}
     */
    public static KafkaConnection fromConfiguration(Map<String, ?> properties) {
        Map<String, Object> settings = new HashMap<>();
        properties.forEach((name, value) -> {
            if (value != null && isConnectionSetting(name)) {
                settings.put(name, value);
            }
        });
        settings.putIfAbsent(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, DEFAULT_BOOTSTRAP_SERVERS);
        return of(settings);
    }

    /** Whether a Kafka client setting (no {@code kafka.} prefix) belongs to the connection. */
    public static boolean isConnectionSetting(String name) {
        return NAMES.contains(name);
    }

    /** The settings to give a Kafka client: never log them ({@code sasl.jaas.config} holds a password). */
    public Map<String, Object> settings() {
        return settings;
    }

    /**
     * The settings of one client: this connection's, with the client's own laid over them ({@code client.id},
     * {@code group.id}, {@code acks}, ...); a new map the caller may change.
     */
    public Map<String, Object> with(Map<String, ?> own) {
        Map<String, Object> all = new HashMap<>(settings);
        all.putAll(own);
        return all;
    }

    public String bootstrapServers() {
        return String.valueOf(settings.get(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG));
    }

    /** Every setting, secrets shown as {@value #HIDDEN}. */
    @Override
    public String toString() {
        return settings.entrySet().stream()
                .map(e -> e.getKey() + "=" + (isSecret(e.getKey()) ? HIDDEN : e.getValue()))
                .collect(Collectors.joining(", ", "KafkaConnection{", "}"));
    }

    static boolean isSecret(String name) {
        return SECRETS.contains(name) || name.toLowerCase(Locale.ROOT).contains("password");
    }

    private static Set<String> connectionSettings() {
        Set<String> names = new TreeSet<>(ProducerConfig.configNames());
        names.retainAll(ConsumerConfig.configNames());
        names.retainAll(AdminClientConfig.configNames());
        names.remove(CommonClientConfigs.CLIENT_ID_CONFIG);
        return Set.copyOf(names);
    }

    private static Set<String> secrets() {
        return AdminClientConfig.configDef().configKeys().values().stream()
                .filter(key -> key.type == ConfigDef.Type.PASSWORD)
                .map(key -> key.name)
                .collect(Collectors.toUnmodifiableSet());
    }
}
