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

    /** The region ARNs are written in when a request carries no SigV4 signature. */
    public static final String DEFAULT_REGION = "local";
    private static final Pattern SIGNING_REGION = Pattern.compile("Credential=[^/,]+/\\d{8}/([^/,]+)/rds/");

    private final Map<String, String> parameters;
    private final String region;

    public QueryRequest(Map<String, String> parameters) {
        this(parameters, DEFAULT_REGION);
    }

    private QueryRequest(Map<String, String> parameters, String region) {
        this.parameters = Map.copyOf(parameters);
        this.region = region;
    }

    /** The same request, signed for the region named in its SigV4 {@code Authorization} header (if any). */
    public QueryRequest signedWith(String authorization) {
        Matcher matcher = SIGNING_REGION.matcher(authorization == null ? "" : authorization);
        return new QueryRequest(parameters, matcher.find() ? matcher.group(1) : DEFAULT_REGION);
    }

    /** The region the request was signed for: the region of the ARNs it is answered with. */
    public String region() {
        return region;
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

    /** A boolean parameter when given. */
    public Optional<Boolean> optionalFlag(String name) {
        return optional(name).isEmpty() ? Optional.empty() : Optional.of(flag(name));
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

    /**
     * The values of a list of strings, e.g. {@code VpcSecurityGroupIds.VpcSecurityGroupId.1} or
     * {@code TagKeys.member.1}, in index order; empty when the list was not given.
     */
    public List<String> strings(String list) {
        Pattern pattern = Pattern.compile(Pattern.quote(list) + "\\.(?:[A-Za-z]+\\.)?(\\d+)");
        TreeMap<Integer, String> byIndex = new TreeMap<>();
        parameters.forEach((key, value) -> {
            Matcher matcher = pattern.matcher(key);
            if (matcher.matches()) {
                byIndex.put(Integer.parseInt(matcher.group(1)), value);
            }
        });
        return new ArrayList<>(byIndex.values());
    }

    /** Whether a list parameter was given at all (the SDK sends {@code Name=} for an empty list it was told to send). */
    public boolean hasList(String list) {
        return parameters.keySet().stream().anyMatch(key -> key.equals(list) || key.startsWith(list + "."));
    }

    @Override
    public String toString() {
        // never print the values: some carry passwords
        return "QueryRequest" + parameters.keySet();
    }
}
