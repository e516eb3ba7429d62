package io.bluegreen.k8s;

import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.Node;
import org.w3c.dom.NodeList;

import javax.xml.parsers.DocumentBuilderFactory;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** What the manifests' test needs of a Maven pom: coordinates, properties, modules, dependencies, plugins. */
final class Pom {

    static final String JIB = "jib-maven-plugin";
    private static final Pattern PROPERTY = Pattern.compile("\\$\\{([^}]+)}");

    private final Element project;

    private Pom(Element project) {
        this.project = project;
    }

    static Pom read(Path file) {
        try {
            DocumentBuilderFactory factory = DocumentBuilderFactory.newInstance();
            factory.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
            Document document = factory.newDocumentBuilder().parse(file.toFile());
            return new Pom(document.getDocumentElement());
        } catch (Exception e) {
            throw new IllegalStateException("cannot read " + file + ": " + e.getMessage(), e);
        }
    }

    String artifactId() {
        return text(child(project, "artifactId"));
    }

    String version() {
        Element version = child(project, "version");
        return version != null ? text(version) : text(child(child(project, "parent"), "version"));
    }

    Map<String, String> properties() {
        Map<String, String> properties = new LinkedHashMap<>();
        for (Element property : children(child(project, "properties"))) {
            properties.put(property.getTagName(), text(property));
        }
        return properties;
    }

    List<String> modules() {
        return children(child(project, "modules")).stream().map(Pom::text).toList();
    }

    boolean dependsOn(String artifactId) {
        return children(child(project, "dependencies")).stream()
                .anyMatch(d -> artifactId.equals(text(child(d, "artifactId"))));
    }

    /** Whether build/plugins applies the plugin (outside any profile). */
    boolean appliesPlugin(String artifactId) {
        return plugin(child(child(project, "build"), "plugins"), artifactId).isPresent();
    }

    /** The plugin's configuration in build/pluginManagement. */
    Optional<Element> managedPluginConfiguration(String artifactId) {
        return plugin(child(child(child(project, "build"), "pluginManagement"), "plugins"), artifactId)
                .map(p -> child(p, "configuration"));
    }

    /** ${name} replaced by the value from the map; fails on an unknown one. */
    static String interpolate(String text, Map<String, String> values) {
        Matcher matcher = PROPERTY.matcher(text);
        StringBuilder out = new StringBuilder();
        while (matcher.find()) {
            String value = values.get(matcher.group(1));
            if (value == null) {
                throw new IllegalArgumentException("no value for ${" + matcher.group(1) + "} in " + text);
            }
            matcher.appendReplacement(out, Matcher.quoteReplacement(value));
        }
        matcher.appendTail(out);
        return out.toString();
    }

    private static Optional<Element> plugin(Element plugins, String artifactId) {
        return children(plugins).stream().filter(p -> artifactId.equals(text(child(p, "artifactId")))).findFirst();
    }

    static Element child(Element parent, String name) {
        return children(parent).stream().filter(e -> e.getTagName().equals(name)).findFirst().orElse(null);
    }

    static List<Element> children(Element parent) {
        List<Element> children = new ArrayList<>();
        if (parent == null) {
            return children;
        }
        NodeList nodes = parent.getChildNodes();
        for (int i = 0; i < nodes.getLength(); i++) {
            if (nodes.item(i).getNodeType() == Node.ELEMENT_NODE) {
                children.add((Element) nodes.item(i));
            }
        }
        return children;
    }

    static String text(Element element) {
        return element == null ? null : element.getTextContent().trim();
    }
}
