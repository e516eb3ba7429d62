package io.bluegreen.local.rds;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;

/**
 * One page of a Describe answer, as AWS pages them: {@code MaxRecords} 20 to 100 (default 100), and an opaque
 * {@code Marker} that the next call passes back to continue; no marker on the last page.
 *
 * @param marker null on the last page
 */
record Page<T>(List<T> items, String marker) {

    static final int DEFAULT_RECORDS = 100;

    static <T> Page<T> of(List<T> all, QueryRequest request) {
        int max = request.integer("MaxRecords").orElse(DEFAULT_RECORDS);
        if (max < 20 || max > 100) {
            throw RdsFault.invalidParameter("Invalid value " + max + " for MaxRecords. Must be between 20 and 100");
        }
        int from = request.optional("Marker").map(Page::offset).orElse(0);
        if (from > all.size()) {
            throw RdsFault.invalidParameter("The Marker is past the end of the answer: start again without one");
        }
        int to = Math.min(all.size(), from + max);
        return new Page<>(all.subList(from, to), to < all.size() ? marker(to) : null);
    }

    private static String marker(int offset) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(("offset:" + offset).getBytes(StandardCharsets.UTF_8));
    }

    private static int offset(String marker) {
        try {
            String text = new String(Base64.getUrlDecoder().decode(marker), StandardCharsets.UTF_8);
            if (text.startsWith("offset:")) {
                return Integer.parseInt(text.substring("offset:".length()));
            }
        } catch (IllegalArgumentException e) {
            // falls through to the error below
        }
        throw RdsFault.invalidParameter("Invalid Marker " + marker + ": pass back the Marker of the previous answer");
    }
}
