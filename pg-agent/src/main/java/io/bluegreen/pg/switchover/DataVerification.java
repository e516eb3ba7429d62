package io.bluegreen.pg.switchover;

import io.bluegreen.pg.replication.ObjectNames;
import io.bluegreen.pg.replication.PgSession;
import io.bluegreen.pg.replication.ReplicationAdmin;
import io.bluegreen.pg.replication.Sql;
import io.bluegreen.runtime.agent.StepContext;
import io.bluegreen.runtime.agent.StepFailure;
import io.bluegreen.schemas.command.pg.VerifyData;
import io.bluegreen.schemas.common.FailureReason;
import io.bluegreen.schemas.common.TableVerification;
import io.bluegreen.schemas.common.VerifyMode;
import io.bluegreen.schemas.result.DataVerified;
import org.apache.avro.specific.SpecificRecord;

import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.function.Consumer;

/**
 * Compares every user table of Blue with Green: row counts, and with {@code CHECKSUM} an order-independent
 * md5 over the rows' text forms. A difference is data, not an error: {@code DataVerified{matched = false}}
 * names each table. Leaf tables only (a partitioned parent is the sum of its partitions).
 *
 * <p>After a switchover ({@code atSwitchoverSnapshot}) Green already takes writes, so it is read inside the
 * transaction the switchover opened at the drain point ({@link SnapshotKeeper}); Blue, fenced, inside its own.
 * Each compared table is reported as progress (the runtime sends the latest with every {@code StepInProgress}).
 */
public final class DataVerification {

    static final String TABLES = "SELECT n.nspname, c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
            + "WHERE c.relkind = 'r' AND n.nspname NOT IN ('pg_catalog', 'information_schema', '" + ObjectNames.SCHEMA + "') "
            + "AND n.nspname NOT LIKE 'pg\\_toast%' AND n.nspname NOT LIKE 'pg\\_temp\\_%' ORDER BY 1, 2";

    private final ReplicationAdmin admin;
    private final SnapshotKeeper snapshots;

    public DataVerification(ReplicationAdmin admin, SnapshotKeeper snapshots) {
        this.admin = admin;
        this.snapshots = snapshots;
    }

    private record Digest(long rows, String checksum) {
    }

    public SpecificRecord verify(StepContext ctx, VerifyData command) throws SQLException {
        Consumer<String> progress = detail -> ctx.progress(detail, null);
        boolean checksum = command.getMode() == VerifyMode.CHECKSUM;
        String database = command.getTarget().getDatabase();
        List<TableVerification> tables;
        if (command.getAtSwitchoverSnapshot()) {
            SnapshotKeeper.Kept kept = snapshots.find(ctx.upgradeId(), database).orElseThrow(() -> new StepFailure(
                    FailureReason.PRECONDITION_FAILED, false, "Green's snapshot at the drain point of " + database
                    + " is not held by this pg-agent (it restarted, or the snapshot outlived its time to live): Green has "
                    + "taken writes since the repoint, so it can no longer be compared exactly with the fenced Blue; compare "
                    + "the tables by hand before Blue is deleted"));
            tables = compare(kept.blue(), kept.green(), checksum, progress);
            if (tables.stream().allMatch(TableVerification::getMatched)) {
                snapshots.release(ctx.upgradeId(), database);
            }
        } else {
            try (PgSession blue = admin.open(command.getSource()); PgSession green = admin.open(command.getTarget())) {
                tables = compare(blue, green, checksum, progress);
            }
        }
        DataVerified result = new DataVerified();
        result.setMatched(tables.stream().allMatch(TableVerification::getMatched));
        result.setMode(checksum ? VerifyMode.CHECKSUM : VerifyMode.ROW_COUNT);
        result.setTables(tables);
        return ctx.stamp(result);
    }

    /** Every table of Blue against Green on the sessions given, in whatever transactions they are in. */
    public List<TableVerification> compare(PgSession blue, PgSession green, boolean checksum, Consumer<String> progress)
            throws SQLException {
        List<TableVerification> tables = new ArrayList<>();
        List<String[]> names = blue.list(TABLES, rs -> new String[]{rs.getString(1), rs.getString(2)});
        for (String[] table : names) {
            String sql = Sql.tableDigest(table[0], table[1], checksum);
            Digest b = blue.first(sql, rs -> new Digest(rs.getLong(1), rs.getString(2))).orElseThrow();
            Digest g = green.exists("SELECT 1 FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
                    + "WHERE n.nspname = ? AND c.relname = ?", table[0], table[1])
                    ? green.first(sql, rs -> new Digest(rs.getLong(1), rs.getString(2))).orElseThrow()
                    : new Digest(-1, null); // missing on Green
            boolean matched = b.rows() == g.rows() && (!checksum || Objects.equals(b.checksum(), g.checksum()));
            tables.add(new TableVerification(table[0] + "." + table[1], b.rows(), g.rows(), b.checksum(), g.checksum(), matched));
            progress.accept(tables.size() + " of " + names.size() + " table(s) compared, last " + table[0] + "." + table[1]);
        }
        return tables;
    }
}
