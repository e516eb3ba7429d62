package io.bluegreen.runtime.kafka;

import io.micronaut.context.ApplicationContext;
import org.junit.jupiter.api.Test;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class KafkaConnectionTest {

    private static final String SECRET = "pw-" + UUID.randomUUID();
    private static final String JAAS = "org.apache.kafka.common.security.scram.ScramLoginModule required "
            + "username=\"svc\" password=\"" + SECRET + "\";";

    @Test
    void aServiceConnectsWithEveryKafkaConnectionSettingItsMicronautClientsGetAndNothingElse() {
        Map<String, Object> config = new HashMap<>();
        config.put("kafka.bootstrap.servers", "b-1.example:9096,b-2.example:9096");
        config.put("kafka.security.protocol", "SASL_SSL");
        config.put("kafka.sasl.mechanism", "SCRAM-SHA-512");
        config.put("kafka.sasl.jaas.config", JAAS);
        config.put("kafka.sasl.client.callback.handler.class", "software.amazon.msk.auth.iam.IAMClientCallbackHandler");
        config.put("kafka.ssl.truststore.location", "/etc/kafka/truststore.jks");
        config.put("kafka.ssl.truststore.password", SECRET);
        config.put("kafka.client.dns.lookup", "use_all_dns_ips");
        // not connection settings: one kind of client's, the client's name, Micronaut's own, per-client sections
        config.put("kafka.acks", "all");
        config.put("kafka.max.poll.records", 10);
        config.put("kafka.client.id", "someone");
        config.put("kafka.health.enabled", false);
        config.put("kafka.consumers.default.session.timeout.ms", 3000);
        config.put("bluegreen.topics.create", false);
        try (ApplicationContext context = ApplicationContext.run(config)) {
            KafkaConnection connection = context.getBean(KafkaConnection.class);
            assertEquals(Map.of(
                    "bootstrap.servers", "b-1.example:9096,b-2.example:9096",
                    "security.protocol", "SASL_SSL",
                    "sasl.mechanism", "SCRAM-SHA-512",
                    "sasl.jaas.config", JAAS,
                    "sasl.client.callback.handler.class", "software.amazon.msk.auth.iam.IAMClientCallbackHandler",
                    "ssl.truststore.location", "/etc/kafka/truststore.jks",
                    "ssl.truststore.password", SECRET,
                    "client.dns.lookup", "use_all_dns_ips"), connection.settings());
            assertFalse(connection.toString().contains(SECRET), connection.toString());
        }
    }

    @Test
    void aListOfBootstrapServersReachesTheClientsAsMicronautKafkaGivesIt() {
        try (ApplicationContext context = ApplicationContext.run(Map.of(
                "kafka.bootstrap.servers", List.of("b-1.example:9092", "b-2.example:9092"),
                "bluegreen.topics.create", false))) {
            assertEquals("b-1.example:9092,b-2.example:9092", context.getBean(KafkaConnection.class).bootstrapServers());
        }
    }

    @Test
    void withoutConfigurationClientsLookWhereMicronautKafkaLooks() {
        KafkaConnection connection = KafkaConnection.fromConfiguration(Map.of("health.enabled", "false"));
        assertEquals(Map.of("bootstrap.servers", "localhost:9092"), connection.settings());
    }

    @Test
    void theStringShowsTheConnectionAndHidesEveryPassword() {
        KafkaConnection connection = KafkaConnection.of(Map.of(
                "bootstrap.servers", "b-1.example:9096",
                "security.protocol", "SASL_SSL",
                "sasl.mechanism", "SCRAM-SHA-512",
                "sasl.jaas.config", JAAS,
                "ssl.keystore.password", SECRET + "-keystore",
                "ssl.key.password", SECRET + "-key",
                "ssl.truststore.password", SECRET + "-truststore",
                "ssl.keystore.key", SECRET + "-pem"));
        String text = connection.toString();
        assertFalse(text.contains(SECRET), text);
        assertTrue(text.contains("bootstrap.servers=b-1.example:9096") && text.contains("security.protocol=SASL_SSL")
                && text.contains("sasl.mechanism=SCRAM-SHA-512") && text.contains("sasl.jaas.config=[hidden]")
                && text.contains("ssl.keystore.password=[hidden]") && text.contains("ssl.keystore.key=[hidden]"), text);
    }

    @Test
    void eachClientLaysItsOwnSettingsOverTheConnection() {
        KafkaConnection connection = KafkaConnection.of(Map.of("bootstrap.servers", "b:9092",
                "security.protocol", "SSL"));
        Map<String, Object> consumer = connection.with(Map.of("group.id", "g", "client.id", "c"));
        assertEquals(Map.of("bootstrap.servers", "b:9092", "security.protocol", "SSL", "group.id", "g",
                "client.id", "c"), consumer);
        assertEquals(2, connection.settings().size(), "the connection itself is unchanged");
    }

    @Test
    void onlyConnectionSettingsMakeAConnectionAndBootstrapServersAreAmongThem() {
        IllegalArgumentException producerOnly = assertThrows(IllegalArgumentException.class,
                () -> KafkaConnection.of(Map.of("bootstrap.servers", "b:9092", "acks", "all")));
        assertTrue(producerOnly.getMessage().contains("'acks'"), producerOnly.getMessage());
        assertThrows(IllegalArgumentException.class,
                () -> KafkaConnection.of(Map.of("bootstrap.servers", "b:9092", "client.id", "mine")));
        IllegalArgumentException noServers = assertThrows(IllegalArgumentException.class,
                () -> KafkaConnection.of(Map.of("security.protocol", "SSL")));
        assertTrue(noServers.getMessage().contains("bootstrap.servers"), noServers.getMessage());
    }

    @Test
    void theConnectionSettingsAreTheOnesEveryKafkaClientDefines() {
        for (String name : List.of("bootstrap.servers", "security.protocol", "sasl.mechanism", "sasl.jaas.config",
                "sasl.client.callback.handler.class", "sasl.login.callback.handler.class", "ssl.truststore.location",
                "ssl.endpoint.identification.algorithm", "client.dns.lookup", "request.timeout.ms")) {
            assertTrue(KafkaConnection.isConnectionSetting(name), name);
        }
        for (String name : List.of("client.id", "acks", "linger.ms", "group.id", "isolation.level", "max.poll.records",
                "transactional.id", "health.enabled", "consumers.default.session.timeout.ms")) {
            assertFalse(KafkaConnection.isConnectionSetting(name), name);
        }
    }
}
