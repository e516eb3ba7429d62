package io.bluegreen.runtime.credentials;

import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * The hosts a set of credentials may be sent to: exact names or addresses, or patterns where {@code *} stands for any
 * run of characters within the name ({@code *.c9xyz.eu-west-1.rds.amazonaws.com}). Case does not matter. No pattern,
 * no host: credentials bound to nothing go nowhere.
 */
public record HostBinding(List<String> patterns) {

    public HostBinding {
        patterns = List.copyOf(patterns);
    }

    public boolean allows(String host) {
        if (host == null || host.isBlank()) {
            return false;
        }
        String name = host.toLowerCase(Locale.ROOT);
        return patterns.stream().map(HostBinding::regex).anyMatch(p -> p.matcher(name).matches());
    }

    private static Pattern regex(String pattern) {
        String quoted = java.util.Arrays.stream(pattern.trim().toLowerCase(Locale.ROOT).split("\\*", -1))
                .map(Pattern::quote).collect(Collectors.joining("[^/@]*"));
        return Pattern.compile(quoted);
    }
}
