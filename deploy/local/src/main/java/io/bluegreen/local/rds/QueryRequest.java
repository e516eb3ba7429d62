package io.bluegreen.local.rds;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** One RDS Query API request: the form parameters of {@code POST /} (or the query string of a GET). */
public final class QueryRequest {

    public static final String API_VERSION = "2014-10-31";

    private final Map<String, String> parameters;

    public QueryRequest(Map<String, String> parameters) {
        this.parameters = Map.copyOf(parameters);
    }

    /** Parses {@code a=1&b=x%20y}; a repeated key keeps its last value. */
    public static QueryRequest parse(String form) {
        Map<String, String> parameters = new LinkedHashMap<>();
        if (form != null && !form.isBlank()) {
            for (String pair : form.split("&")) {
                if (pair.isEmpty()) {
                    continue;
                }
                int eq = pair.indexOf('=');
                String key = eq < 0 ? pair : pair.substring(0, eq);
                String value = eq < 0 ? "" : pair.substring(eq + 1);
                parameters.put(URLDecoder.decode(key, StandardCharsets.UTF_8),
                        URLDecoder.decode(value, StandardCharsets.UTF_8));
            }
        }
        return new QueryRequest(parameters);
    }

    public String action() {
        String action = parameters.get("Action");
        if (action == null || action.isBlank()) {
            throw RdsFault.missingParameter("Action");
        }
        return action;
    }

    public Optional<String> optional(String name) {
        String value = parameters.get(name);
        return value == null || value.isEmpty() ? Optional.empty() : Optional.of(value);
    }

    public String required(String name) {
        return optional(name).orElseThrow(() -> RdsFault.missingParameter(name));
    }

    /** An RDS identifier: stored lower-case as AWS does; letters, digits, hyphens, starting with a letter. */
    public String identifier(String name) {
        return Identifiers.valid(name, required(name));
    }

    public Optional<String> optionalIdentifier(String name) {
        return optional(name).map(value -> Identifiers.valid(name, value));
    }

    public boolean flag(String name) {
        Optional<String> value = optional(name);
        if (value.isEmpty()) {
            return false;
        }
        return switch (value.get().toLowerCase()) {
            case "true" -> true;
            case "false" -> false;
            default -> throw RdsFault.invalidParameter("Invalid boolean for " + name + ": " + value.get());
        };
    }

    public Optional<Integer> integer(String name) {
        Optional<String> value = optional(name);
        try {
            return value.map(Integer::valueOf);
        } catch (NumberFormatException e) {
            throw RdsFault.invalidParameter("Invalid integer for " + name + ": " + value.get());
        }
    }

    /**
     * The members of a list of structures, e.g. {@code Parameters.Parameter.1.ParameterName} (or
     * {@code Parameters.member.1.ParameterName}), in index order, each as field name -> value.
     */
    public List<Map<String, String>> members(String list) {
        Pattern pattern = Pattern.compile(Pattern.quote(list) + "\\.(?:[A-Za-z]+\\.)?(\\d+)\\.([A-Za-z]+)");
        TreeMap<Integer, Map<String, String>> byIndex = new TreeMap<>();
        parameters.forEach((key, value) -> {
            Matcher matcher = pattern.matcher(key);
            if (matcher.matches()) {
                byIndex.computeIfAbsent(Integer.parseInt(matcher.group(1)), i -> new LinkedHashMap<>())
                        .put(matcher.group(2), value);
            }
        });
        return new ArrayList<>(byIndex.values());
    }

    @Override
    public String toString() {
        // never print the values: some carry passwords
        return "QueryRequest" + parameters.keySet();
    }
}
