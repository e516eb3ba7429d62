package io.bluegreen.coordinator;

import java.net.MalformedURLException;
import java.net.URL;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * API users for tests, one per role and one with every role, their passwords made per test JVM; the configuration
 * that gives them to a coordinator, and a URL that logs in as one of them (HTTP Basic from the URL's user info).
 */
public final class ApiLogins {

    /** A login. {@link #toString()} hides the password. */
    public record Login(String name, String password, List<String> roles) {
        @Override
        public String toString() {
            return "Login[" + name + "]";
        }
    }

    public static final Login ADMIN = login("it-admin", List.of("viewer", "operator", "approver"));
    public static final Login VIEWER = login("it-viewer", List.of("viewer"));
    public static final Login OPERATOR = login("it-operator", List.of("operator"));
    public static final Login APPROVER = login("it-approver", List.of("approver"));

    private ApiLogins() {
    }

    private static Login login(String name, List<String> roles) {
        byte[] random = new byte[18];
        new SecureRandom().nextBytes(random);
        return new Login(name, Base64.getUrlEncoder().withoutPadding().encodeToString(random), roles);
    }

    /**
     * The users' configuration (credentials by reference, roles); plans name Blues that do not exist on AWS, so the
     * coordinator is told not to ask AWS about them.
     */
    public static Map<String, Object> properties() {
        Map<String, Object> properties = new HashMap<>();
        for (Login login : List.of(ADMIN, VIEWER, OPERATOR, APPROVER)) {
            String ref = login.name() + "-login";
            properties.put("bluegreen.credentials." + ref + ".username", login.name());
            properties.put("bluegreen.credentials." + ref + ".password", login.password());
            properties.put("bluegreen.api.users." + ref + ".roles", login.roles());
        }
        properties.put("bluegreen.coordinator.aws-plan-check.enabled", false);
        return properties;
    }

    /** The server's URL, logged in as {@code login}. */
    public static URL as(Login login, URL server) {
        try {
            return new URL(server.getProtocol() + "://" + login.name() + ":" + login.password() + "@" + server.getHost() + ":"
                    + server.getPort());
        } catch (MalformedURLException e) {
            throw new IllegalArgumentException(e);
        }
    }
}
