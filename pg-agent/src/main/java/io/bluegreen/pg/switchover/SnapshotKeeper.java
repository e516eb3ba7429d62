package io.bluegreen.pg.switchover;

import io.bluegreen.pg.replication.PgSession;

import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Keeps, per upgrade and database, a repeatable-read transaction on Green opened at the drain point (before
 * Green takes its first write) and one on the fenced Blue, so that the verification after the repoint compares
 * exactly what the switchover handed over while applications already write to Green. Held in this agent's
 * memory for at most {@code ttl}: a restarted agent has none, and the verification then says so. While held,
 * Green's vacuum cannot remove rows newer than the snapshot.
 */
public final class SnapshotKeeper implements AutoCloseable {

    /** Both sides of one database, each inside its open transaction. */
    public record Kept(PgSession green, PgSession blue, String snapshot, Instant keptAt) {
    }

    private final Map<String, Kept> kept = new ConcurrentHashMap<>();
    private final Duration ttl;
    private final Clock clock;

    public SnapshotKeeper(Duration ttl, Clock clock) {
        this.ttl = ttl;
        this.clock = clock;
    }

    /**
     * Opens the transactions on the two sessions (which this keeper then owns) and returns Green's snapshot id.
     * Call on Green before it is repointed.
     */
    public String keep(String upgradeId, String database, PgSession green, PgSession blue) throws SQLException {
        expire();
        begin(blue);
        String snapshot = begin(green);
        Kept previous = kept.put(key(upgradeId, database), new Kept(green, blue, snapshot, clock.instant()));
        if (previous != null) {
            close(previous);
        }
        return snapshot;
    }

    public Optional<Kept> find(String upgradeId, String database) {
        expire();
        return Optional.ofNullable(kept.get(key(upgradeId, database)));
    }

    /** Ends the transactions: the verification is done. */
    public void release(String upgradeId, String database) {
        Kept gone = kept.remove(key(upgradeId, database));
        if (gone != null) {
            close(gone);
        }
    }

    private static String begin(PgSession session) throws SQLException {
        session.connection().setAutoCommit(false);
        session.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY");
        return session.text("SELECT pg_export_snapshot()");
    }

    private void expire() {
        Instant oldest = clock.instant().minus(ttl);
        List<String> old = new ArrayList<>();
        kept.forEach((key, value) -> {
            if (value.keptAt().isBefore(oldest)) {
                old.add(key);
            }
        });
        old.forEach(key -> {
            Kept gone = kept.remove(key);
            if (gone != null) {
                close(gone);
            }
        });
    }

    private static void close(Kept gone) {
        gone.green().close();
        gone.blue().close();
    }

    private static String key(String upgradeId, String database) {
        return upgradeId + "|" + database;
    }

    @Override
    public void close() {
        kept.values().forEach(SnapshotKeeper::close);
        kept.clear();
    }
}
