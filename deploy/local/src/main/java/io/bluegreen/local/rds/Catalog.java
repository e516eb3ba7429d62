package io.bluegreen.local.rds;

import io.bluegreen.local.postgres.LocalPostgres;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;

/** Small catalog reads the emulator needs on its servers. */
final class Catalog {

    private Catalog() {
    }

    /** Databases that accept connections; with or without {@code template1}. */
    static List<String> databases(LocalPostgres server, boolean withTemplate1) {
        return strings(server, "postgres", "SELECT datname FROM pg_database WHERE datallowconn"
                + (withTemplate1 ? "" : " AND NOT datistemplate") + " ORDER BY datname");
    }

    /** Replication slots, as {@code name (logical, database)}. */
    static List<String> replicationSlots(LocalPostgres server) {
        return strings(server, "postgres", "SELECT slot_name || ' (' || slot_type || coalesce(', database ' || database, '')"
                + " || ')' FROM pg_replication_slots ORDER BY slot_name");
    }

    static List<String> strings(LocalPostgres server, String database, String sql) {
        try (Connection connection = server.connect(database); Statement statement = connection.createStatement();
             ResultSet rs = statement.executeQuery(sql)) {
            List<String> values = new ArrayList<>();
            while (rs.next()) {
                values.add(rs.getString(1));
            }
            return values;
        } catch (SQLException e) {
            throw new IllegalStateException("Catalog query on " + server + " database " + database + " failed: "
                    + e.getMessage(), e);
        }
    }
}
