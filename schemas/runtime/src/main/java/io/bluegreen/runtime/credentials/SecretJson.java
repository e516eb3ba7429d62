package io.bluegreen.runtime.credentials;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * Reads credentials from a secret's string value in the JSON RDS writes for the master secrets it manages (and its
 * rotation templates write): {@code {"username": "...", "password": "..."}}; other keys ({@code engine},
 * {@code host}, {@code port}, {@code dbname}) are ignored. What goes wrong is said by key name only: a parser's
 * message would quote the value, so none is passed on.
 */
public final class SecretJson {

    private static final ObjectMapper JSON = new ObjectMapper();

    private SecretJson() {
    }

    /**
     * @throws UnknownCredentialsException naming the reference, the secret and what it lacks, when the value is not a
     *                                     JSON object with a {@code username} and a {@code password} string
     */
    public static Credentials credentials(String reference, String secretId, String secretString) {
        String expected = "store {\"username\": \"...\", \"password\": \"...\"} as its value (the JSON RDS keeps in the "
                + "master user secrets it manages)";
        if (secretString == null) {
            throw new UnknownCredentialsException(reference, "secret '" + secretId
                    + "' holds no string (a binary secret?): " + expected);
        }
        JsonNode root;
        try {
            root = JSON.readTree(secretString);
        } catch (JsonProcessingException e) {
            throw new UnknownCredentialsException(reference, "the value of secret '" + secretId + "' is not JSON: " + expected);
        }
        if (root == null || !root.isObject()) {
            throw new UnknownCredentialsException(reference, "the value of secret '" + secretId
                    + "' is not a JSON object: " + expected);
        }
        return new Credentials(text(root, "username", reference, secretId, expected),
                text(root, "password", reference, secretId, expected));
    }

    private static String text(JsonNode root, String key, String reference, String secretId, String expected) {
        JsonNode value = root.get(key);
        if (value == null || !value.isTextual() || value.asText().isEmpty()) {
            throw new UnknownCredentialsException(reference, "secret '" + secretId + "' has no \"" + key
                    + "\" string: " + expected);
        }
        return value.asText();
    }
}
