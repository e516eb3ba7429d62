package io.bluegreen.monitor.support;

import io.bluegreen.local.postgres.LocalPostgres;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;

/**
 * Real 16 -> 17 logical replication of one database of the tests' own, set up with SQL: a table on both sides,
 * a publication and a slot on Blue, a subscription on Green (create_slot = false, copy_data = false).
 */
public final class Replication {

    private final LocalPostgres blue;
    private final LocalPostgres green;
    private final String database;

    private Replication(LocalPostgres blue, LocalPostgres green, String database) {
        this.blue = blue;
        this.green = green;
        this.database = database;
    }

    public static Replication establish(LocalPostgres blue, LocalPostgres green, String database) {
        Replication replication = new Replication(blue, green, database);
        blue.createDatabase(database);
        green.createDatabase(database);
        String table = "CREATE TABLE IF NOT EXISTS items (id bigserial PRIMARY KEY, payload text)";
        replication.onBlue(table,
                "CREATE PUBLICATION " + replication.publication() + " FOR TABLE items",
                "SELECT pg_create_logical_replication_slot('" + replication.slot() + "', 'pgoutput')");
        replication.onGreen(table, "CREATE SUBSCRIPTION " + replication.subscription() + " CONNECTION '"
                + blue.conninfo(database) + " password=" + blue.password() + "' PUBLICATION " + replication.publication()
                + " WITH (create_slot = false, slot_name = '" + replication.slot() + "', copy_data = false)");
        return replication;
    }

    public String database() {
        return database;
    }

    public String publication() {
        return "pub_" + database;
    }

    public String slot() {
        return "slot_" + database;
    }

    public String subscription() {
        return "sub_" + database;
    }

    public void disable() {
        onGreen("ALTER SUBSCRIPTION " + subscription() + " DISABLE");
    }

    public void enable() {
        onGreen("ALTER SUBSCRIPTION " + subscription() + " ENABLE");
    }

    /** Writes about {@code rows} x 200 bytes on Blue in one transaction. */
    public void burst(int rows) {
        onBlue("INSERT INTO items (payload) SELECT repeat(md5(g::text), 6) FROM generate_series(1, " + rows + ") g");
    }

    public void onBlue(String... statements) {
        run(blue, statements);
    }

    public void onGreen(String... statements) {
        run(green, statements);
    }

    private void run(LocalPostgres server, String... statements) {
        try (Connection connection = server.connect(database); Statement statement = connection.createStatement()) {
            for (String sql : statements) {
                statement.execute(sql);
            }
        } catch (SQLException e) {
            throw new IllegalStateException("SQL on " + server + " database " + database + " failed: " + e.getMessage(), e);
        }
    }
}
