package io.bluegreen.demo.rehearsal;

import java.math.BigDecimal;

/**
 * A table's row count and a checksum that does not depend on the rows' physical order: the sum of the first 64 bits
 * of each row's {@code md5(row::text)} (a multiset hash: a row missing, changed or twice changes it).
 */
public record TableFigures(long rows, BigDecimal checksum) {

    /** The query, {@code table} already quoted ({@code format('%I.%I', ...)}). */
    static String query(String table) {
        return "SELECT count(*), coalesce(sum(('x' || substr(md5(bluegreen_row::text), 1, 16))::bit(64)::bigint::numeric), 0)"
                + " FROM ONLY " + table + " bluegreen_row";
    }
}
