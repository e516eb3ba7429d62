package io.bluegreen.demo.rehearsal;

import java.util.List;
import java.util.Map;

/**
 * The demo's own schema and workload when none is given: an order system in {@code app} and invoicing in
 * {@code billing}, with the table kinds an upgrade must carry. Any other database gets the {@code app} schema.
 *
 * <pre>
 * app      customers      identity primary key, unique email, bytea
 *          orders         bigserial primary key, foreign key to customers, an enum, numeric, jsonb, text[]
 *          order_lines    composite primary key, foreign key to orders
 *          shipments      no primary key: replica identity through a unique index
 *          audit_log      no primary key and no unique index: REPLICA IDENTITY FULL
 * billing  invoices       identity primary key, a number from a sequence owned by no column, bytea, jsonb
 *          payments       bigserial primary key, foreign key to invoices
 *          exchange_rates composite primary key (text, date), upserted
 * </pre>
 * A team's own schema (partitioned tables, domains, ...) comes with {@code --schema}.
 */
public final class DefaultSchema {

    static final String APP = """
            CREATE TYPE order_status AS ENUM ('new', 'paid', 'shipped', 'cancelled');
            CREATE TABLE customers (
                id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
                email text NOT NULL UNIQUE,
                name text NOT NULL,
                avatar bytea,
                created_at timestamptz NOT NULL DEFAULT now());
            CREATE TABLE orders (
                id bigserial PRIMARY KEY,
                customer_id bigint NOT NULL REFERENCES customers (id),
                status order_status NOT NULL DEFAULT 'new',
                total numeric(12, 2) NOT NULL,
                items jsonb NOT NULL,
                tags text[] NOT NULL DEFAULT '{}',
                created_at timestamptz NOT NULL DEFAULT now(),
                updated_at timestamptz);
            CREATE TABLE order_lines (
                order_id bigint NOT NULL REFERENCES orders (id),
                line_no int NOT NULL,
                sku text NOT NULL,
                quantity int NOT NULL,
                unit_price numeric(10, 2) NOT NULL,
                PRIMARY KEY (order_id, line_no));
            CREATE TABLE shipments (
                tracking_code text NOT NULL,
                order_id bigint NOT NULL,
                carrier text NOT NULL,
                shipped_at timestamptz);
            CREATE UNIQUE INDEX shipments_tracking_code ON shipments (tracking_code);
            ALTER TABLE shipments REPLICA IDENTITY USING INDEX shipments_tracking_code;
            CREATE TABLE audit_log (
                at timestamptz NOT NULL DEFAULT now(),
                actor text NOT NULL,
                action text NOT NULL,
                payload jsonb);
            ALTER TABLE audit_log REPLICA IDENTITY FULL;
            INSERT INTO customers (email, name, avatar)
                SELECT 'customer' || g || '@example.com', 'Customer ' || g, decode(md5(g::text), 'hex')
                FROM generate_series(1, 2000) g;
            INSERT INTO orders (customer_id, status, total, items, tags, created_at)
                SELECT 1 + g % 2000, (ARRAY['new', 'paid', 'shipped', 'cancelled'])[1 + g % 4]::order_status,
                       round((g % 500) * 1.37, 2), jsonb_build_object('sku', 'SKU-' || g % 100, 'qty', 1 + g % 5),
                       ARRAY['web', 'batch-' || g % 7], now() - g * interval '1 minute'
                FROM generate_series(1, 20000) g;
            INSERT INTO order_lines (order_id, line_no, sku, quantity, unit_price)
                SELECT o.id, l, 'SKU-' || (o.id + l) % 100, 1 + l, round(((o.id + l) % 90) * 1.1, 2)
                FROM orders o, generate_series(1, 2) l;
            INSERT INTO shipments (tracking_code, order_id, carrier, shipped_at)
                SELECT 'TRK-' || lpad(g::text, 6, '0'), g, (ARRAY['dhl', 'ups', 'post'])[1 + g % 3],
                       now() - g * interval '1 hour'
                FROM generate_series(1, 5000) g;
            INSERT INTO audit_log (actor, action, payload)
                SELECT 'seed', 'import', jsonb_build_object('row', g) FROM generate_series(1, 5000) g;
            """;

    static final String BILLING = """
            CREATE SEQUENCE invoice_numbers START 4242;
            CREATE TABLE invoices (
                id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
                number bigint NOT NULL UNIQUE DEFAULT nextval('invoice_numbers'),
                customer_ref bigint NOT NULL,
                amount numeric(12, 2) NOT NULL,
                currency char(3) NOT NULL DEFAULT 'EUR',
                issued_at timestamptz NOT NULL DEFAULT now(),
                paid boolean NOT NULL DEFAULT false,
                pdf bytea,
                lines jsonb NOT NULL DEFAULT '[]');
            CREATE TABLE payments (
                id bigserial PRIMARY KEY,
                invoice_id bigint NOT NULL REFERENCES invoices (id),
                amount numeric(12, 2) NOT NULL,
                method text NOT NULL,
                paid_at timestamptz NOT NULL DEFAULT now());
            CREATE TABLE exchange_rates (
                currency char(3) NOT NULL,
                day date NOT NULL,
                rate numeric(18, 8) NOT NULL,
                PRIMARY KEY (currency, day));
            INSERT INTO invoices (customer_ref, amount, issued_at, paid, lines)
                SELECT 1 + g % 2000, g * 1.5, now() - g * interval '1 hour', g % 3 = 0,
                       jsonb_build_array(jsonb_build_object('sku', 'SKU-' || g % 100, 'amount', g * 1.5))
                FROM generate_series(1, 5000) g;
            INSERT INTO payments (invoice_id, amount, method, paid_at)
                SELECT id, amount, 'transfer', issued_at + interval '1 day' FROM invoices WHERE paid;
            INSERT INTO exchange_rates (currency, day, rate)
                SELECT c, current_date - d, round((0.5 + (d % 100) / 100.0)::numeric, 8)
                FROM unnest(ARRAY['USD', 'GBP', 'CHF']) c, generate_series(0, 364) d;
            """;

    /** Inserts and updates on every kind of table of {@code app}; one statement per transaction. */
    static final List<String> APP_WORKLOAD = List.of(
            "INSERT INTO orders (customer_id, total, items, tags) VALUES (1 + (random() * 1999)::int,"
                    + " round((random() * 500)::numeric, 2), jsonb_build_object('sku', 'SKU-' || (random() * 99)::int,"
                    + " 'qty', 1 + (random() * 4)::int), ARRAY['web', 'rehearsal'])",
            "UPDATE orders SET status = 'paid', updated_at = now()"
                    + " WHERE id = (SELECT (1 + random() * (SELECT max(id) - 1 FROM orders))::bigint)",
            "INSERT INTO order_lines (order_id, line_no, sku, quantity, unit_price)"
                    + " SELECT o.id, coalesce((SELECT max(l.line_no) FROM order_lines l WHERE l.order_id = o.id), 0) + 1,"
                    + " 'SKU-' || (random() * 99)::int, 1, 9.99 FROM orders o WHERE o.id = (SELECT max(id) FROM orders)"
                    + " ON CONFLICT (order_id, line_no) DO NOTHING",
            "INSERT INTO shipments (tracking_code, order_id, carrier, shipped_at)"
                    + " SELECT 'TRK-' || gen_random_uuid(), max(id), 'dhl', now() FROM orders",
            "UPDATE shipments SET carrier = 'ups', shipped_at = now()"
                    + " WHERE tracking_code = (SELECT 'TRK-' || lpad((1 + (random() * 4999)::int)::text, 6, '0'))",
            "INSERT INTO audit_log (actor, action, payload)"
                    + " VALUES ('rehearsal', 'checkout', jsonb_build_object('at', clock_timestamp()))",
            "UPDATE customers SET avatar = decode(md5(random()::text), 'hex')"
                    + " WHERE id = (SELECT (1 + random() * 1999)::bigint)",
            "DELETE FROM audit_log WHERE ctid = (SELECT ctid FROM audit_log WHERE actor = 'seed' LIMIT 1)");

    /** Inserts, updates and upserts on every table of {@code billing}. */
    static final List<String> BILLING_WORKLOAD = List.of(
            "INSERT INTO invoices (customer_ref, amount, lines, pdf) VALUES (1 + (random() * 1999)::int,"
                    + " round((random() * 900)::numeric, 2), jsonb_build_array(jsonb_build_object('sku', 'SKU-'"
                    + " || (random() * 99)::int)), decode(md5(random()::text), 'hex'))",
            "INSERT INTO payments (invoice_id, amount, method)"
                    + " SELECT id, amount, 'card' FROM invoices WHERE id = (SELECT max(id) FROM invoices)",
            "UPDATE invoices SET paid = true"
                    + " WHERE id = (SELECT (1 + random() * (SELECT max(id) - 1 FROM invoices))::bigint)",
            "INSERT INTO exchange_rates (currency, day, rate) VALUES ((ARRAY['USD', 'GBP', 'CHF'])[1 + (random() * 2)::int],"
                    + " current_date - (random() * 3650)::int, round((0.5 + random())::numeric, 8))"
                    + " ON CONFLICT (currency, day) DO UPDATE SET rate = excluded.rate");

    /** The tables each schema creates (the ledger comes on top, in every database). */
    static final Map<String, List<String>> TABLES = Map.of(
            "app", List.of("customers", "orders", "order_lines", "shipments", "audit_log"),
            "billing", List.of("invoices", "payments", "exchange_rates"));

    private DefaultSchema() {
    }

    /** The schema of {@code database}: billing's for {@code billing}, app's for any other. */
    public static String schema(String database) {
        return database.equals("billing") ? BILLING : APP;
    }

    public static Workload workload(List<String> databases) {
        Map<String, List<String>> statements = new java.util.LinkedHashMap<>();
        for (String database : databases) {
            statements.put(database, database.equals("billing") ? BILLING_WORKLOAD : APP_WORKLOAD);
        }
        return new Workload(statements, APP_WORKLOAD);
    }

    /** How many tables the schema creates in {@code database}, the ledger not counted. */
    public static int tables(String database) {
        return TABLES.get(database.equals("billing") ? "billing" : "app").size();
    }

    /** Whether {@code database} has the app schema's orders table (the insert that shows sequences work on Green). */
    static boolean hasOrders(String database) {
        return !database.equals("billing");
    }
}
