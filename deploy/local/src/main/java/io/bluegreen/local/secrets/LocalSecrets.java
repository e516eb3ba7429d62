package io.bluegreen.local.secrets;

import java.security.SecureRandom;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

/**
 * The secrets of the local Secrets Manager endpoint, in memory: each with its versions and their staging labels as
 * AWS keeps them (a new {@code AWSCURRENT} version moves the label from the old one, which becomes
 * {@code AWSPREVIOUS}). A secret is found by name or by ARN. Thread-safe.
 */
final class LocalSecrets {

    static final String CURRENT = "AWSCURRENT";
    static final String PREVIOUS = "AWSPREVIOUS";
    private static final String ACCOUNT = "000000000000";
    private static final String SUFFIX_CHARACTERS = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";

    /** One version of a secret: its value and the labels it carries now. */
    static final class Version {
        final String id;
        final String value;
        final Instant created;
        final Set<String> stages = new LinkedHashSet<>();

        Version(String id, String value, Instant created) {
            this.id = id;
            this.value = value;
            this.created = created;
        }
    }

    /** A secret: its name, ARN and versions, oldest first. */
    static final class Secret {
        final String name;
        final String arn;
        final Instant created;
        final Map<String, Version> versions = new LinkedHashMap<>();

        Secret(String name, String arn, Instant created) {
            this.name = name;
            this.arn = arn;
            this.created = created;
        }

        Version staged(String stage) {
            return versions.values().stream().filter(v -> v.stages.contains(stage)).findFirst().orElse(null);
        }
    }

    /** What an answer shows of one version of a secret, taken under the lock. */
    record Seen(String name, String arn, String versionId, String value, List<String> stages, Instant created) {

        static Seen of(Secret secret, Version version) {
            return version == null ? new Seen(secret.name, secret.arn, null, null, List.of(), secret.created)
                    : new Seen(secret.name, secret.arn, version.id, version.value, List.copyOf(version.stages), version.created);
        }

        /** Never shows the value. */
        @Override
        public String toString() {
            return "Seen[" + arn + ", version " + versionId + " " + stages + "]";
        }
    }

    private final SecureRandom random = new SecureRandom();
    private final Map<String, Secret> byName = new LinkedHashMap<>();

    /** A new secret, with a first version labelled {@code AWSCURRENT} when a value is given. */
    synchronized Seen create(String name, String value, String token, String region) {
        if (name == null || name.isBlank()) {
            throw SecretsFault.invalidParameter("Name is required");
        }
        if (byName.containsKey(name)) {
            throw SecretsFault.exists("The operation failed because the secret " + name + " already exists.");
        }
        Secret secret = new Secret(name, "arn:aws:secretsmanager:" + region + ":" + ACCOUNT + ":secret:" + name + "-"
                + suffix(), Instant.now());
        Version first = value == null ? null : addVersion(secret, value, token, List.of(CURRENT));
        byName.put(name, secret);
        return Seen.of(secret, first);
    }

    /**
     * A new version of a secret (labelled {@code AWSCURRENT} unless other labels are given); the same token and value
     * answer the same version.
     */
    synchronized Seen put(String secretId, String value, String token, List<String> stages) {
        Secret secret = find(secretId);
        if (value == null) {
            throw SecretsFault.invalidParameter("SecretString is required");
        }
        return Seen.of(secret, addVersion(secret, value, token, stages == null || stages.isEmpty() ? List.of(CURRENT) : stages));
    }

    /** The version of a secret with that id, or else the one carrying that label ({@code AWSCURRENT} by default). */
    synchronized Seen get(String secretId, String versionId, String stage) {
        Secret secret = find(secretId);
        if (versionId != null) {
            Version version = secret.versions.get(versionId);
            if (version == null) {
                throw SecretsFault.notFound("Secrets Manager can't find the specified secret value for VersionId: " + versionId);
            }
            return Seen.of(secret, version);
        }
        String label = stage != null ? stage : CURRENT;
        Version version = secret.staged(label);
        if (version == null) {
            throw SecretsFault.notFound("Secrets Manager can't find the specified secret value for staging label: " + label);
        }
        return Seen.of(secret, version);
    }

    private Secret find(String secretId) {
        if (secretId == null || secretId.isBlank()) {
            throw SecretsFault.invalidParameter("SecretId is required");
        }
        Secret secret = byName.get(secretId);
        if (secret == null) {
            secret = byName.values().stream().filter(s -> s.arn.equals(secretId)).findFirst().orElse(null);
        }
        if (secret == null) {
            throw SecretsFault.notFound("Secrets Manager can't find the specified secret.");
        }
        return secret;
    }

    private Version addVersion(Secret secret, String value, String token, List<String> stages) {
        String id = token != null && !token.isBlank() ? token : UUID.randomUUID().toString();
        Version existing = secret.versions.get(id);
        if (existing != null) {
            if (existing.value.equals(value)) {
                return existing;
            }
            throw SecretsFault.exists("You can't modify an existing version, you can only create a new version.");
        }
        Version version = new Version(id, value, Instant.now());
        for (String stage : stages) {
            Version holder = secret.staged(stage);
            if (holder != null) {
                holder.stages.remove(stage);
                if (CURRENT.equals(stage)) {
                    Version previous = secret.staged(PREVIOUS);
                    if (previous != null) {
                        previous.stages.remove(PREVIOUS);
                    }
                    holder.stages.add(PREVIOUS);
                }
            }
            version.stages.add(stage);
        }
        secret.versions.put(id, version);
        return version;
    }

    private String suffix() {
        StringBuilder suffix = new StringBuilder();
        for (int i = 0; i < 6; i++) {
            suffix.append(SUFFIX_CHARACTERS.charAt(random.nextInt(SUFFIX_CHARACTERS.length())));
        }
        return suffix.toString();
    }
}
