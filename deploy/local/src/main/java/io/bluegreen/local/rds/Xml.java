package io.bluegreen.local.rds;

import java.time.Instant;
import java.time.temporal.ChronoUnit;

/** A small writer for RDS Query API response XML; text is escaped, characters XML 1.0 forbids are dropped. */
final class Xml {

    static final String NAMESPACE = "http://rds.amazonaws.com/doc/" + QueryRequest.API_VERSION + "/";

    private final StringBuilder out;

    /** A document, starting with the XML declaration. */
    Xml() {
        this.out = new StringBuilder("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    }

    private Xml(StringBuilder out) {
        this.out = out;
    }

    /** Elements to nest into a document. */
    static Xml fragment() {
        return new Xml(new StringBuilder());
    }

    Xml open(String element) {
        out.append('<').append(element).append('>');
        return this;
    }

    Xml openRoot(String element) {
        out.append('<').append(element).append(" xmlns=\"").append(NAMESPACE).append("\">");
        return this;
    }

    Xml close(String element) {
        out.append("</").append(element).append('>');
        return this;
    }

    /** An element with text; nothing when the value is null (AWS leaves absent fields out). */
    Xml element(String element, Object value) {
        if (value == null) {
            return this;
        }
        String text = value instanceof Instant instant ? instant.truncatedTo(ChronoUnit.MILLIS).toString()
                : value.toString();
        out.append('<').append(element).append('>');
        escape(text);
        out.append("</").append(element).append('>');
        return this;
    }

    private void escape(String text) {
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            switch (c) {
                case '<' -> out.append("&lt;");
                case '>' -> out.append("&gt;");
                case '&' -> out.append("&amp;");
                case '"' -> out.append("&quot;");
                case '\'' -> out.append("&apos;");
                case '\r' -> out.append("&#13;");
                default -> {
                    if (c >= 0x20 || c == '\n' || c == '\t') {
                        out.append(c);
                    }
                }
            }
        }
    }

    @Override
    public String toString() {
        return out.toString();
    }
}
