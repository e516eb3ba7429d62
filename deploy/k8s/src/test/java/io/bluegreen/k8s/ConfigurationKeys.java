package io.bluegreen.k8s;

import io.bluegreen.runtime.kafka.KafkaConnection;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The configuration keys a service reads, found where they are written down, so that a manifest can be checked for
 * naming a key nothing reads. A key is known when
 * <ul>
 *   <li>it is a key of the service's {@code application.yml}, or an environment variable that file names in a
 *   placeholder ({@code ${BLUEGREEN_HTTP_PORT:8080}});</li>
 *   <li>the service's code or the shared runtime's code names it: a placeholder ({@code @Value("${bluegreen.aws.poll-interval:15s}")}),
 *   a string literal ({@code "bluegreen.credentials.source"}); a family of keys when a literal prefix is joined to a
 *   name ({@code "bluegreen.credentials." + reference + ".hosts"}) or an {@code @EachProperty} names one
 *   ({@code bluegreen.api.users.<name>.roles}); an environment variable it reads by name
 *   ({@code "BLUEGREEN_LOG_FORMAT"});</li>
 *   <li>it is {@code kafka.} followed by a setting {@link KafkaConnection} hands to every Kafka client of a service.</li>
 * </ul>
 * An environment variable is known when one of the keys Micronaut maps it to is: lower case, each {@code _} read as
 * {@code .} or {@code -} ({@code BLUEGREEN_TOPICS_REPLICATION_FACTOR} -> {@code bluegreen.topics.replication-factor}).
 */
final class ConfigurationKeys {

    private static final Pattern PLACEHOLDER = Pattern.compile("\\$\\{([A-Za-z0-9_.\\-]+)");
    private static final Pattern KEY_LITERAL = Pattern.compile("\"((?:bluegreen|kafka|micronaut|endpoints)(?:\\.[a-z0-9\\-]+)+)\"");
    private static final Pattern FAMILY = Pattern.compile(
            "\"([a-z0-9\\-]+(?:\\.[a-z0-9\\-]+)*\\.)\"\\s*\\+\\s*[A-Za-z_][\\w.()]*\\s*\\+\\s*\"\\.([a-z0-9\\-.]*)");
    private static final Pattern VARIABLE_LITERAL = Pattern.compile("\"((?:BLUEGREEN|KAFKA|MICRONAUT)(?:_[A-Z0-9]+)+)\"");
    private static final Pattern EACH_PROPERTY = Pattern.compile("@EachProperty\\(\\s*(?:value\\s*=\\s*)?\"([a-z0-9.\\-]+)\"");

    /** A family: prefix, one name, then the suffix (empty: anything). */
    record Family(String prefix, String suffix) {
        boolean matches(String key) {
            if (!key.startsWith(prefix)) {
                return false;
            }
            String rest = key.substring(prefix.length());
            if (suffix.isEmpty()) {
                return rest.matches("[a-z0-9\\-]+(\\.[a-z0-9\\-]+)+");
            }
            return rest.endsWith("." + suffix) && rest.length() > suffix.length() + 1;
        }
    }

    private final Set<String> keys = new TreeSet<>();
    private final Set<String> environmentPlaceholders = new TreeSet<>();
    private final List<Family> families = new ArrayList<>();

    /** The keys of a service: its application.yml, its own code and the code of the runtime it shares. */
    static ConfigurationKeys of(Map<String, Object> applicationYml, String applicationYmlText, Collection<Path> sourceRoots) {
        ConfigurationKeys known = new ConfigurationKeys();
        known.keys.addAll(Yaml.flatten(applicationYml).keySet());
        Matcher placeholders = PLACEHOLDER.matcher(applicationYmlText);
        while (placeholders.find()) {
            String name = placeholders.group(1);
            if (name.equals(name.toUpperCase(Locale.ROOT))) {
                known.environmentPlaceholders.add(name);
            } else {
                known.keys.add(name);
            }
        }
        for (Path root : sourceRoots) {
            known.readCode(root);
        }
        return known;
    }

    private void readCode(Path root) {
        try (Stream<Path> files = Files.walk(root)) {
            for (Path file : files.filter(f -> f.toString().endsWith(".java")).toList()) {
                readJava(Files.readString(file));
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    void readJava(String source) {
        Matcher placeholder = PLACEHOLDER.matcher(source);
        while (placeholder.find()) {
            keys.add(placeholder.group(1));
        }
        Matcher literal = KEY_LITERAL.matcher(source);
        while (literal.find()) {
            keys.add(literal.group(1));
        }
        Matcher family = FAMILY.matcher(source);
        while (family.find()) {
            families.add(new Family(family.group(1), family.group(2).replaceAll("\\.$", "")));
        }
        Matcher variable = VARIABLE_LITERAL.matcher(source);
        while (variable.find()) {
            environmentPlaceholders.add(variable.group(1));
        }
        Matcher each = EACH_PROPERTY.matcher(source);
        while (each.find()) {
            families.add(new Family(each.group(1) + ".", ""));
        }
    }

    /** Whether the service reads this configuration key. */
    boolean knowsKey(String key) {
        if (keys.contains(key) || families.stream().anyMatch(f -> f.matches(key))) {
            return true;
        }
        String kafka = KafkaConnection.PREFIX + ".";
        return key.startsWith(kafka) && KafkaConnection.isConnectionSetting(key.substring(kafka.length()));
    }

    /** Whether the service reads this environment variable, itself or as one of the keys Micronaut maps it to. */
    boolean knowsEnvironmentVariable(String name) {
        return environmentPlaceholders.contains(name) || keysOfEnvironmentVariable(name).stream().anyMatch(this::knowsKey);
    }

    /** What Micronaut makes of an environment variable: lower case, each underscore a dot or a dash. */
    static List<String> keysOfEnvironmentVariable(String name) {
        String[] parts = name.toLowerCase(Locale.ROOT).split("_");
        List<String> keys = new ArrayList<>();
        keys.add(parts[0]);
        for (int i = 1; i < parts.length; i++) {
            List<String> longer = new ArrayList<>();
            for (String key : keys) {
                longer.add(key + "." + parts[i]);
                longer.add(key + "-" + parts[i]);
            }
            keys = longer;
        }
        return keys;
    }
}
