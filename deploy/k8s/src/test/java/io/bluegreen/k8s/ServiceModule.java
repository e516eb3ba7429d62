package io.bluegreen.k8s;

import org.w3c.dom.Element;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A service as its module declares it: the port it listens on by default, where it serves health and Prometheus, the
 * configuration keys it reads, and the image the {@code images} profile builds of it.
 */
record ServiceModule(String name, int port, int managementPort, String healthPath, List<String> healthProblems,
                     String prometheusPath, List<String> prometheusProblems, ConfigurationKeys keys, String image) {

    /** A module serves HTTP, hence is a service to deploy, when it depends on Micronaut's Netty server itself. */
    static final String HTTP_SERVER = "micronaut-http-server-netty";
    static final String MANAGEMENT = "micronaut-management";
    static final String PROMETHEUS = "micronaut-micrometer-registry-prometheus";
    /** The code every service shares beside its own (credentials, topics, Kafka connection settings). */
    static final String SHARED_RUNTIME = "schemas/runtime";
    private static final Pattern DEFAULT = Pattern.compile("\\$\\{[A-Za-z0-9_.\\-]+:([^}]*)}");

    /** Every module of the parent pom that is a service. */
    static List<ServiceModule> all(Path repository) {
        Pom parent = Pom.read(repository.resolve("pom.xml"));
        List<ServiceModule> services = new ArrayList<>();
        for (String module : parent.modules()) {
            Pom pom = Pom.read(repository.resolve(module).resolve("pom.xml"));
            if (pom.dependsOn(HTTP_SERVER)) {
                services.add(read(repository, module, parent, pom));
            }
        }
        return services;
    }

    static ServiceModule read(Path repository, String module, Pom parent, Pom pom) {
        Path dir = repository.resolve(module);
        String ymlText = read(dir.resolve("src/main/resources/application.yml"));
        Map<String, Object> yml = Yaml.document(ymlText);
        Map<String, Object> flat = Yaml.flatten(yml);
        int port = Integer.parseInt(withDefault(flat.get("micronaut.server.port"), "8080"));
        Object allPort = flat.get("endpoints.all.port");
        int managementPort = allPort == null ? port : Integer.parseInt(withDefault(allPort, null));
        String base = withDefault(flat.getOrDefault("endpoints.all.path", "/"), "/");
        base = base.endsWith("/") ? base : base + "/";

        List<String> health = new ArrayList<>();
        if (!pom.dependsOn(MANAGEMENT)) {
            health.add("its pom does not depend on " + MANAGEMENT + ", which serves /health");
        }
        if (!"true".equals(String.valueOf(flat.get("endpoints.health.enabled")))) {
            health.add("endpoints.health.enabled is not true in its application.yml");
        }
        if (!"false".equals(String.valueOf(flat.get("endpoints.health.sensitive")))) {
            health.add("endpoints.health.sensitive is not false in its application.yml: a probe has no login");
        }
        List<String> prometheus = new ArrayList<>();
        if (!pom.dependsOn(PROMETHEUS)) {
            prometheus.add("its pom does not depend on " + PROMETHEUS);
        }
        if (!"true".equals(String.valueOf(flat.get("endpoints.prometheus.enabled")))) {
            prometheus.add("endpoints.prometheus.enabled is not true in its application.yml");
        }
        if (!"false".equals(String.valueOf(flat.get("endpoints.prometheus.sensitive")))) {
            prometheus.add("endpoints.prometheus.sensitive is not false in its application.yml: Prometheus scrapes without a login");
        }

        ConfigurationKeys keys = ConfigurationKeys.of(yml, ymlText,
                List.of(dir.resolve("src/main/java"), repository.resolve(SHARED_RUNTIME).resolve("src/main/java")));
        return new ServiceModule(module, port, managementPort, base + "health", health, base + "prometheus",
                prometheus, keys, image(parent, pom));
    }

    /**
     * The image the {@code images} profile builds of the module: the jib plugin's {@code to.image} of the parent's
     * pluginManagement, with the parent's properties (their defaults) and the module's coordinates; null when the module
     * does not apply the plugin.
     */
    static String image(Pom parent, Pom module) {
        if (!module.appliesPlugin(Pom.JIB)) {
            return null;
        }
        Element configuration = parent.managedPluginConfiguration(Pom.JIB)
                .orElseThrow(() -> new IllegalStateException("the parent pom manages no " + Pom.JIB + " configuration"));
        String image = Pom.text(Pom.child(Pom.child(configuration, "to"), "image"));
        Map<String, String> values = new HashMap<>(parent.properties());
        values.put("project.artifactId", module.artifactId());
        values.put("project.version", module.version());
        return Pom.interpolate(image, values);
    }

    /** The value of {@code ${NAME:default}}, or the value itself. */
    private static String withDefault(Object value, String otherwise) {
        if (value == null) {
            return otherwise;
        }
        Matcher matcher = DEFAULT.matcher(value.toString());
        return matcher.matches() ? matcher.group(1) : value.toString();
    }

    private static String read(Path file) {
        try {
            return Files.readString(file);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
