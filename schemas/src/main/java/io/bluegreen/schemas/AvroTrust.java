package io.bluegreen.schemas;

import org.apache.avro.util.ClassSecurityValidator;

/**
 * Avro 1.12 instantiates only trusted classes when it decodes or deep-copies (a builder made from another
 * record copies its enums and nested records). This trusts the generated {@code io.bluegreen} classes, once per
 * JVM. Called by {@link Topics} and the codec on first use, and first thing by every service's main.
 */
public final class AvroTrust {

    private static volatile boolean installed;

    private AvroTrust() {
    }

    public static void install() {
        if (installed) {
            return;
        }
        synchronized (AvroTrust.class) {
            if (!installed) {
                ClassSecurityValidator.setGlobal(ClassSecurityValidator.composite(ClassSecurityValidator.getGlobal(),
                        type -> type.getName().startsWith("io.bluegreen.")));
                installed = true;
            }
        }
    }
}
