package io.bluegreen.schemas.compat;

import org.apache.avro.Schema;
import org.apache.avro.SchemaCompatibility;
import org.apache.avro.SchemaCompatibility.SchemaCompatibilityType;
import org.apache.avro.SchemaCompatibility.SchemaPairCompatibility;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * Holds current schemas to released ones: a change must be both backward compatible (new readers read old
 * records: replayed history) and forward compatible (old readers read new records: services upgraded one at
 * a time). A released type may not disappear.
 */
public final class CompatibilityCheck {

    private CompatibilityCheck() {
    }

    /** The problems of one current schema against one released schema of the same name; empty when fine. */
    public static List<String> problems(Schema current, Schema released) {
        List<String> problems = new ArrayList<>();
        SchemaPairCompatibility backward = SchemaCompatibility.checkReaderWriterCompatibility(current, released);
        if (backward.getType() != SchemaCompatibilityType.COMPATIBLE) {
            problems.add(current.getFullName() + " cannot read records written with the released schema "
                    + "(not backward compatible): " + describe(backward));
        }
        SchemaPairCompatibility forward = SchemaCompatibility.checkReaderWriterCompatibility(released, current);
        if (forward.getType() != SchemaCompatibilityType.COMPATIBLE) {
            problems.add("the released " + current.getFullName() + " cannot read records written with the current "
                    + "schema (not forward compatible): " + describe(forward));
        }
        return problems;
    }

    /** The problems of the current schemas against every released one; empty when the change may ship. */
    public static List<String> problems(List<Schema> current, List<Schema> released) {
        Map<String, Schema> byName = current.stream()
                .collect(Collectors.toMap(Schema::getFullName, Function.identity(), (a, b) -> a));
        List<String> problems = new ArrayList<>();
        for (Schema old : released) {
            Schema now = byName.get(old.getFullName());
            if (now == null) {
                problems.add("released type " + old.getFullName() + " is gone: old records on the topics could no "
                        + "longer be read; keep the type");
            } else {
                problems.addAll(problems(now, old));
            }
        }
        return problems;
    }

    private static String describe(SchemaPairCompatibility result) {
        return result.getResult().getIncompatibilities().stream()
                .map(i -> i.getType() + " at " + i.getLocation() + (i.getMessage() == null ? "" : " (" + i.getMessage() + ")"))
                .collect(Collectors.joining("; "));
    }
}
