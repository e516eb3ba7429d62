package io.bluegreen.pg.replication;

import io.bluegreen.schemas.Lsn;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** One JDBC connection to one database of one server, in autocommit, with small query helpers. */
public final class PgSession implements AutoCloseable {

    /** Maps the current row. */
    @FunctionalInterface
    public interface Row<T> {
        T map(ResultSet rs) throws SQLException;
    }

    private final Connection connection;
    private final String where;

    public PgSession(Connection connection, String where) {
        this.connection = connection;
        this.where = where;
    }

    /** {@code database on host:port}, for messages. */
    public String where() {
        return where;
    }

    public Connection connection() {
        return connection;
    }

    public <T> List<T> list(String sql, Row<T> row, Object... params) throws SQLException {
        try (PreparedStatement statement = connection.prepareStatement(sql)) {
            bind(statement, params);
            try (ResultSet rs = statement.executeQuery()) {
                List<T> out = new ArrayList<>();
                while (rs.next()) {
                    out.add(row.map(rs));
                }
                return out;
            }
        }
    }

    public <T> Optional<T> first(String sql, Row<T> row, Object... params) throws SQLException {
        List<T> rows = list(sql, row, params);
        return rows.isEmpty() ? Optional.empty() : Optional.ofNullable(rows.get(0));
    }

    public String text(String sql, Object... params) throws SQLException {
        return first(sql, rs -> rs.getString(1), params).orElse(null);
    }

    public long number(String sql, Object... params) throws SQLException {
        return first(sql, rs -> rs.getLong(1), params).orElse(0L);
    }

    public boolean exists(String sql, Object... params) throws SQLException {
        return first(sql, rs -> Boolean.TRUE, params).isPresent();
    }

    /** Runs a statement without parameters (DDL). */
    public void execute(String sql) throws SQLException {
        try (Statement statement = connection.createStatement()) {
            statement.execute(sql);
        }
    }

    /** The server's major version, e.g. 16. */
    public int serverMajor() throws SQLException {
        return (int) (number("SELECT current_setting('server_version_num')::int") / 10000);
    }

    public Lsn currentWalLsn() throws SQLException {
        return Lsn.parse(text("SELECT pg_current_wal_lsn()::text"));
    }

    private static void bind(PreparedStatement statement, Object... params) throws SQLException {
        for (int i = 0; i < params.length; i++) {
            statement.setObject(i + 1, params[i]);
        }
    }

    @Override
    public void close() {
        try {
            connection.close();
        } catch (SQLException ignored) {
            // closing a broken connection: nothing left to release
        }
    }
}
