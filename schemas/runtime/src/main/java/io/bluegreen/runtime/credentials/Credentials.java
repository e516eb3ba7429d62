package io.bluegreen.runtime.credentials;

import java.util.Objects;

/**
 * A user name and password resolved from a credentials reference. {@link #toString()} never shows the
 * password, so a credentials object that slips into a log line or an exception leaks nothing.
 */
public final class Credentials {

    private final String username;
    private final String password;

    public Credentials(String username, String password) {
        this.username = Objects.requireNonNull(username, "username");
        this.password = Objects.requireNonNull(password, "password");
    }

    public String username() {
        return username;
    }

    /** The secret itself: hand it to a driver, never to a message, a log line or an exception. */
    public String password() {
        return password;
    }

    @Override
    public String toString() {
        return "Credentials[username=" + username + ", password=****]";
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof Credentials that && username.equals(that.username) && password.equals(that.password);
    }

    @Override
    public int hashCode() {
        return Objects.hash(username, password);
    }
}
