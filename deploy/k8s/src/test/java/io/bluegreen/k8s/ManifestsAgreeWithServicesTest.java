package io.bluegreen.k8s;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The manifests in deploy/k8s run the services as their modules declare them: the container port is the port the
 * service listens on, the probes ask the health endpoint's liveness and readiness, Prometheus scrapes where it is
 * served, every environment variable and ConfigMap key maps to a configuration key the service reads, every
 * Deployment has resource requests and the image the {@code images} profile builds, the coordinator has a
 * PodDisruptionBudget. The second half shows each rule catching a wrong manifest.
 */
class ManifestsAgreeWithServicesTest {

    private static Path manifests;
    private static List<ServiceModule> services;
    private static Map<String, String> texts;

    @BeforeAll
    static void read() throws IOException {
        manifests = Path.of(System.getProperty("bluegreen.k8s.manifests", "."));
        Path repository = Path.of(System.getProperty("bluegreen.repository", "../.."));
        services = ServiceModule.all(repository);
        texts = new LinkedHashMap<>();
        for (Object resource : Yaml.list(Yaml.document(Files.readString(manifests.resolve("kustomization.yaml"))), "resources")) {
            texts.put(resource.toString(), Files.readString(manifests.resolve(resource.toString())));
        }
    }

    @Test
    void theFourServicesAreFound() {
        assertEquals(List.of("coordinator", "aws-agent", "monitor-service", "pg-agent").stream().sorted().toList(),
                services.stream().map(ServiceModule::name).sorted().toList());
        assertEquals(8080, port("coordinator"));
        assertEquals(8083, port("monitor-service"));
    }

    @Test
    void manifestsAgreeWithTheServices() {
        assertEquals(List.of(), ManifestCheck.problems(documents(texts), services));
    }

    @Test
    void kustomizationListsEveryManifest() throws IOException {
        Set<String> files;
        try (Stream<Path> list = Files.list(manifests)) {
            files = list.map(p -> p.getFileName().toString()).filter(n -> n.endsWith(".yaml") || n.endsWith(".yml"))
                    .filter(n -> !n.equals("kustomization.yaml")).collect(Collectors.toCollection(TreeSet::new));
        }
        assertEquals(files, new TreeSet<>(texts.keySet()));
    }

    @Test
    void aContainerPortOtherThanTheServicesIsCaught() {
        assertCaught("coordinator.yaml", "containerPort: 8080", "containerPort: 9090",
                "Deployment coordinator: container port http is 9090, the service listens on 8080");
    }

    @Test
    void aProbeOnAPathTheServiceDoesNotServeIsCaught() {
        assertCaught("pg-agent.yaml", "path: /health/readiness", "path: /ready",
                "Deployment pg-agent: readinessProbe asks /ready, it must ask /health/readiness");
        assertCaught("aws-agent.yaml", "              path: /health/liveness\n              port: http\n            periodSeconds: 10",
                "              path: /health\n              port: http\n            periodSeconds: 10",
                "Deployment aws-agent: livenessProbe asks /health, it must ask /health/liveness");
    }

    @Test
    void aKeyNothingReadsIsCaught() {
        assertCaught("config.yaml", "BLUEGREEN_TOPICS_PARTITIONS:", "BLUEGREEN_TOPICS_PARTITONS:",
                "Deployment coordinator: BLUEGREEN_TOPICS_PARTITONS (ConfigMap bluegreen-common) maps to no configuration key");
        // a coordinator key on an agent: the agent does not read it
        assertCaught("config.yaml", "  BLUEGREEN_PG_CONSUMER_GROUP:", "  BLUEGREEN_COORDINATOR_WORKER_THREADS: \"4\"\n  BLUEGREEN_PG_CONSUMER_GROUP:",
                "Deployment pg-agent: BLUEGREEN_COORDINATOR_WORKER_THREADS (ConfigMap pg-agent) maps to no configuration key");
        assertCaught("monitor-service.yaml", "          env:\n", "          env:\n            - name: KAFKA_SASL_JAAS_CONFG\n              value: x\n",
                "Deployment monitor-service: KAFKA_SASL_JAAS_CONFG (env) maps to no configuration key");
    }

    @Test
    void missingRequestsImageOrDisruptionBudgetAreCaught() {
        assertCaught("monitor-service.yaml", "              cpu: 100m\n", "",
                "Deployment monitor-service: no resources.requests.cpu");
        assertCaught("coordinator.yaml", "image: bluegreen-coordinator:", "image: bluegreen/coordinator:",
                "Deployment coordinator: image bluegreen/coordinator:");
        assertCaught("coordinator.yaml", "kind: PodDisruptionBudget", "kind: NotABudget",
                "Deployment coordinator: 3 replicas and no PodDisruptionBudget selecting its pods");
    }

    @Test
    void aSecretValueInTheManifestsIsCaught() {
        assertCaught("config.yaml", "  BLUEGREEN_TOPICS_CREATE:", "  BLUEGREEN_CREDENTIALS_OPS_PASSWORD: x\n  BLUEGREEN_TOPICS_CREATE:",
                "ConfigMap bluegreen-common holds BLUEGREEN_CREDENTIALS_OPS_PASSWORD, which looks secret");
    }

    @Test
    void environmentVariablesMapAsMicronautMapsThem() {
        ServiceModule coordinator = services.stream().filter(s -> s.name().equals("coordinator")).findFirst().orElseThrow();
        assertTrue(ConfigurationKeys.keysOfEnvironmentVariable("BLUEGREEN_TOPICS_REPLICATION_FACTOR")
                .contains("bluegreen.topics.replication-factor"));
        assertTrue(coordinator.keys().knowsEnvironmentVariable("BLUEGREEN_HTTP_PORT"), "a placeholder of application.yml");
        assertTrue(coordinator.keys().knowsEnvironmentVariable("BLUEGREEN_COORDINATOR_SESSION_TIMEOUT"), "an @Value of the coordinator");
        assertTrue(coordinator.keys().knowsEnvironmentVariable("BLUEGREEN_CREDENTIALS_SECRETS_MANAGER_PREFIX"), "an @Value of the runtime");
        assertTrue(coordinator.keys().knowsEnvironmentVariable("BLUEGREEN_CREDENTIALS_ORDERS_HOSTS"), "a family of the runtime");
        assertTrue(coordinator.keys().knowsEnvironmentVariable("BLUEGREEN_API_USERS_OPS_ROLES"), "an @EachProperty");
        assertTrue(coordinator.keys().knowsEnvironmentVariable("KAFKA_SSL_TRUSTSTORE_LOCATION"), "a Kafka connection setting");
        assertTrue(coordinator.keys().knowsEnvironmentVariable("BLUEGREEN_LOG_FORMAT"), "read by name in the runtime");
        assertTrue(!coordinator.keys().knowsEnvironmentVariable("KAFKA_MAX_POLL_RECORDS"), "not a connection setting");
        assertTrue(!coordinator.keys().knowsEnvironmentVariable("BLUEGREEN_CREDENTIALS_SORUCE"), "a typo");
        assertTrue(!coordinator.keys().knowsEnvironmentVariable("BLUEGREEN_PG_DRAIN_METHOD"), "the pg-agent's key");
    }

    private static int port(String name) {
        return services.stream().filter(s -> s.name().equals(name)).findFirst().orElseThrow().port();
    }

    private static void assertCaught(String file, String from, String to, String expected) {
        Map<String, String> changed = new LinkedHashMap<>(texts);
        String text = changed.get(file);
        assertTrue(text.contains(from), file + " no longer contains '" + from + "': adjust the test");
        String wrong = text.replaceFirst(java.util.regex.Pattern.quote(from), java.util.regex.Matcher.quoteReplacement(to));
        assertNotEquals(text, wrong);
        changed.put(file, wrong);
        List<String> problems = ManifestCheck.problems(documents(changed), services);
        assertTrue(problems.stream().anyMatch(p -> p.startsWith(expected)),
                "expected a problem starting with '" + expected + "', found " + problems);
    }

    private static List<Map<String, Object>> documents(Map<String, String> files) {
        List<Map<String, Object>> documents = new ArrayList<>();
        files.values().forEach(text -> documents.addAll(Yaml.documents(text)));
        return documents;
    }
}
