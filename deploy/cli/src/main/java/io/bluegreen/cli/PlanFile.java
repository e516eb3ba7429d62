package io.bluegreen.cli;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;

import java.io.IOException;
import java.nio.charset.CharacterCodingException;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.Locale;
import java.util.Map;

/**
 * A plan file, YAML or JSON, read into the JSON the coordinator takes. YAML when the name ends in {@code .yaml} or
 * {@code .yml}; JSON when it ends in {@code .json} or the text starts with <code>{</code>; YAML otherwise. Both refuse a key given twice. In YAML a plan has no fractional
 * numbers: {@code targetVersion: 17.10} is the text {@code "17.10"}, as written (not the number 17.1).
 * A file that cannot be read or parsed is bad input (exit 2), named with its line and column.
 */
public final class PlanFile {

    private static final ObjectMapper JSON = configure(new ObjectMapper());
    private static final ObjectMapper YAML = configure(new ObjectMapper(new YAMLFactory()))
            .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS);

    private PlanFile() {
    }

    private static ObjectMapper configure(ObjectMapper mapper) {
        mapper.enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION);
        mapper.enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);
        mapper.setNodeFactory(JsonNodeFactory.withExactBigDecimals(true));
        return mapper;
    }

    /** The plan as a JSON object, or a {@link CliException} (exit 2) naming the file, the line and what to fix. */
    public static ObjectNode read(Path file) {
        String text;
        try {
            text = Files.readString(file);
        } catch (NoSuchFileException e) {
            throw CliException.badInput("no plan file", file.toString(), "give the path of a YAML or JSON plan");
        } catch (AccessDeniedException e) {
            throw CliException.badInput("cannot read the plan (permission denied)", file.toString(),
                    "make it readable to this user");
        } catch (CharacterCodingException e) {
            throw CliException.badInput("the plan is not UTF-8 text", file.toString(), "save it as UTF-8");
        } catch (IOException e) {
            throw CliException.badInput("cannot read the plan (" + e.getMessage() + ")", file.toString(),
                    "give the path of a readable YAML or JSON file");
        }
        return parse(file.toString(), text);
    }

    /** @param name how to name the source in a message */
    public static ObjectNode parse(String name, String text) {
        if (text.isBlank()) {
            throw CliException.badInput("the plan is empty", name, "write the plan as a YAML or JSON object");
        }
        String lower = name.toLowerCase(Locale.ROOT);
        boolean yaml = lower.endsWith(".yaml") || lower.endsWith(".yml");
        boolean json = lower.endsWith(".json") || !yaml && text.stripLeading().startsWith("{");
        JsonNode tree;
        try {
            tree = (json ? JSON : YAML).readTree(text);
        } catch (JsonProcessingException e) {
            JsonLocation at = e.getLocation();
            String where = at == null || at.getLineNr() < 1 ? name : name + ":" + at.getLineNr() + ":" + at.getColumnNr();
            throw CliException.badInput("the plan is not valid " + (json ? "JSON" : "YAML") + " ("
                    + firstLine(e.getOriginalMessage()) + ")", where, "fix the file at that line");
        }
        if (tree == null || !tree.isObject()) {
            throw CliException.badInput("the plan is not an object (it is " + kind(tree) + ")", name,
                    "write the plan's fields (blue, targetVersion, databases, ...) at the top level");
        }
        return json ? (ObjectNode) tree : (ObjectNode) decimalsAsText(tree);
    }

    /** Fractional numbers as the text they were written with: a plan has no fractional numbers, versions do. */
    private static JsonNode decimalsAsText(JsonNode node) {
        if (node.isBigDecimal() || node.isDouble() || node.isFloat()) {
            return TextNode.valueOf(node.decimalValue().toPlainString());
        }
        if (node instanceof ObjectNode object) {
            for (Iterator<Map.Entry<String, JsonNode>> it = object.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> field = it.next();
                field.setValue(decimalsAsText(field.getValue()));
            }
        } else if (node instanceof ArrayNode array) {
            for (int i = 0; i < array.size(); i++) {
                array.set(i, decimalsAsText(array.get(i)));
            }
        }
        return node;
    }

    private static String kind(JsonNode tree) {
        if (tree == null || tree.isNull() || tree.isMissingNode()) {
            return "empty";
        }
        return tree.isArray() ? "a list" : "a single value";
    }

    private static String firstLine(String message) {
        if (message == null) {
            return "unreadable";
        }
        int newline = message.indexOf('\n');
        return (newline < 0 ? message : message.substring(0, newline)).trim();
    }
}
