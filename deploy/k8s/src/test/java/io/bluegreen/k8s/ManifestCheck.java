package io.bluegreen.k8s;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * What must hold between the manifests and the services they run. Each rule answers with problems, never throws, so
 * a test can show that a wrong manifest is caught.
 */
final class ManifestCheck {

    private static final Pattern SECRET_LOOKING = Pattern.compile(".*(PASSWORD|SECRET_ACCESS_KEY|JAAS|TOKEN).*");
    private static final Set<String> PORT_VARIABLES = Set.of("BLUEGREEN_HTTP_PORT", "MICRONAUT_SERVER_PORT");

    private final List<Map<String, Object>> documents;
    private final List<String> problems = new ArrayList<>();

    private ManifestCheck(List<Map<String, Object>> documents) {
        this.documents = documents;
    }

    static List<String> problems(List<Map<String, Object>> documents, List<ServiceModule> services) {
        ManifestCheck check = new ManifestCheck(documents);
        check.run(services);
        return check.problems;
    }

    private void run(List<ServiceModule> services) {
        Map<String, Map<String, Object>> deployments = byName("Deployment");
        for (ServiceModule service : services) {
            Map<String, Object> deployment = deployments.get(service.name());
            if (deployment == null) {
                problems.add("service module " + service.name() + " has no Deployment named " + service.name());
            } else {
                checkDeployment(service, deployment);
            }
        }
        Set<String> names = Set.copyOf(services.stream().map(ServiceModule::name).toList());
        deployments.keySet().stream().filter(d -> !names.contains(d))
                .forEach(d -> problems.add("Deployment " + d + " runs no service module (modules: " + names + ")"));
        byName("Secret").keySet().forEach(s -> problems.add("Secret " + s + " is in the manifests: secret values are "
                + "never committed; reference a Secret made outside (secretKeyRef) or use Secrets Manager"));
        byName("ConfigMap").forEach((name, map) -> asMap(map.get("data")).keySet().stream()
                .filter(key -> SECRET_LOOKING.matcher(key).matches())
                .forEach(key -> problems.add("ConfigMap " + name + " holds " + key + ", which looks secret: take it "
                        + "from a Secret (secretKeyRef) or Secrets Manager")));
    }

    private void checkDeployment(ServiceModule service, Map<String, Object> deployment) {
        String where = "Deployment " + service.name();
        Map<String, Object> template = asMap(Yaml.at(deployment, "spec", "template"));
        Map<String, Object> podLabels = asMap(Yaml.at(template, "metadata", "labels"));
        if (!podLabels.entrySet().containsAll(asMap(Yaml.at(deployment, "spec", "selector", "matchLabels")).entrySet())) {
            problems.add(where + ": spec.selector.matchLabels does not select its pod template's labels");
        }
        Map<String, Object> container = Yaml.list(template, "spec", "containers").stream().map(ManifestCheck::asMap)
                .filter(c -> service.name().equals(c.get("name"))).findFirst().orElse(null);
        if (container == null) {
            problems.add(where + ": no container named " + service.name());
            return;
        }
        if (service.image() == null) {
            problems.add("service module " + service.name() + " does not apply " + Pom.JIB + ": the images profile builds no image of it");
        } else if (!service.image().equals(container.get("image"))) {
            problems.add(where + ": image " + container.get("image") + " is not the image the images profile builds, "
                    + service.image());
        }

        Map<String, Integer> ports = new LinkedHashMap<>();
        for (Object port : Yaml.list(container, "ports")) {
            ports.put(String.valueOf(asMap(port).get("name")), asInt(asMap(port).get("containerPort")));
        }
        if (!Objects.equals(ports.get("http"), service.port())) {
            problems.add(where + ": container port http is " + ports.get("http") + ", the service listens on "
                    + service.port() + " (micronaut.server.port in " + service.name() + "'s application.yml)");
        }

        checkProbe(where, container, "livenessProbe", service.healthPath() + "/liveness", ports, service);
        checkProbe(where, container, "readinessProbe", service.healthPath() + "/readiness", ports, service);
        if (container.containsKey("startupProbe")) {
            checkProbe(where, container, "startupProbe", service.healthPath() + "/liveness", ports, service);
        }
        service.healthProblems().forEach(p -> problems.add(where + ": its probes need /health, but " + p));

        Map<String, Object> annotations = asMap(Yaml.at(template, "metadata", "annotations"));
        if (!"true".equals(annotations.get("prometheus.io/scrape"))) {
            problems.add(where + ": the pod template lacks prometheus.io/scrape: \"true\"");
        }
        if (!service.prometheusPath().equals(annotations.get("prometheus.io/path"))) {
            problems.add(where + ": prometheus.io/path is " + annotations.get("prometheus.io/path") + ", the service serves "
                    + service.prometheusPath());
        }
        if (!String.valueOf(service.managementPort()).equals(annotations.get("prometheus.io/port"))) {
            problems.add(where + ": prometheus.io/port is " + annotations.get("prometheus.io/port") + ", the service serves "
                    + service.prometheusPath() + " on " + service.managementPort());
        }
        service.prometheusProblems().forEach(p -> problems.add(where + ": it is scraped at " + service.prometheusPath() + ", but " + p));

        Map<String, Object> requests = asMap(Yaml.at(container, "resources", "requests"));
        for (String resource : List.of("cpu", "memory")) {
            if (requests.get(resource) == null) {
                problems.add(where + ": no resources.requests." + resource);
            }
        }

        checkEnvironment(where, service, container, ports);
        checkService(service, podLabels, ports);
        int replicas = deployment.get("spec") == null ? 1 : asInt(asMap(deployment.get("spec")).getOrDefault("replicas", 1));
        if ((replicas > 1 || service.name().equals("coordinator")) && !hasDisruptionBudget(podLabels)) {
            problems.add(where + ": " + replicas + " replicas and no PodDisruptionBudget selecting its pods");
        }
    }

    private void checkProbe(String where, Map<String, Object> container, String probe, String path,
                            Map<String, Integer> ports, ServiceModule service) {
        Map<String, Object> get = asMap(Yaml.at(container, probe, "httpGet"));
        if (get.isEmpty()) {
            problems.add(where + ": no " + probe + " with httpGet " + path);
            return;
        }
        if (!path.equals(get.get("path"))) {
            problems.add(where + ": " + probe + " asks " + get.get("path") + ", it must ask " + path);
        }
        Integer port = resolvePort(get.get("port"), ports);
        if (!Objects.equals(port, service.managementPort())) {
            problems.add(where + ": " + probe + " asks port " + get.get("port") + ", the service serves " + path + " on "
                    + service.managementPort());
        }
    }

    private void checkEnvironment(String where, ServiceModule service, Map<String, Object> container, Map<String, Integer> ports) {
        Map<String, String> names = new LinkedHashMap<>();
        for (Object entry : Yaml.list(container, "envFrom")) {
            Map<String, Object> source = asMap(entry);
            String configMap = (String) Yaml.at(source, "configMapRef", "name");
            if (configMap != null) {
                Map<String, Object> map = byName("ConfigMap").get(configMap);
                if (map == null) {
                    problems.add(where + ": envFrom names ConfigMap " + configMap + ", which is not in the manifests");
                } else {
                    asMap(map.get("data")).forEach((k, v) -> names.put(k, "ConfigMap " + configMap));
                }
            }
            if (source.containsKey("secretRef")) {
                problems.add(where + ": envFrom a whole Secret (" + Yaml.at(source, "secretRef", "name") + ") cannot be "
                        + "checked against the configuration: name each variable with secretKeyRef");
            }
        }
        for (Object entry : Yaml.list(container, "env")) {
            Map<String, Object> variable = asMap(entry);
            names.put(String.valueOf(variable.get("name")), "env");
            if (PORT_VARIABLES.contains(variable.get("name"))
                    && !String.valueOf(ports.get("http")).equals(String.valueOf(variable.get("value")))) {
                problems.add(where + ": " + variable.get("name") + " is " + variable.get("value")
                        + ", not the container port " + ports.get("http"));
            }
        }
        names.forEach((name, from) -> {
            if (!service.keys().knowsEnvironmentVariable(name)) {
                problems.add(where + ": " + name + " (" + from + ") maps to no configuration key " + service.name()
                        + " reads (tried " + ConfigurationKeys.keysOfEnvironmentVariable(name).get(0) + " and its dashed forms)");
            }
        });
    }

    private void checkService(ServiceModule service, Map<String, Object> podLabels, Map<String, Integer> ports) {
        Map<String, Object> found = byName("Service").get(service.name());
        if (found == null) {
            problems.add("service module " + service.name() + " has no Service named " + service.name());
            return;
        }
        Map<String, Object> selector = asMap(Yaml.at(found, "spec", "selector"));
        if (selector.isEmpty() || !podLabels.entrySet().containsAll(selector.entrySet())) {
            problems.add("Service " + service.name() + ": its selector " + selector + " does not select the pods of Deployment "
                    + service.name());
        }
        for (Object port : Yaml.list(found, "spec", "ports")) {
            Object target = asMap(port).getOrDefault("targetPort", asMap(port).get("port"));
            if (!Objects.equals(resolvePort(target, ports), service.port())) {
                problems.add("Service " + service.name() + ": targetPort " + target + " is not the port the service listens on, "
                        + service.port());
            }
        }
    }

    private boolean hasDisruptionBudget(Map<String, Object> podLabels) {
        return byName("PodDisruptionBudget").values().stream()
                .map(pdb -> asMap(Yaml.at(pdb, "spec", "selector", "matchLabels")))
                .anyMatch(selector -> !selector.isEmpty() && podLabels.entrySet().containsAll(selector.entrySet()));
    }

    private static Integer resolvePort(Object port, Map<String, Integer> ports) {
        if (port instanceof Integer number) {
            return number;
        }
        return port == null ? null : ports.get(port.toString());
    }

    private Map<String, Map<String, Object>> byName(String kind) {
        Map<String, Map<String, Object>> found = new LinkedHashMap<>();
        for (Map<String, Object> document : documents) {
            if (kind.equals(document.get("kind"))) {
                found.put(String.valueOf(Yaml.at(document, "metadata", "name")), document);
            }
        }
        return found;
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> asMap(Object value) {
        return value instanceof Map<?, ?> map ? (Map<String, Object>) map : Map.of();
    }

    private static int asInt(Object value) {
        return value instanceof Integer number ? number : Integer.parseInt(String.valueOf(value));
    }
}
