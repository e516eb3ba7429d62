package io.bluegreen.demo.rehearsal;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The statements the workload clients run, per database; each statement is one transaction (with its
 * acknowledgement in the ledger).
 *
 * @param statements per database; a database not listed runs {@code everywhere}
 * @param everywhere the statements of every other database (a workload file runs in every database)
 */
public record Workload(Map<String, List<String>> statements, List<String> everywhere) {

    public Workload {
        Map<String, List<String>> copy = new LinkedHashMap<>();
        statements.forEach((database, list) -> copy.put(database, List.copyOf(list)));
        statements = Map.copyOf(copy);
        everywhere = List.copyOf(everywhere);
    }

    /** The same statements in every database. */
    public static Workload everywhere(List<String> statements) {
        return new Workload(Map.of(), statements);
    }

    public List<String> statementsFor(String database) {
        return statements.getOrDefault(database, everywhere);
    }

    /** Reads a workload file (see {@link #parse}); a missing, unreadable or empty file is an argument error. */
    public static Workload read(Path file) {
        String text;
        try {
            text = Files.readString(file, StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
            throw new IllegalArgumentException("workload file " + file + " does not exist");
        } catch (IOException e) {
            throw new IllegalArgumentException("workload file " + file + " cannot be read: " + e.getMessage());
        }
        List<String> statements = parse(text);
        if (statements.isEmpty()) {
            throw new IllegalArgumentException("workload file " + file + " holds no statement: write one SQL statement "
                    + "per line");
        }
        return everywhere(statements);
    }

    /**
     * One statement per line; blank lines and lines starting with {@code --} are skipped, surrounding blanks and one
     * trailing {@code ;} dropped.
     */
    public static List<String> parse(String text) {
        List<String> statements = new ArrayList<>();
        for (String line : text.split("\\R")) {
            String statement = line.strip();
            if (statement.isEmpty() || statement.startsWith("--")) {
                continue;
            }
            if (statement.endsWith(";")) {
                statement = statement.substring(0, statement.length() - 1).strip();
            }
            if (!statement.isEmpty()) {
                statements.add(statement);
            }
        }
        return statements;
    }
}
