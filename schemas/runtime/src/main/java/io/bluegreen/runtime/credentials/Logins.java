package io.bluegreen.runtime.credentials;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.sql.SQLException;
import java.util.IdentityHashMap;
import java.util.Map;

/**
 * Database logins with resolved credentials that survive a password rotation: when the server refuses the login as
 * unauthenticated (SQLSTATE class 28: {@code 28P01} invalid_password, {@code 28000}
 * invalid_authorization_specification), the resolver {@linkplain CredentialsResolver#forget forgets} the reference
 * and resolves it again, once; credentials that changed are tried once more, the same ones are not (the refusal
 * stands). Every login a service makes with a reference goes through here.
 */
public final class Logins {

    private static final Logger LOG = LoggerFactory.getLogger(Logins.class);

    /** One login attempt with the given credentials, such as a JDBC {@code DriverManager.getConnection}. */
    @FunctionalInterface
    public interface Attempt<T> {
        T logIn(Credentials credentials) throws SQLException;
    }

    private Logins() {
    }

    /**
     * Logs in to {@code host} with the credentials of {@code reference}.
     *
     * @throws SQLException                 the login's failure (the second one when credentials were read again)
     * @throws UnknownCredentialsException  as {@link CredentialsResolver#resolveFor}
     * @throws CredentialsNotBoundException as {@link CredentialsResolver#resolveFor}
     */
    public static <T> T open(CredentialsResolver resolver, String reference, String host, Attempt<T> attempt)
            throws SQLException {
        Credentials credentials = resolver.resolveFor(reference, host);
        try {
            return attempt.logIn(credentials);
        } catch (SQLException refused) {
            if (!unauthenticated(refused)) {
                throw refused;
            }
            Credentials reread;
            try {
                resolver.forget(reference);
                reread = resolver.resolveFor(reference, host);
            } catch (RuntimeException e) {
                e.addSuppressed(refused);
                throw e;
            }
            if (reread.equals(credentials)) {
                throw refused;
            }
            LOG.info("{} refused credentials '{}' ({}); they changed in their store, logging in with the new ones", host,
                    reference, refused.getSQLState());
            try {
                return attempt.logIn(reread);
            } catch (SQLException again) {
                again.addSuppressed(refused);
                throw again;
            }
        }
    }

    /** Whether the server refused the login as unauthenticated: SQLSTATE class 28 anywhere in the cause chain. */
    public static boolean unauthenticated(Throwable error) {
        Map<Throwable, Boolean> seen = new IdentityHashMap<>();
        for (Throwable t = error; t != null && seen.put(t, Boolean.TRUE) == null; t = t.getCause()) {
            if (t instanceof SQLException sql && sql.getSQLState() != null && sql.getSQLState().startsWith("28")) {
                return true;
            }
        }
        return false;
    }
}
