package io.bluegreen.pg.switchover;

import io.bluegreen.pg.replication.ObjectNames;
import io.bluegreen.pg.replication.PgSession;
import io.bluegreen.pg.replication.ReplicationAdmin;
import io.bluegreen.pg.replication.Sql;
import io.bluegreen.pg.replication.StepContext;
import io.bluegreen.schemas.command.pg.VerifyData;
import io.bluegreen.schemas.common.TableVerification;
import io.bluegreen.schemas.common.VerifyMode;
import io.bluegreen.schemas.result.DataVerified;
import org.apache.avro.specific.SpecificRecord;

import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

/**
 * Compares every user table of Blue with Green: row counts, and with {@code CHECKSUM} an order-independent
 * md5 over the rows' text forms. A difference is data, not an error: {@code DataVerified{matched = false}}
 * names each table. Leaf tables only (a partitioned parent is the sum of its partitions).
 */
public final class DataVerification {

    static final String TABLES = "SELECT n.nspname, c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
            + "WHERE c.relkind = 'r' AND n.nspname NOT IN ('pg_catalog', 'information_schema', '" + ObjectNames.SCHEMA + "') "
            + "AND n.nspname NOT LIKE 'pg\\_toast%' AND n.nspname NOT LIKE 'pg\\_temp\\_%' ORDER BY 1, 2";

    private final ReplicationAdmin admin;

    public DataVerification(ReplicationAdmin admin) {
        this.admin = admin;
    }

    private record Digest(long rows, String checksum) {
    }

    public SpecificRecord verify(StepContext ctx, VerifyData command) throws SQLException {
        boolean checksum = command.getMode() == VerifyMode.CHECKSUM;
        List<TableVerification> tables = new ArrayList<>();
        try (PgSession blue = admin.open(command.getSource()); PgSession green = admin.open(command.getTarget())) {
            for (String[] table : blue.list(TABLES, rs -> new String[]{rs.getString(1), rs.getString(2)})) {
                String sql = Sql.tableDigest(table[0], table[1], checksum);
                Digest b = blue.first(sql, rs -> new Digest(rs.getLong(1), rs.getString(2))).orElseThrow();
                Digest g;
                try {
                    g = green.first(sql, rs -> new Digest(rs.getLong(1), rs.getString(2))).orElseThrow();
                } catch (SQLException e) {
                    if (!"42P01".equals(e.getSQLState())) {
                        throw e;
                    }
                    g = new Digest(-1, null); // missing on Green
                }
                boolean matched = b.rows() == g.rows() && (!checksum || java.util.Objects.equals(b.checksum(), g.checksum()));
                tables.add(new TableVerification(table[0] + "." + table[1], b.rows(), g.rows(), b.checksum(), g.checksum(),
                        matched));
            }
        }
        DataVerified result = new DataVerified();
        result.setMatched(tables.stream().allMatch(TableVerification::getMatched));
        result.setMode(checksum ? VerifyMode.CHECKSUM : VerifyMode.ROW_COUNT);
        result.setTables(tables);
        return ctx.stamp(result);
    }
}
