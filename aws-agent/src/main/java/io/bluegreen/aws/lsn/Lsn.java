package io.bluegreen.aws.lsn;

import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A PostgreSQL write-ahead log position, as printed {@code 0/1000FB78} (two hexadecimal halves; PostgreSQL 19
 * zero-pads them, {@code 00000000/1000FB78}, which parses to the same value). Ordered by position.
 */
public record Lsn(long value) implements Comparable<Lsn> {

    private static final Pattern TEXT = Pattern.compile("([0-9A-Fa-f]{1,8})/([0-9A-Fa-f]{1,8})");

    public static Lsn parse(String text) {
        Matcher matcher = TEXT.matcher(text == null ? "" : text.strip());
        if (!matcher.matches()) {
            throw new IllegalArgumentException("Not an LSN: '" + text + "' (expected hex/hex, e.g. 0/1000FB78)");
        }
        return new Lsn((Long.parseLong(matcher.group(1), 16) << 32) | Long.parseLong(matcher.group(2), 16));
    }

    /** The pattern of an LSN inside a longer text. */
    static Pattern pattern() {
        return TEXT;
    }

    @Override
    public int compareTo(Lsn other) {
        return Long.compareUnsigned(value, other.value);
    }

    @Override
    public String toString() {
        return String.format(Locale.ROOT, "%X/%X", value >>> 32, value & 0xFFFFFFFFL);
    }
}
