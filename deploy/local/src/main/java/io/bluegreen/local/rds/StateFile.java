package io.bluegreen.local.rds;

import java.io.IOException;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import java.util.function.Supplier;

/**
 * The emulator's state as a properties file ({@code <kind>.<id>.<field> = value}), written whole and atomically
 * after every change. Readable only by its owner: it holds the servers' superuser passwords.
 */
final class StateFile {

    private final Path file;

    StateFile(Path file) {
        this.file = file;
    }

    void save(Map<String, Map<String, ?>> kinds) {
        Properties properties = new Properties();
        kinds.forEach((kind, objects) -> objects.forEach((id, object) -> write(properties, kind + "." + escape(id) + ".", object)));
        try {
            Path temp = file.resolveSibling(file.getFileName() + ".tmp");
            Files.deleteIfExists(temp);
            Files.createFile(temp, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
            try (Writer writer = Files.newBufferedWriter(temp, StandardCharsets.UTF_8)) {
                properties.store(writer, "bluegreen local RDS endpoint state");
            }
            Files.move(temp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new UncheckedIOException("Could not save the emulator state to " + file + ": " + e.getMessage(), e);
        }
    }

    /** The objects of one kind, by id. */
    <T> Map<String, T> load(String kind, Supplier<T> factory) {
        Map<String, T> objects = new LinkedHashMap<>();
        if (!Files.exists(file)) {
            return objects;
        }
        Properties properties = new Properties();
        try (Reader reader = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            properties.load(reader);
        } catch (IOException e) {
            throw new UncheckedIOException("Could not read the emulator state " + file + ": " + e.getMessage(), e);
        }
        Map<String, Map<String, String>> byId = new TreeMap<>();
        for (String key : properties.stringPropertyNames()) {
            String[] parts = key.split("\\.", 3);
            if (parts.length == 3 && parts[0].equals(kind)) {
                byId.computeIfAbsent(parts[1], id -> new LinkedHashMap<>()).put(parts[2], properties.getProperty(key));
            }
        }
        byId.forEach((id, fields) -> {
            T object = factory.get();
            read(fields, object);
            objects.put(unescape(id), object);
        });
        return objects;
    }

    /** Ids may hold dots ({@code default.postgres16}): the key's separator is escaped inside them. */
    static String escape(String id) {
        return id.replace("%", "%25").replace(".", "%2E");
    }

    static String unescape(String id) {
        return id.replace("%2E", ".").replace("%25", "%");
    }

    /** The fields of a model class and of the classes it extends. */
    private static List<Field> fields(Object object) {
        List<Field> fields = new ArrayList<>();
        for (Class<?> type = object.getClass(); type != Object.class; type = type.getSuperclass()) {
            for (Field field : type.getDeclaredFields()) {
                if (!Modifier.isStatic(field.getModifiers())) {
                    field.setAccessible(true);
                    fields.add(field);
                }
            }
        }
        return fields;
    }

    private static void write(Properties properties, String prefix, Object object) {
        try {
            for (Field field : fields(object)) {
                Object value = field.get(object);
                if (value instanceof List<?> list) {
                    properties.setProperty(prefix + field.getName(), String.join(",", list.stream().map(String::valueOf).toList()));
                } else if (value instanceof Map<?, ?> map) {
                    map.forEach((k, v) -> properties.setProperty(prefix + field.getName() + "." + k, String.valueOf(v)));
                } else if (value != null) {
                    properties.setProperty(prefix + field.getName(), value.toString());
                }
            }
        } catch (IllegalAccessException e) {
            throw new IllegalStateException(e);
        }
    }

    @SuppressWarnings("unchecked")
    private static void read(Map<String, String> fields, Object object) {
        try {
            for (Field field : fields(object)) {
                Class<?> type = field.getType();
                if (Map.class.isAssignableFrom(type)) {
                    Map<String, String> map = (Map<String, String>) field.get(object);
                    String prefix = field.getName() + ".";
                    fields.forEach((k, v) -> {
                        if (k.startsWith(prefix)) {
                            map.put(k.substring(prefix.length()), v);
                        }
                    });
                    continue;
                }
                String text = fields.get(field.getName());
                if (text == null) {
                    continue;
                }
                if (type == List.class) {
                    List<String> list = (List<String>) field.get(object);
                    list.clear();
                    if (!text.isEmpty()) {
                        list.addAll(List.of(text.split(",")));
                    }
                } else if (type == String.class) {
                    field.set(object, text);
                } else if (type == int.class) {
                    field.setInt(object, Integer.parseInt(text));
                } else if (type == boolean.class) {
                    field.setBoolean(object, Boolean.parseBoolean(text));
                } else if (type == Instant.class) {
                    field.set(object, Instant.parse(text));
                } else {
                    throw new IllegalStateException("No state format for " + type + " (" + field + ")");
                }
            }
        } catch (IllegalAccessException e) {
            throw new IllegalStateException(e);
        }
    }
}
