package io.bluegreen.demo.rehearsal;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/**
 * The decisions of the final comparison, fenced old Blue against Green as it was handed over: which tables differ,
 * which sequences are behind. Facts in, findings out; each finding names {@code database.schema.object} and why.
 */
public final class Comparison {

    /**
     * A column fed by a sequence (identity, serial or a {@code nextval} default), on Green.
     *
     * @param next the value the sequence gives next
     * @param max  the column's largest value; null when the table is empty
     */
    public record SequenceColumn(String column, String sequence, long next, Long max) {
    }

    private Comparison() {
    }

    /** Every table of either side, by name ({@code schema.table}). */
    public static int compared(Map<String, TableFigures> blue, Map<String, TableFigures> green) {
        TreeSet<String> names = new TreeSet<>(blue.keySet());
        names.addAll(green.keySet());
        return names.size();
    }

    /** One line per table that is not the same on both sides: missing, extra, another row count, other contents. */
    public static List<String> tableMismatches(String database, Map<String, TableFigures> blue,
                                               Map<String, TableFigures> green) {
        TreeSet<String> names = new TreeSet<>(blue.keySet());
        names.addAll(green.keySet());
        List<String> mismatches = new ArrayList<>();
        for (String name : names) {
            TableFigures b = blue.get(name);
            TableFigures g = green.get(name);
            String where = database + "." + name + ": ";
            if (g == null) {
                mismatches.add(where + "missing on Green (Blue has " + b.rows() + " rows)");
            } else if (b == null) {
                mismatches.add(where + "only on Green (" + g.rows() + " rows), not on Blue");
            } else if (b.rows() != g.rows()) {
                mismatches.add(where + "Blue has " + b.rows() + " rows, Green " + g.rows());
            } else if (b.checksum().compareTo(g.checksum()) != 0) {
                mismatches.add(where + "same " + b.rows() + " rows but different contents (checksum)");
            }
        }
        return mismatches;
    }

    /**
     * Sequences whose value on Green is behind Blue's (or missing): a new row on Green could take a value Blue already
     * gave out. Values are {@code last_value}, null when the sequence was never used (then nothing can be behind it).
     */
    public static List<String> sequencesBehind(String database, Map<String, Long> blue, Map<String, Long> green) {
        List<String> behind = new ArrayList<>();
        for (String name : new TreeSet<>(blue.keySet())) {
            Long b = blue.get(name);
            if (b == null) {
                continue;
            }
            String where = database + "." + name + ": ";
            if (!green.containsKey(name)) {
                behind.add(where + "missing on Green (Blue at " + b + ")");
            } else if (green.get(name) == null || green.get(name) < b) {
                behind.add(where + "Green at " + (green.get(name) == null ? "its start (never used)" : green.get(name))
                        + ", behind Blue's " + b);
            }
        }
        return behind;
    }

    /** Columns whose sequence would next give a value the column already holds. */
    public static List<String> columnsBehind(String database, List<SequenceColumn> columns) {
        List<String> behind = new ArrayList<>();
        for (SequenceColumn column : columns) {
            if (column.max() != null && column.next() <= column.max()) {
                behind.add(database + "." + column.column() + ": its sequence " + column.sequence() + " gives "
                        + column.next() + " next, not above the column's largest value " + column.max());
            }
        }
        return behind;
    }
}
