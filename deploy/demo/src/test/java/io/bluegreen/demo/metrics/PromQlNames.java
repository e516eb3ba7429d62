package io.bluegreen.demo.metrics;

import java.util.LinkedHashSet;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The metric names a PromQL expression reads: every identifier that is not a function call, a keyword, a label name in
 * a grouping ({@code by}, {@code without}, {@code on}, {@code ignoring}, {@code group_left}, {@code group_right}), a
 * label matcher, a string, a range or a number. Names are kept as the expression has them (a histogram's
 * {@code _bucket}, {@code _sum} and {@code _count} series are names Prometheus exports too). Grafana's
 * {@code label_values(metric, label)} names its metric as its first argument.
 */
final class PromQlNames {

    private static final Pattern STRINGS = Pattern.compile("\"(?:[^\"\\\\]|\\\\.)*\"|'(?:[^'\\\\]|\\\\.)*'|`[^`]*`");
    private static final Pattern MATCHERS = Pattern.compile("\\{[^}]*}");
    private static final Pattern RANGES = Pattern.compile("\\[[^]]*]");
    private static final Pattern GROUPINGS = Pattern.compile(
            "\\b(by|without|on|ignoring|group_left|group_right)\\s*\\([^)]*\\)", Pattern.CASE_INSENSITIVE);
    private static final Pattern LABEL_VALUES = Pattern.compile("label_values\\(\\s*([a-zA-Z_:][a-zA-Z0-9_:]*)\\s*,[^)]*\\)");
    private static final Pattern IDENTIFIER = Pattern.compile("[a-zA-Z_:][a-zA-Z0-9_:]*");
    private static final Set<String> KEYWORDS = Set.of("and", "or", "unless", "by", "without", "on", "ignoring",
            "group_left", "group_right", "bool", "offset", "inf", "nan", "atan2", "start", "end");

    private PromQlNames() {
    }

    static Set<String> of(String expression) {
        String text = STRINGS.matcher(expression).replaceAll(" ");
        Set<String> names = new LinkedHashSet<>();
        Matcher labelValues = LABEL_VALUES.matcher(text);
        while (labelValues.find()) {
            names.add(labelValues.group(1));
        }
        text = LABEL_VALUES.matcher(text).replaceAll(" ");
        text = MATCHERS.matcher(text).replaceAll(" ");
        text = RANGES.matcher(text).replaceAll(" ");
        text = GROUPINGS.matcher(text).replaceAll(" ");
        // Grafana's variables ($upgrade, ${datasource}, $__range) are no names
        text = text.replaceAll("\\$\\{[^}]*}|\\$[a-zA-Z_]+", " ");
        Matcher identifiers = IDENTIFIER.matcher(text);
        while (identifiers.find()) {
            String word = identifiers.group();
            int after = identifiers.end();
            while (after < text.length() && Character.isWhitespace(text.charAt(after))) {
                after++;
            }
            boolean call = after < text.length() && text.charAt(after) == '(';
            boolean number = identifiers.start() > 0 && Character.isDigit(text.charAt(identifiers.start() - 1));
            if (!call && !number && !KEYWORDS.contains(word.toLowerCase())) {
                names.add(word);
            }
        }
        return names;
    }
}
