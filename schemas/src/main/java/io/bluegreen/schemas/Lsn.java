package io.bluegreen.schemas;

import java.util.Objects;

/**
 * A PostgreSQL WAL position ({@code pg_lsn}), written {@code XXXXXXXX/XXXXXXXX} in hex: comparable as an
 * unsigned 64-bit number, so {@code 0/1000FB78 < 1/0}. PostgreSQL 19 zero-pads the halves
 * ({@code 00000000/1000FB78}); that parses to the same value. Commands and results carry LSNs as this text.
 */
public record Lsn(long value) implements Comparable<Lsn> {

    public static final Lsn ZERO = new Lsn(0);
    private static final java.util.regex.Pattern HEX_PAIR = java.util.regex.Pattern.compile("[0-9A-Fa-f]{1,8}/[0-9A-Fa-f]{1,8}");

    /**
     * @throws IllegalArgumentException naming the text when it is not {@code hex/hex} with each half at most
     *                                  eight digits
     */
    public static Lsn parse(String text) {
        Objects.requireNonNull(text, "lsn");
        String trimmed = text.trim();
        int slash = trimmed.indexOf('/');
        if (!HEX_PAIR.matcher(trimmed).matches()) {
            throw new IllegalArgumentException("'" + text + "' is not an LSN: expected hex/hex such as 0/1000FB78");
        }
        try {
            long high = Long.parseLong(trimmed.substring(0, slash), 16);
            long low = Long.parseLong(trimmed.substring(slash + 1), 16);
            return new Lsn((high << 32) | low);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("'" + text + "' is not an LSN: expected hex/hex such as 0/1000FB78");
        }
    }

    /** Null for a null text (a slot that never confirmed anything). */
    public static Lsn parseNullable(String text) {
        return text == null ? null : parse(text);
    }

    public boolean isAfter(Lsn other) {
        return compareTo(other) > 0;
    }

    public boolean isBefore(Lsn other) {
        return compareTo(other) < 0;
    }

    /** Bytes from {@code other} to this position (negative when this one is earlier). */
    public long minus(Lsn other) {
        return value - other.value;
    }

    @Override
    public int compareTo(Lsn other) {
        return Long.compareUnsigned(value, other.value);
    }

    @Override
    public String toString() {
        return String.format(java.util.Locale.ROOT, "%X/%X", value >>> 32, value & 0xFFFFFFFFL);
    }
}
