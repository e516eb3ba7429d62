package io.bluegreen.local.rds;

import io.bluegreen.local.postgres.LocalPostgres;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.SortedMap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The upgrade fallback carries every object kind its Javadoc lists from 16 to 17, and refuses the rest: a rich
 * schema in two databases is copied, then both catalogs are compared object by object ({@link CatalogSnapshot}).
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class SchemaCopyIT {

    private static LocalPostgres source;
    private static LocalPostgres target;

    /** Roles, memberships with options and a grantor, database privileges and comments: cluster-wide. */
    private static final String GLOBALS = """
            CREATE ROLE shop_owner LOGIN PASSWORD 'owner-secret-1';
            CREATE ROLE readers NOLOGIN;
            CREATE ROLE writers NOLOGIN;
            CREATE ROLE auditor NOLOGIN CONNECTION LIMIT 3;
            CREATE ROLE "Analyst Ü" LOGIN;
            GRANT readers TO shop_owner;
            GRANT readers TO writers WITH INHERIT FALSE;
            GRANT writers TO auditor WITH ADMIN OPTION, SET FALSE;
            GRANT writers TO "Analyst Ü" GRANTED BY auditor;
            COMMENT ON ROLE readers IS 'read-only users';
            """;

    /** Every kind the copy carries; the data is written last, partly through the triggers and rules defined. */
    private static final String SHOP = """
            CREATE EXTENSION citext WITH SCHEMA public VERSION '1.5';
            CREATE EXTENSION btree_gist;
            COMMENT ON EXTENSION btree_gist IS 'for the exclusion constraint';
            CREATE SCHEMA sales AUTHORIZATION shop_owner;
            CREATE SCHEMA "Mixed Case";
            CREATE SCHEMA ünicode;
            CREATE COLLATION sales.german (provider = icu, locale = 'de-DE');
            CREATE COLLATION sales.ci (provider = icu, locale = 'und-u-ks-level2', deterministic = false);
            CREATE COLLATION sales.posix (provider = libc, locale = 'C');
            CREATE TYPE sales.status AS ENUM ('new', 'paid', 'shipped');
            ALTER TYPE sales.status ADD VALUE 'returned' BEFORE 'shipped';
            CREATE DOMAIN sales.positive AS numeric(10,2) DEFAULT 0 NOT NULL CONSTRAINT positive_check CHECK (VALUE >= 0);
            CREATE DOMAIN sales.email AS public.citext CHECK (VALUE ~ '@');
            CREATE DOMAIN sales.code AS text COLLATE sales.posix;
            ALTER DOMAIN sales.code ADD CONSTRAINT code_length CHECK (length(VALUE) < 10) NOT VALID;
            CREATE TYPE sales.address AS (street text COLLATE sales.german, zip varchar(10), tags text[]);
            CREATE TYPE sales.price_range AS RANGE (subtype = numeric);
            CREATE TYPE sales.floatrange AS RANGE (subtype = float8, subtype_diff = float8mi, multirange_type_name = sales.floatmultirange);
            CREATE SEQUENCE sales.invoice_no AS integer START 1000 INCREMENT 10 MINVALUE 5 MAXVALUE 99999 CACHE 3 CYCLE;
            SELECT nextval('sales.invoice_no'), nextval('sales.invoice_no');
            CREATE SEQUENCE sales.unused;
            CREATE FUNCTION sales.net_to_gross(n numeric) RETURNS numeric LANGUAGE sql IMMUTABLE AS 'SELECT n * 1.2';
            CREATE FUNCTION sales.default_region() RETURNS text LANGUAGE sql STABLE BEGIN ATOMIC SELECT 'EU'; END;
            CREATE TABLE sales.customers (id int GENERATED ALWAYS AS IDENTITY (START WITH 10 INCREMENT BY 5) PRIMARY KEY,
                email sales.email NOT NULL UNIQUE, name text COLLATE sales.german, home sales.address,
                region text DEFAULT sales.default_region(), nick text COLLATE sales.ci, code sales.code);
            CREATE TABLE sales.orders (id bigserial PRIMARY KEY,
                customer int NOT NULL REFERENCES sales.customers ON DELETE CASCADE DEFERRABLE INITIALLY DEFERRED,
                status sales.status NOT NULL DEFAULT 'new', net sales.positive,
                gross numeric(12,2) GENERATED ALWAYS AS (sales.net_to_gross(net)) STORED,
                invoice bigint DEFAULT nextval('sales.invoice_no'), note text, placed timestamptz NOT NULL DEFAULT '2024-01-01',
                tags text[], statuses sales.status[], window_ sales.floatrange, CONSTRAINT orders_net_check CHECK (net < 1000000));
            ALTER TABLE sales.orders ADD CONSTRAINT orders_placed_check CHECK (placed > '2000-01-01') NOT VALID;
            ALTER TABLE sales.orders ALTER COLUMN note SET STORAGE EXTERNAL, ALTER COLUMN note SET STATISTICS 300;
            ALTER TABLE sales.orders ALTER COLUMN customer SET (n_distinct = 50);
            CREATE FUNCTION sales.order_label(o sales.orders) RETURNS text LANGUAGE sql STABLE AS $$ SELECT o.id || ':' || o.status $$;
            CREATE FUNCTION sales.touch() RETURNS trigger LANGUAGE plpgsql AS $$
                BEGIN NEW.note := coalesce(NEW.note, 'touched'); RETURN NEW; END $$;
            CREATE FUNCTION sales.check_order() RETURNS trigger LANGUAGE plpgsql SECURITY DEFINER SET search_path = sales AS $$
                BEGIN RETURN NULL; END $$;
            CREATE PROCEDURE sales.archive(days int) LANGUAGE plpgsql AS $$
                BEGIN DELETE FROM sales.orders WHERE placed < now() - make_interval(days => days); END $$;
            CREATE TRIGGER orders_touch BEFORE INSERT ON sales.orders FOR EACH ROW EXECUTE FUNCTION sales.touch();
            CREATE TRIGGER orders_touch_again BEFORE UPDATE ON sales.orders FOR EACH ROW EXECUTE FUNCTION sales.touch();
            ALTER TABLE sales.orders DISABLE TRIGGER orders_touch_again;
            CREATE CONSTRAINT TRIGGER orders_check AFTER INSERT OR UPDATE ON sales.orders DEFERRABLE INITIALLY DEFERRED
                FOR EACH ROW EXECUTE FUNCTION sales.check_order();
            CREATE INDEX orders_status ON sales.orders (status) WHERE status <> 'shipped';
            CREATE INDEX orders_lower_note ON sales.orders (lower(note)) INCLUDE (customer);
            CREATE INDEX orders_note_hash ON sales.orders USING hash (note);
            CREATE INDEX orders_tags ON sales.orders USING gin (tags);
            CREATE INDEX orders_placed ON sales.orders USING brin (placed) WITH (pages_per_range = 16);
            CREATE UNIQUE INDEX customers_lower_email ON sales.customers (lower(email::text));
            ALTER TABLE sales.orders REPLICA IDENTITY FULL;
            ALTER TABLE sales.orders CLUSTER ON orders_pkey;
            ALTER TABLE sales.customers REPLICA IDENTITY USING INDEX customers_email_key;
            CREATE TABLE sales.bookings (room int, during tstzrange, price sales.price_range,
                CONSTRAINT bookings_no_overlap EXCLUDE USING gist (room WITH =, during WITH &&) DEFERRABLE);
            CREATE INDEX bookings_during ON sales.bookings USING gist (during);
            CREATE UNLOGGED TABLE sales.scratch (k text) WITH (fillfactor = 70);
            CREATE TABLE sales.markers ();
            INSERT INTO sales.markers SELECT FROM generate_series(1, 3);
            CREATE TABLE sales.events (id bigint NOT NULL, at date NOT NULL, kind text NOT NULL, payload jsonb,
                CONSTRAINT events_kind_check CHECK (kind <> '')) PARTITION BY RANGE (at);
            CREATE TABLE sales.events_2024_01 PARTITION OF sales.events FOR VALUES FROM ('2024-01-01') TO ('2024-02-01')
                PARTITION BY LIST (kind);
            CREATE TABLE sales.events_2024_01_click PARTITION OF sales.events_2024_01 FOR VALUES IN ('click');
            CREATE TABLE sales.events_2024_01_other PARTITION OF sales.events_2024_01 DEFAULT;
            CREATE TABLE sales.events_2024_02 PARTITION OF sales.events FOR VALUES FROM ('2024-02-01') TO ('2024-03-01');
            CREATE TABLE sales.events_default PARTITION OF sales.events DEFAULT;
            ALTER TABLE sales.events_2024_02 ADD CONSTRAINT events_2024_02_payload_check CHECK (payload IS NOT NULL);
            ALTER TABLE sales.events ADD PRIMARY KEY (id, at, kind);
            CREATE INDEX events_payload ON sales.events USING gin (payload);
            CREATE FUNCTION sales.event_guard() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RETURN NEW; END $$;
            CREATE TRIGGER events_guard BEFORE INSERT ON sales.events FOR EACH ROW EXECUTE FUNCTION sales.event_guard();
            ALTER TABLE sales.events_2024_02 DISABLE TRIGGER events_guard;
            CREATE TABLE sales.event_refs (id bigint, at date, kind text, FOREIGN KEY (id, at, kind) REFERENCES sales.events);
            CREATE TABLE sales.sessions (id int GENERATED BY DEFAULT AS IDENTITY, bucket int NOT NULL, started timestamptz)
                PARTITION BY HASH (bucket);
            CREATE TABLE sales.sessions_0 PARTITION OF sales.sessions FOR VALUES WITH (MODULUS 2, REMAINDER 0);
            CREATE TABLE sales.sessions_1 PARTITION OF sales.sessions FOR VALUES WITH (MODULUS 2, REMAINDER 1);
            ALTER TABLE sales.sessions_1 ALTER COLUMN started SET DEFAULT '2024-06-01';
            CREATE TABLE sales.notes (id int NOT NULL, body text CHECK (body <> ''));
            CREATE TABLE sales.order_notes (order_id bigint, body text DEFAULT 'n/a') INHERITS (sales.notes);
            CREATE TABLE sales.urgent_notes (level int DEFAULT 1) INHERITS (sales.order_notes);
            ALTER TABLE sales.urgent_notes ALTER COLUMN order_id SET NOT NULL;
            CREATE VIEW sales.open_orders WITH (security_barrier) AS SELECT id, customer, net FROM sales.orders
                WHERE status <> 'shipped' WITH CASCADED CHECK OPTION;
            CREATE VIEW sales.order_labels AS SELECT sales.order_label(o) AS label FROM sales.orders o;
            CREATE VIEW sales.order_counts AS SELECT c.id, c.name, count(o.id) AS orders
                FROM sales.customers c LEFT JOIN sales.orders o ON o.customer = c.id GROUP BY c.id;
            CREATE VIEW sales.busy_customers AS SELECT * FROM sales.order_counts WHERE orders > 5;
            CREATE TRIGGER busy_insert INSTEAD OF INSERT ON sales.busy_customers FOR EACH ROW EXECUTE FUNCTION sales.event_guard();
            COMMENT ON VIEW sales.busy_customers IS 'on a view that needs the primary key of customers';
            CREATE MATERIALIZED VIEW sales.totals AS SELECT customer, sum(net) AS total FROM sales.orders GROUP BY customer WITH NO DATA;
            CREATE UNIQUE INDEX totals_customer ON sales.totals (customer);
            CREATE MATERIALIZED VIEW sales.top_totals AS SELECT * FROM sales.totals WHERE total > 100 WITH NO DATA;
            CREATE MATERIALIZED VIEW sales.never_refreshed AS SELECT * FROM sales.totals WITH NO DATA;
            CREATE TABLE sales.audit (at timestamptz DEFAULT '2024-01-01', what text);
            CREATE RULE scratch_log AS ON INSERT TO sales.scratch DO ALSO INSERT INTO sales.audit (what) VALUES (NEW.k);
            CREATE RULE scratch_keep AS ON DELETE TO sales.scratch DO INSTEAD NOTHING;
            ALTER TABLE sales.scratch DISABLE RULE scratch_keep;
            ALTER TABLE sales.customers ENABLE ROW LEVEL SECURITY;
            ALTER TABLE sales.customers FORCE ROW LEVEL SECURITY;
            ALTER TABLE sales.events ENABLE ROW LEVEL SECURITY;
            CREATE POLICY customers_read ON sales.customers FOR SELECT TO readers USING (region = 'EU');
            CREATE POLICY customers_write ON sales.customers AS RESTRICTIVE FOR UPDATE TO writers, shop_owner
                USING (true) WITH CHECK (email::text <> '');
            CREATE POLICY customers_all ON sales.customers USING (true);
            CREATE POLICY events_insert ON sales.events FOR INSERT WITH CHECK (kind <> 'forbidden');
            CREATE STATISTICS sales.orders_stats (dependencies, ndistinct) ON customer, status FROM sales.orders;
            ALTER STATISTICS sales.orders_stats SET STATISTICS 500;
            CREATE TABLE "Mixed Case"."Order Lines" ("Line No" int PRIMARY KEY, "Qty" int CHECK ("Qty" > 0), "ünïcødé" text,
                "Order" bigint REFERENCES sales.orders);
            CREATE TABLE ünicode.tëst (ключ int PRIMARY KEY, 値 text COLLATE sales.german);
            CREATE VIEW ünicode."Ansicht" AS SELECT ключ FROM ünicode.tëst;
            GRANT USAGE ON SCHEMA sales TO readers, writers;
            GRANT SELECT ON ALL TABLES IN SCHEMA sales TO readers;
            GRANT INSERT, UPDATE ON sales.orders TO writers WITH GRANT OPTION;
            SET ROLE writers;
            GRANT INSERT ON sales.orders TO auditor;
            RESET ROLE;
            GRANT SELECT (email), UPDATE (name) ON sales.customers TO auditor;
            GRANT USAGE, SELECT ON SEQUENCE sales.invoice_no TO writers;
            REVOKE EXECUTE ON FUNCTION sales.net_to_gross(numeric) FROM PUBLIC;
            GRANT EXECUTE ON FUNCTION sales.net_to_gross(numeric) TO readers;
            GRANT EXECUTE ON PROCEDURE sales.archive(int) TO writers;
            REVOKE USAGE ON TYPE sales.status FROM PUBLIC;
            GRANT USAGE ON TYPE sales.status TO readers;
            GRANT USAGE ON DOMAIN sales.positive TO writers;
            GRANT ALL ON SCHEMA "Mixed Case" TO "Analyst Ü";
            ALTER DEFAULT PRIVILEGES FOR ROLE shop_owner IN SCHEMA sales GRANT SELECT ON TABLES TO readers;
            ALTER DEFAULT PRIVILEGES FOR ROLE shop_owner REVOKE EXECUTE ON FUNCTIONS FROM PUBLIC;
            ALTER DEFAULT PRIVILEGES FOR ROLE writers GRANT USAGE ON SEQUENCES TO auditor WITH GRANT OPTION;
            ALTER TABLE sales.orders OWNER TO shop_owner;
            ALTER TABLE sales.events OWNER TO shop_owner;
            ALTER TABLE sales.events_2024_02 OWNER TO writers;
            ALTER TYPE sales.status OWNER TO shop_owner;
            ALTER TYPE sales.address OWNER TO shop_owner;
            ALTER TYPE sales.price_range OWNER TO writers;
            ALTER DOMAIN sales.positive OWNER TO shop_owner;
            ALTER FUNCTION sales.touch() OWNER TO shop_owner;
            ALTER PROCEDURE sales.archive(int) OWNER TO writers;
            ALTER MATERIALIZED VIEW sales.totals OWNER TO shop_owner;
            ALTER VIEW sales.open_orders OWNER TO shop_owner;
            ALTER SEQUENCE sales.invoice_no OWNER TO shop_owner;
            ALTER COLLATION sales.german OWNER TO shop_owner;
            ALTER STATISTICS sales.orders_stats OWNER TO shop_owner;
            ALTER SCHEMA "Mixed Case" OWNER TO writers;
            ALTER TABLE "Mixed Case"."Order Lines" OWNER TO "Analyst Ü";
            COMMENT ON SCHEMA sales IS 'Sales';
            COMMENT ON TABLE sales.orders IS 'Orders';
            COMMENT ON COLUMN sales.orders.gross IS 'net with tax';
            COMMENT ON TABLE sales.events IS 'partitioned';
            COMMENT ON TABLE sales.events_2024_01_click IS 'a leaf';
            COMMENT ON TYPE sales.status IS 'an enum';
            COMMENT ON DOMAIN sales.positive IS 'a domain';
            COMMENT ON CONSTRAINT positive_check ON DOMAIN sales.positive IS 'a domain check';
            COMMENT ON TYPE sales.address IS 'a composite';
            COMMENT ON COLUMN sales.address.zip IS 'a composite attribute';
            COMMENT ON TYPE sales.price_range IS 'a range';
            COMMENT ON SEQUENCE sales.invoice_no IS 'a sequence';
            COMMENT ON FUNCTION sales.touch() IS 'a trigger function';
            COMMENT ON PROCEDURE sales.archive(int) IS 'a procedure';
            COMMENT ON TRIGGER orders_touch ON sales.orders IS 'a trigger';
            COMMENT ON INDEX sales.orders_status IS 'an index';
            COMMENT ON CONSTRAINT orders_pkey ON sales.orders IS 'a key';
            COMMENT ON VIEW sales.open_orders IS 'a view';
            COMMENT ON COLUMN sales.open_orders.net IS 'a view column';
            COMMENT ON MATERIALIZED VIEW sales.totals IS 'a materialized view';
            COMMENT ON RULE scratch_log ON sales.scratch IS 'a rule';
            COMMENT ON POLICY customers_read ON sales.customers IS 'a policy';
            COMMENT ON STATISTICS sales.orders_stats IS 'statistics';
            COMMENT ON COLLATION sales.german IS 'a collation';
            COMMENT ON TABLE "Mixed Case"."Order Lines" IS 'quoted';
            COMMENT ON COLUMN ünicode.tëst.値 IS 'ユニコード';
            COMMENT ON DATABASE shop IS 'the shop';
            CREATE PUBLICATION shop_pub FOR TABLE sales.orders, sales.customers;
            CREATE PUBLICATION events_pub FOR TABLE sales.events WITH (publish_via_partition_root = true, publish = 'insert');
            INSERT INTO sales.customers (email, name, home, nick, code)
                SELECT 'c' || g || '@example.com', 'Käufer ' || g, ROW('Straße ' || g, '1' || g, ARRAY['a', 'b'])::sales.address,
                       'Nick' || g, 'x' || g FROM generate_series(1, 50) g;
            INSERT INTO sales.orders (customer, status, net, tags, statuses, window_)
                SELECT 10 + 5 * (g % 50), (ARRAY['new','paid','shipped','returned'])[1 + g % 4]::sales.status, g,
                       ARRAY['t' || g % 7], ARRAY['new', 'paid']::sales.status[], sales.floatrange(g, g + 1.5) FROM generate_series(1, 300) g;
            INSERT INTO sales.bookings SELECT g % 5, tstzrange('2024-01-01'::timestamptz + g * interval '1 day',
                '2024-01-01'::timestamptz + (g + 1) * interval '1 day'), sales.price_range(g, g + 10) FROM generate_series(1, 40) g;
            INSERT INTO sales.scratch SELECT 'k' || g FROM generate_series(1, 5) g;
            INSERT INTO sales.events SELECT g, '2024-01-01'::date + (g % 90), (ARRAY['click', 'view'])[1 + g % 2],
                jsonb_build_object('n', g) FROM generate_series(1, 400) g;
            INSERT INTO sales.event_refs SELECT id, at, kind FROM sales.events WHERE id % 10 = 0;
            INSERT INTO sales.sessions (id, bucket) SELECT g, g % 7 FROM generate_series(1, 60) g;
            INSERT INTO sales.notes VALUES (1, 'plain');
            INSERT INTO sales.order_notes (id, order_id) VALUES (2, 1);
            INSERT INTO sales.urgent_notes (id, body, order_id, level) VALUES (3, 'urgent', 2, 5);
            INSERT INTO "Mixed Case"."Order Lines" SELECT g, g, 'ü' || g, g FROM generate_series(1, 20) g;
            INSERT INTO ünicode.tëst VALUES (1, 'ä'), (2, 'ß');
            REFRESH MATERIALIZED VIEW sales.totals;
            REFRESH MATERIALIZED VIEW sales.top_totals;
            """;

    /** A second database, owned by a non-superuser, with objects in public. */
    private static final String ANALYTICS = """
            CREATE TYPE public.level AS ENUM ('low', 'high');
            CREATE TABLE public.readings (id serial, level public.level NOT NULL, value double precision,
                taken date NOT NULL, PRIMARY KEY (id, level)) PARTITION BY LIST (level);
            CREATE TABLE public.readings_low PARTITION OF public.readings FOR VALUES IN ('low');
            CREATE TABLE public.readings_high PARTITION OF public.readings FOR VALUES IN ('high');
            CREATE TABLE public.readings_rest PARTITION OF public.readings DEFAULT;
            CREATE VIEW public.high AS SELECT * FROM public.readings WHERE level = 'high';
            GRANT CREATE ON SCHEMA public TO "Analyst Ü";
            GRANT SELECT ON public.high TO PUBLIC;
            INSERT INTO public.readings (level, value, taken) SELECT (ARRAY['low', 'high'])[1 + g % 2]::public.level,
                g / 3.0, '2024-01-01'::date + g FROM generate_series(1, 100) g;
            ALTER TABLE public.readings OWNER TO "Analyst Ü";
            """;

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
    @Order(1)
    void carriesEveryObjectKindOfTwoDatabasesSoThatBothCatalogsCompareEqual() throws Exception {
        source.createDatabase("shop").createDatabase("analytics");
        run("postgres", GLOBALS + """
                ALTER DATABASE shop OWNER TO shop_owner;
                ALTER DATABASE analytics OWNER TO "Analyst Ü";
                GRANT CONNECT, TEMPORARY ON DATABASE shop TO readers;
                COMMENT ON DATABASE analytics IS 'numbers';
                CREATE DATABASE "Lexikon" TEMPLATE template0 LOCALE_PROVIDER icu ICU_LOCALE 'de-DE' ICU_RULES '&a < z';
                """);
        run("shop", SHOP);
        run("analytics", ANALYTICS);
        assertEquals(List.of(), SchemaCopy.unsupported(source));

        long began = System.nanoTime();
        SchemaCopy.copy(source, target);
        System.out.printf("Schema copy of the rich schema took %d ms%n", (System.nanoTime() - began) / 1_000_000);

        List<String> differences = new ArrayList<>();
        differences.addAll(prefixed("cluster", CatalogSnapshot.differences(snapshot(source, null), snapshot(target, null))));
        for (String database : List.of("postgres", "shop", "analytics")) {
            SortedMap<String, String> before = snapshot(source, database);
            if (!database.equals("postgres")) {
                assertTrue(before.size() > 30, database + " holds " + before.size() + " objects: " + before.keySet());
            }
            differences.addAll(prefixed(database, CatalogSnapshot.differences(before, snapshot(target, database))));
        }
        assertEquals(List.of(), differences, String.join("\n", differences));
    }

    /** The comparison cannot pass vacuously: a changed comment, a dropped index, a changed row and a re-enabled trigger are each found. */
    @Test
    @Order(2)
    void theComparisonReportsEachDeliberateDifferenceByObjectName() throws Exception {
        try (Connection c = target.connect("shop"); Statement s = c.createStatement()) {
            s.execute("COMMENT ON TABLE sales.orders IS 'changed'");
            s.execute("DROP INDEX sales.orders_note_hash");
            s.execute("UPDATE ünicode.tëst SET 値 = 'changed' WHERE ключ = 2");
            s.execute("ALTER TABLE sales.events_2024_02 ENABLE TRIGGER events_guard");
        }
        List<String> names = CatalogSnapshot.differences(snapshot(source, "shop"), snapshot(target, "shop")).stream()
                .map(difference -> difference.substring(0, difference.indexOf(':'))).toList();
        assertEquals(List.of("comment on table sales.orders", "index sales.orders_note_hash",
                "rows \"ünicode\".\"tëst\"", "trigger events_guard on sales.events_2024_02"), names);
    }

    @Test
    @Order(3)
    void theUpgradedDatabaseKeepsWorkingWhereTheSourceLeftOff() throws Exception {
        try (Connection c = target.connect("shop"); Statement s = c.createStatement()) {
            // sequences continue where the source was: identity, serial and a sequence of its own
            s.execute("INSERT INTO sales.customers (email) VALUES ('new@example.com')");
            assertEquals("260", single(s, "SELECT max(id) FROM sales.customers"), "identity from 10 by 5: 50 rows to 255, then 260");
            s.execute("INSERT INTO sales.orders (customer, net) VALUES (260, 1)");
            assertEquals("301", single(s, "SELECT max(id) FROM sales.orders"));
            assertEquals("4030", single(s, "SELECT invoice FROM sales.orders WHERE id = 301"),
                    "1000 and 1010 by hand, 1020 to 4010 for the 300 rows, 4020 cached (CACHE 3) by the session on 16:"
                            + " the next is 4030, as a new session on 16 would get");
            assertEquals("touched", single(s, "SELECT note FROM sales.orders WHERE id = 301"), "the trigger fires on 17");
            assertEquals("1.20", single(s, "SELECT gross FROM sales.orders WHERE id = 301"), "the generated column computes on 17");
        }
        try (Connection c = DriverManager.getConnection(target.jdbcUrl("shop"), "shop_owner", "owner-secret-1");
             Statement s = c.createStatement()) {
            assertEquals("17", single(s, "SELECT current_setting('server_version_num')::int / 10000"),
                    "the role logs in on 17 with its password from 16");
        }
    }

    @Test
    @Order(4)
    void refusesWhatItCannotCarryNamingEachObject() throws Exception {
        source.createDatabase("unsupported");
        run("unsupported", """
                CREATE AGGREGATE total (int) (sfunc = int4pl, stype = int);
                CREATE FOREIGN DATA WRAPPER dummy;
                CREATE OPERATOR === (leftarg = int, rightarg = int, function = int4eq);
                CREATE TEXT SEARCH CONFIGURATION english2 (COPY = english);
                CREATE CAST (text AS int) WITH INOUT;
                """);
        try {
            List<String> unsupported = new ArrayList<>(SchemaCopy.unsupported(source));
            unsupported.removeIf(line -> !line.startsWith("unsupported: "));
            assertEquals(List.of("unsupported: aggregate total(integer)", "unsupported: cast text AS integer",
                    "unsupported: operator ===(integer,integer)", "unsupported: text search configuration english2",
                    "unsupported: foreign-data wrapper dummy"), unsupported);
        } finally {
            run("postgres", "DROP DATABASE unsupported;\n");
        }
    }

    private static SortedMap<String, String> snapshot(LocalPostgres server, String database) throws SQLException {
        try (Connection c = server.connect(database == null ? "postgres" : database)) {
            return database == null ? CatalogSnapshot.globals(c) : CatalogSnapshot.database(c);
        }
    }

    private static List<String> prefixed(String where, List<String> differences) {
        return differences.stream().map(difference -> where + ": " + difference).toList();
    }

    /** Runs a script whose statements each end a line with a semicolon. */
    private static void run(String database, String script) throws SQLException {
        try (Connection c = source.connect(database); Statement s = c.createStatement()) {
            for (String statement : script.split(";\\s*\\n")) {
                if (!statement.isBlank()) {
                    try {
                        s.execute(statement);
                    } catch (SQLException e) {
                        throw new SQLException(e.getMessage() + " in: " + statement, e.getSQLState(), e);
                    }
                }
            }
        }
    }

    private static String single(Statement statement, String sql) throws SQLException {
        try (ResultSet rs = statement.executeQuery(sql)) {
            assertTrue(rs.next(), sql);
            return rs.getString(1);
        }
    }
}
