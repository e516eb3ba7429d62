package io.bluegreen.pg.replication;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;

/**
 * Every secret this agent has resolved, so that any text leaving it (a result message, a log line) can be
 * scrubbed of them, and any {@code password=} pair in a connection string is masked whatever its value.
 */
public final class Secrets {

    private static final Pattern PASSWORD_PAIR = Pattern.compile("(?i)(password\\s*=\\s*)('(?:[^'\\\\]|\\\\.)*'|\\S+)");
    private final Set<String> known = ConcurrentHashMap.newKeySet();

    /** Remembers a secret (at least four characters; shorter ones would mask ordinary words). */
    public void remember(String secret) {
        if (secret != null && secret.length() >= 4) {
            known.add(secret);
        }
    }

    /** The text with every known secret and every {@code password=value} replaced by {@code ****}. */
    public String redact(String text) {
        if (text == null) {
            return null;
        }
        String out = PASSWORD_PAIR.matcher(text).replaceAll("$1****");
        for (String secret : known) {
            out = out.replace(secret, "****");
        }
        return out;
    }
}
