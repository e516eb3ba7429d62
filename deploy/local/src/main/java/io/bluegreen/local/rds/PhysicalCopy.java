package io.bluegreen.local.rds;

import io.bluegreen.local.postgres.LocalPostgres;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Set;
import java.util.stream.Stream;

/**
 * A physical copy of a running server's data directory with PostgreSQL's backup API, while the server keeps
 * taking writes: the recipe recorded in FACTS.md, step by step.
 *
 * <ol>
 *   <li>{@code pg_backup_start(label, fast => true)} on one session;</li>
 *   <li>copy the data directory, leaving out what a base backup leaves out ({@code postmaster.pid},
 *       {@code postmaster.opts}, the contents of {@code pg_wal}, {@code pg_stat_tmp}, {@code pg_subtrans},
 *       {@code pg_notify}, {@code pg_serial}, {@code pg_snapshots}, {@code pg_dynshmem}, temporary files);
 *       logical replication slots in {@code pg_replslot} are kept, as AWS keeps them in a clone;</li>
 *   <li>{@code pg_backup_stop(wait_for_archive => true)} on the same session (a NOTICE says archiving is off:
 *       the WAL is copied here instead);</li>
 *   <li>copy the source's {@code pg_wal} segments again, after the stop, and write the returned
 *       {@code labelfile} to {@code backup_label} (and {@code spcmapfile} to {@code tablespace_map} when not
 *       empty). Before that copy, one synchronously committed transaction makes sure the segment that
 *       {@code pg_backup_stop}'s WAL switch started exists and holds a record: without it an idle source leaves
 *       the copy's recovery ending silently at the missing segment, with no {@code invalid record length} line.</li>
 * </ol>
 * Started as a primary (no recovery signal files), the copy replays WAL up to the end of what was copied and
 * logs {@code invalid record length at X}; X is the first byte it does not hold, and the redo LSN of its
 * end-of-recovery checkpoint.
 */
final class PhysicalCopy {

    private static final Set<String> SKIPPED_FILES = Set.of("postmaster.pid", "postmaster.opts", "backup_label",
            "backup_label.old", "tablespace_map", "current_logfiles", "pg_internal.init");
    private static final Set<String> EMPTIED_DIRECTORIES = Set.of("pg_wal", "pg_stat_tmp", "pg_subtrans",
            "pg_notify", "pg_serial", "pg_snapshots", "pg_dynshmem");

    private PhysicalCopy() {
    }

    /**
     * Copies {@code source}'s data directory to {@code targetData} (which must not exist), ready to start.
     *
     * @return the LSN {@code pg_backup_stop} returned (where the backup ends at the least)
     */
    static String take(LocalPostgres source, Path targetData) {
        Path sourceData = source.dataDirectory();
        try (Connection connection = source.connect("postgres"); Statement statement = connection.createStatement()) {
            statement.execute("SELECT pg_backup_start('bluegreen-local-copy', true)");
            String stopLsn;
            String labelFile;
            String spcmapFile;
            try {
                copyTree(sourceData, targetData, true);
            } finally {
                try (ResultSet rs = statement.executeQuery("SELECT lsn, labelfile, spcmapfile FROM pg_backup_stop(true)")) {
                    rs.next();
                    stopLsn = rs.getString(1);
                    labelFile = rs.getString(2);
                    spcmapFile = rs.getString(3);
                }
            }
            // pg_backup_stop switched to a new segment, which may not exist yet: a transaction that writes a
            // record commits synchronously (flushed), so the segment exists and the copy's recovery reads on into
            // it and ends there with "invalid record length at", not silently where the segment file is missing.
            statement.execute("SELECT pg_logical_emit_message(true, 'bluegreen-local', 'copy taken')");
            copyWal(sourceData.resolve("pg_wal"), targetData.resolve("pg_wal"));
            Files.writeString(targetData.resolve("backup_label"), labelFile);
            if (spcmapFile != null && !spcmapFile.isEmpty()) {
                Files.writeString(targetData.resolve("tablespace_map"), spcmapFile);
            }
            return stopLsn;
        } catch (SQLException e) {
            throw new IllegalStateException("Backup of " + source + " failed (SQLSTATE " + e.getSQLState() + "): "
                    + e.getMessage(), e);
        } catch (IOException e) {
            throw new UncheckedIOException("Copying " + sourceData + " to " + targetData + " failed: " + e.getMessage(), e);
        }
    }

    /** Copies a whole directory tree that nothing writes any more (a snapshot). */
    static void copyQuiet(Path from, Path to) {
        try {
            copyTree(from, to, false);
        } catch (IOException e) {
            throw new UncheckedIOException("Copying " + from + " to " + to + " failed: " + e.getMessage(), e);
        }
    }

    private static void copyTree(Path sourceData, Path targetData, boolean live) throws IOException {
        Files.walkFileTree(sourceData, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs) throws IOException {
                Path target = targetData.resolve(sourceData.relativize(dir).toString());
                Files.copy(dir, target, StandardCopyOption.COPY_ATTRIBUTES);
                boolean emptied = live && dir.getParent() != null && dir.getParent().equals(sourceData)
                        && EMPTIED_DIRECTORIES.contains(dir.getFileName().toString());
                if (emptied) {
                    if (dir.getFileName().toString().equals("pg_wal")) {
                        Files.createDirectories(target.resolve("archive_status"));
                    }
                    return FileVisitResult.SKIP_SUBTREE;
                }
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                String name = file.getFileName().toString();
                if (live && (SKIPPED_FILES.contains(name) || name.startsWith("pgsql_tmp"))) {
                    return FileVisitResult.CONTINUE;
                }
                Path target = targetData.resolve(sourceData.relativize(file).toString());
                try {
                    Files.copy(file, target, StandardCopyOption.COPY_ATTRIBUTES, LinkOption.NOFOLLOW_LINKS);
                } catch (NoSuchFileException vanished) {
                    // dropped while copying: WAL replay recreates or removes it
                }
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFileFailed(Path file, IOException e) throws IOException {
                if (e instanceof NoSuchFileException) {
                    return FileVisitResult.CONTINUE;
                }
                throw e;
            }
        });
    }

    private static void copyWal(Path sourceWal, Path targetWal) throws IOException {
        try (Stream<Path> segments = Files.list(sourceWal)) {
            for (Path segment : (Iterable<Path>) segments::iterator) {
                String name = segment.getFileName().toString();
                if (!Files.isRegularFile(segment, LinkOption.NOFOLLOW_LINKS) || name.endsWith(".tmp")) {
                    continue;
                }
                try {
                    Files.copy(segment, targetWal.resolve(name), StandardCopyOption.REPLACE_EXISTING,
                            StandardCopyOption.COPY_ATTRIBUTES);
                } catch (NoSuchFileException recycled) {
                    // removed or recycled by a checkpoint: older than the backup's start
                }
            }
        }
    }

    /** The redo LSN of the copy's first (end-of-recovery) checkpoint: read it before anything else runs. */
    static String firstStartLsn(LocalPostgres copy) {
        try (Connection connection = copy.connect("postgres"); Statement statement = connection.createStatement();
             ResultSet rs = statement.executeQuery("SELECT redo_lsn FROM pg_control_checkpoint()")) {
            rs.next();
            return rs.getString(1);
        } catch (SQLException e) {
            throw new IllegalStateException("Could not read the checkpoint of " + copy + ": " + e.getMessage(), e);
        }
    }

    /** Makes {@code SELECT aurora_volume_logical_start_lsn()} answer {@code lsn} in every database of the copy. */
    static void createAuroraFunction(LocalPostgres copy, String lsn) {
        for (String database : Catalog.databases(copy, true)) {
            try (Connection connection = copy.connect(database); Statement statement = connection.createStatement()) {
                statement.execute("CREATE OR REPLACE FUNCTION public." + SchemaCopy.AURORA_FUNCTION
                        + "() RETURNS pg_lsn LANGUAGE sql IMMUTABLE AS $$ SELECT '" + lsn + "'::pg_lsn $$");
            } catch (SQLException e) {
                throw new IllegalStateException("Could not create " + SchemaCopy.AURORA_FUNCTION + "() in database "
                        + database + " of " + copy + ": " + e.getMessage(), e);
            }
        }
    }
}
