package io.bluegreen.k8s;

import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.constructor.SafeConstructor;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** YAML through snakeyaml's safe constructor: every document of a file, and a tree flattened to dotted keys. */
final class Yaml {

    private Yaml() {
    }

    /** Every non-empty document of a (multi-document) YAML text, as maps. */
    @SuppressWarnings("unchecked")
    static List<Map<String, Object>> documents(String text) {
        List<Map<String, Object>> documents = new ArrayList<>();
        for (Object document : new org.yaml.snakeyaml.Yaml(new SafeConstructor(new LoaderOptions())).loadAll(text)) {
            if (document != null) {
                documents.add((Map<String, Object>) document);
            }
        }
        return documents;
    }

    static Map<String, Object> document(String text) {
        List<Map<String, Object>> documents = documents(text);
        if (documents.size() != 1) {
            throw new IllegalArgumentException("expected one YAML document, found " + documents.size());
        }
        return documents.get(0);
    }

    /** {@code a: {b: 1}} -> {@code a.b = 1}; a list is a value. */
    static Map<String, Object> flatten(Map<String, Object> tree) {
        Map<String, Object> flat = new LinkedHashMap<>();
        flatten("", tree, flat);
        return flat;
    }

    @SuppressWarnings("unchecked")
    private static void flatten(String prefix, Map<String, Object> tree, Map<String, Object> flat) {
        for (Map.Entry<String, Object> entry : tree.entrySet()) {
            String key = prefix + entry.getKey();
            if (entry.getValue() instanceof Map<?, ?> map) {
                flatten(key + ".", (Map<String, Object>) map, flat);
            } else {
                flat.put(key, entry.getValue());
            }
        }
    }

    /** The value at a path of maps, or null. */
    @SuppressWarnings("unchecked")
    static Object at(Object tree, String... path) {
        Object here = tree;
        for (String step : path) {
            if (!(here instanceof Map<?, ?> map)) {
                return null;
            }
            here = ((Map<String, Object>) map).get(step);
        }
        return here;
    }

    @SuppressWarnings("unchecked")
    static List<Object> list(Object tree, String... path) {
        Object value = at(tree, path);
        return value instanceof List<?> list ? (List<Object>) list : List.of();
    }
}
