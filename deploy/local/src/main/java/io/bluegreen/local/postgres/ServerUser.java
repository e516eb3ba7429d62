package io.bluegreen.local.postgres;

import io.bluegreen.local.support.Processes;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.GroupPrincipal;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.UserPrincipal;
import java.nio.file.attribute.UserPrincipalLookupService;
import java.nio.file.attribute.UserPrincipalNotFoundException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * The operating-system user PostgreSQL runs as. PostgreSQL refuses to run as root; when this JVM is root,
 * servers run as {@code postgres} (or {@code bluegreen}, created when neither exists) through {@code runuser},
 * and the directories they write are handed to that user. Otherwise they run as the current user.
 */
public final class ServerUser {

    private static final List<String> CANDIDATES = List.of("postgres", "bluegreen");
    private static volatile ServerUser current;

    private final String name;
    private final boolean switchUser;

    private ServerUser(String name, boolean switchUser) {
        this.name = name;
        this.switchUser = switchUser;
    }

    public static ServerUser current() {
        ServerUser user = current;
        if (user == null) {
            synchronized (ServerUser.class) {
                if (current == null) {
                    current = resolve();
                }
                user = current;
            }
        }
        return user;
    }

    private static ServerUser resolve() {
        String me = System.getProperty("user.name");
        if (!"root".equals(me)) {
            return new ServerUser(me, false);
        }
        UserPrincipalLookupService lookup = FileSystems.getDefault().getUserPrincipalLookupService();
        for (String candidate : CANDIDATES) {
            if (exists(lookup, candidate)) {
                return new ServerUser(candidate, true);
            }
        }
        String created = CANDIDATES.get(CANDIDATES.size() - 1);
        Processes.run(List.of("useradd", "--system", "--no-create-home", "--shell", "/usr/sbin/nologin", created),
                null, Map.of(), Duration.ofSeconds(30));
        return new ServerUser(created, true);
    }

    private static boolean exists(UserPrincipalLookupService lookup, String user) {
        try {
            lookup.lookupPrincipalByName(user);
            return true;
        } catch (UserPrincipalNotFoundException e) {
            return false;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public String name() {
        return name;
    }

    /** The command, prefixed so it runs as this user. */
    public List<String> command(List<String> command) {
        if (!switchUser) {
            return command;
        }
        List<String> wrapped = new ArrayList<>(List.of("runuser", "-u", name, "--"));
        wrapped.addAll(command);
        return wrapped;
    }

    /** Gives a tree to this user (when running as root) so the server can write it. */
    public void own(Path root) {
        if (!switchUser) {
            return;
        }
        try {
            UserPrincipalLookupService lookup = FileSystems.getDefault().getUserPrincipalLookupService();
            UserPrincipal owner = lookup.lookupPrincipalByName(name);
            GroupPrincipal group = lookup.lookupPrincipalByGroupName(name);
            try (Stream<Path> paths = Files.walk(root)) {
                for (Path path : (Iterable<Path>) paths::iterator) {
                    PosixFileAttributeView view = Files.getFileAttributeView(path, PosixFileAttributeView.class,
                            java.nio.file.LinkOption.NOFOLLOW_LINKS);
                    view.setOwner(owner);
                    view.setGroup(group);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("Could not hand " + root + " to user " + name + ": " + e.getMessage(), e);
        }
    }
}
