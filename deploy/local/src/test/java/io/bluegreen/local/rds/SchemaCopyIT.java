package io.bluegreen.local.rds;

import io.bluegreen.local.postgres.LocalPostgres;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The upgrade fallback carries every object kind its Javadoc lists from 16 to 17, and refuses the rest. */
class SchemaCopyIT {

    private static LocalPostgres source;
    private static LocalPostgres target;

    @BeforeAll
    static void start() {
        source = LocalPostgres.builder(16).name("schema-copy-16").start();
        target = LocalPostgres.builder(17).name("schema-copy-17").password(source.password()).start();
    }

    @AfterAll
    static void stop() {
        source.close();
        target.close();
    }

    @Test
    void copiesRolesSchemasTypesFunctionsTablesConstraintsIndexesViewsTriggersSequencesAndPublications() throws Exception {
        source.createDatabase("shop");
        try (Connection c = source.connect("postgres"); Statement s = c.createStatement()) {
            s.execute("CREATE ROLE shop_owner LOGIN PASSWORD 'owner-secret-1'");
            s.execute("CREATE ROLE readers NOLOGIN");
            s.execute("GRANT readers TO shop_owner");
            s.execute("ALTER DATABASE shop OWNER TO shop_owner");
        }
        try (Connection c = source.connect("shop"); Statement s = c.createStatement()) {
            s.execute("CREATE SCHEMA sales AUTHORIZATION shop_owner");
            s.execute("CREATE TYPE sales.status AS ENUM ('new', 'paid', 'shipped')");
            s.execute("CREATE SEQUENCE sales.invoice_no START 1000 INCREMENT 10");
            s.execute("SELECT nextval('sales.invoice_no'), nextval('sales.invoice_no')");
            s.execute("CREATE TABLE sales.customers (id int GENERATED ALWAYS AS IDENTITY PRIMARY KEY,"
                    + " email text NOT NULL UNIQUE, name text COLLATE \"C\")");
            s.execute("CREATE TABLE sales.orders (id bigserial PRIMARY KEY, customer int NOT NULL REFERENCES sales.customers,"
                    + " status sales.status NOT NULL DEFAULT 'new', net numeric(10,2) NOT NULL CHECK (net >= 0),"
                    + " gross numeric(10,2) GENERATED ALWAYS AS (net * 1.2) STORED,"
                    + " invoice bigint DEFAULT nextval('sales.invoice_no'), note text)");
            s.execute("CREATE INDEX orders_status ON sales.orders (status) WHERE status <> 'shipped'");
            s.execute("ALTER TABLE sales.orders REPLICA IDENTITY FULL");
            s.execute("CREATE UNLOGGED TABLE sales.scratch (k text)");
            s.execute("CREATE FUNCTION sales.touch() RETURNS trigger LANGUAGE plpgsql AS $$"
                    + " BEGIN NEW.note := coalesce(NEW.note, 'touched'); RETURN NEW; END $$");
            s.execute("CREATE TRIGGER orders_touch BEFORE INSERT ON sales.orders FOR EACH ROW EXECUTE FUNCTION sales.touch()");
            s.execute("CREATE VIEW sales.open_orders AS SELECT id, customer, net FROM sales.orders WHERE status <> 'shipped'");
            s.execute("INSERT INTO sales.customers (email, name) SELECT 'c' || g || '@example.com', 'C ' || g FROM generate_series(1, 50) g");
            s.execute("INSERT INTO sales.orders (customer, status, net) SELECT 1 + g % 50, (ARRAY['new','paid','shipped'])[1 + g % 3]::sales.status,"
                    + " g FROM generate_series(1, 300) g");
            s.execute("CREATE PUBLICATION shop_pub FOR TABLE sales.orders, sales.customers");
            s.execute("ALTER TABLE sales.orders OWNER TO shop_owner");
        }
        assertEquals(List.of(), SchemaCopy.unsupported(source));

        SchemaCopy.copy(source, target);

        try (Connection c = target.connect("shop"); Statement s = c.createStatement()) {
            assertEquals("300", single(s, "SELECT count(*) FROM sales.orders"));
            assertEquals("50", single(s, "SELECT count(*) FROM sales.customers"));
            assertEquals("360.00", single(s, "SELECT gross FROM sales.orders WHERE id = 300"), "generated column");
            assertEquals("touched", single(s, "SELECT note FROM sales.orders WHERE id = 1"));
            assertEquals("200", single(s, "SELECT count(*) FROM sales.open_orders"));
            assertEquals("shop_owner", single(s, "SELECT tableowner FROM pg_tables WHERE tablename = 'orders'"));
            assertEquals("f", single(s, "SELECT relreplident FROM pg_class WHERE oid = 'sales.orders'::regclass"));
            assertEquals("u", single(s, "SELECT relpersistence FROM pg_class WHERE oid = 'sales.scratch'::regclass"));
            assertEquals("orders_customer_fkey,orders_net_check,orders_pkey", single(s, "SELECT string_agg(conname, ','"
                    + " ORDER BY conname) FROM pg_constraint WHERE conrelid = 'sales.orders'::regclass"));
            assertTrue(single(s, "SELECT indexdef FROM pg_indexes WHERE indexname = 'orders_status'").contains("WHERE"));
            assertEquals("sales.customers,sales.orders", single(s, "SELECT string_agg(schemaname || '.' || tablename, ','"
                    + " ORDER BY tablename) FROM pg_publication_tables WHERE pubname = 'shop_pub'"));
            // sequences continue where the source was: identity, serial and a sequence of its own
            s.execute("INSERT INTO sales.customers (email) VALUES ('new@example.com')");
            assertEquals("51", single(s, "SELECT max(id) FROM sales.customers"));
            s.execute("INSERT INTO sales.orders (customer, net) VALUES (51, 1)");
            assertEquals("301", single(s, "SELECT max(id) FROM sales.orders"));
            assertEquals("4020", single(s, "SELECT invoice FROM sales.orders WHERE id = 301"),
                    "1000 and 1010 by hand, 1020 to 4010 for the 300 rows: the next is 4020");
            assertEquals("paid", single(s, "SELECT status FROM sales.orders WHERE id = 1"));
        }
        try (Connection c = target.connect("postgres"); Statement s = c.createStatement()) {
            assertEquals("shop_owner", single(s, "SELECT pg_get_userbyid(datdba) FROM pg_database WHERE datname = 'shop'"));
            assertEquals("readers", single(s, "SELECT b.rolname FROM pg_auth_members m JOIN pg_roles b ON b.oid = m.roleid"
                    + " JOIN pg_roles u ON u.oid = m.member WHERE u.rolname = 'shop_owner'"));
        }
        try (Connection c = java.sql.DriverManager.getConnection(target.jdbcUrl("shop"), "shop_owner", "owner-secret-1");
             Statement s = c.createStatement()) {
            assertEquals("17", single(s, "SELECT current_setting('server_version_num')::int / 10000"),
                    "the role logs in on 17 with its password from 16");
        }
    }

    @Test
    void refusesWhatItCannotCarryNamingEachObject() throws Exception {
        source.createDatabase("unsupported");
        try (Connection c = source.connect("unsupported"); Statement s = c.createStatement()) {
            s.execute("CREATE TABLE events (at date NOT NULL) PARTITION BY RANGE (at)");
            s.execute("CREATE MATERIALIZED VIEW totals AS SELECT 1 AS one");
            s.execute("CREATE DOMAIN positive AS int CHECK (VALUE > 0)");
        }
        List<String> unsupported = new ArrayList<>(SchemaCopy.unsupported(source));
        unsupported.removeIf(line -> !line.startsWith("unsupported: "));
        assertEquals(List.of("unsupported: partitioned table events", "unsupported: materialized view totals",
                "unsupported: type positive"), unsupported);
    }

    private static String single(Statement statement, String sql) throws SQLException {
        try (ResultSet rs = statement.executeQuery(sql)) {
            assertTrue(rs.next(), sql);
            return rs.getString(1);
        }
    }
}
