package io.bluegreen.runtime.credentials;

import org.junit.jupiter.api.Test;

import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class LoginsTest {

    /** Hands out the credentials of its list in turn, one more each time it is told to forget. */
    static class Rotating implements CredentialsResolver {
        final List<Credentials> versions;
        int current;
        int forgotten;

        Rotating(Credentials... versions) {
            this.versions = List.of(versions);
        }

        @Override
        public Credentials resolve(String reference) {
            return versions.get(current);
        }

        @Override
        public Credentials resolveFor(String reference, String host) {
            return resolve(reference);
        }

        @Override
        public void forget(String reference) {
            forgotten++;
            current = Math.min(current + 1, versions.size() - 1);
        }
    }

    private static final Credentials OLD = new Credentials("app", "old-password");
    private static final Credentials NEW = new Credentials("app", "new-password");

    /** A server that accepts one password. */
    private static Logins.Attempt<String> serverAccepting(Credentials accepted, List<Credentials> tried) {
        return credentials -> {
            tried.add(credentials);
            if (!credentials.equals(accepted)) {
                throw new SQLException("password authentication failed for user \"app\"", "28P01");
            }
            return "session";
        };
    }

    @Test
    void aRefusedLoginReadsTheCredentialsAgainOnceAndLogsInWithTheNewOnes() throws SQLException {
        Rotating resolver = new Rotating(OLD, NEW);
        List<Credentials> tried = new ArrayList<>();
        assertEquals("session", Logins.open(resolver, "blue", "127.0.0.1", serverAccepting(NEW, tried)));
        assertEquals(List.of(OLD, NEW), tried);
        assertEquals(1, resolver.forgotten);
    }

    @Test
    void unchangedCredentialsAreNotTriedTwice() {
        Rotating resolver = new Rotating(OLD);
        List<Credentials> tried = new ArrayList<>();
        SQLException refused = assertThrows(SQLException.class,
                () -> Logins.open(resolver, "blue", "127.0.0.1", serverAccepting(NEW, tried)));
        assertEquals("28P01", refused.getSQLState());
        assertEquals(List.of(OLD), tried);
        assertEquals(1, resolver.forgotten, "read again once");
    }

    @Test
    void aSecondRefusalEndsItWithTheFirstAttached() {
        Rotating resolver = new Rotating(OLD, NEW, new Credentials("app", "newest"));
        List<Credentials> tried = new ArrayList<>();
        SQLException refused = assertThrows(SQLException.class,
                () -> Logins.open(resolver, "blue", "127.0.0.1", serverAccepting(new Credentials("app", "newest"), tried)));
        assertEquals(List.of(OLD, NEW), tried, "one more attempt, not a loop");
        assertEquals(1, resolver.forgotten);
        assertEquals(1, refused.getSuppressed().length);
    }

    @Test
    void otherFailuresAreNotRetried() {
        Rotating resolver = new Rotating(OLD, NEW);
        SQLException unreachable = new SQLException("Connection refused", "08001");
        SQLException thrown = assertThrows(SQLException.class, () -> Logins.open(resolver, "blue", "127.0.0.1", credentials -> {
            throw unreachable;
        }));
        assertSame(unreachable, thrown);
        assertEquals(0, resolver.forgotten);
    }

    @Test
    void credentialsGoneAfterARefusalSayWhyWithTheRefusalAttached() {
        CredentialsResolver gone = new Rotating(OLD) {
            @Override
            public Credentials resolveFor(String reference, String host) {
                if (forgotten > 0) {
                    throw new UnknownCredentialsException(reference, "no secret 'bluegreen/blue'");
                }
                return OLD;
            }
        };
        UnknownCredentialsException e = assertThrows(UnknownCredentialsException.class,
                () -> Logins.open(gone, "blue", "127.0.0.1", serverAccepting(NEW, new ArrayList<>())));
        assertEquals("28P01", ((SQLException) e.getSuppressed()[0]).getSQLState());
    }

    @Test
    void unauthenticatedIsSqlStateClass28AnywhereInTheChain() {
        assertTrue(Logins.unauthenticated(new SQLException("x", "28000")));
        assertTrue(Logins.unauthenticated(new RuntimeException(new SQLException("x", "28P01"))));
        assertFalse(Logins.unauthenticated(new SQLException("x", "42501")));
        assertFalse(Logins.unauthenticated(new SQLException("x")));
    }
}
