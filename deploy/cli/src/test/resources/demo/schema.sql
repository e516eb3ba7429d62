-- Table kinds an upgrade must carry, small enough for a test: an identity key, a bigserial key with a foreign key,
-- a composite key, a table identified by a unique index, one with no key at all (REPLICA IDENTITY FULL), and a
-- sequence owned by no column.
CREATE TABLE accounts (
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    email text NOT NULL UNIQUE,
    balance numeric(12, 2) NOT NULL DEFAULT 0);
CREATE TABLE transfers (
    id bigserial PRIMARY KEY,
    account_id bigint NOT NULL REFERENCES accounts (id),
    amount numeric(12, 2) NOT NULL,
    meta jsonb NOT NULL DEFAULT '{}',
    at timestamptz NOT NULL DEFAULT now());
CREATE TABLE limits (
    account_id bigint NOT NULL REFERENCES accounts (id),
    kind text NOT NULL,
    amount numeric(12, 2) NOT NULL,
    PRIMARY KEY (account_id, kind));
CREATE TABLE devices (
    serial text NOT NULL,
    account_id bigint NOT NULL,
    seen_at timestamptz);
CREATE UNIQUE INDEX devices_serial ON devices (serial);
ALTER TABLE devices REPLICA IDENTITY USING INDEX devices_serial;
CREATE TABLE events (
    at timestamptz NOT NULL DEFAULT now(),
    kind text NOT NULL,
    payload jsonb);
ALTER TABLE events REPLICA IDENTITY FULL;
CREATE SEQUENCE statement_numbers START 1000;
SELECT nextval('statement_numbers');
INSERT INTO accounts (email, balance)
    SELECT 'account' || g || '@example.com', g * 10 FROM generate_series(1, 200) g;
INSERT INTO transfers (account_id, amount, meta)
    SELECT 1 + g % 200, g * 0.5, jsonb_build_object('n', g) FROM generate_series(1, 1000) g;
INSERT INTO limits (account_id, kind, amount)
    SELECT a, k, 500 FROM generate_series(1, 200) a, unnest(ARRAY['daily', 'monthly']) k;
INSERT INTO devices (serial, account_id, seen_at)
    SELECT 'DEV-' || lpad(g::text, 5, '0'), 1 + g % 200, now() FROM generate_series(1, 300) g;
INSERT INTO events (kind, payload)
    SELECT 'seed', jsonb_build_object('row', g) FROM generate_series(1, 300) g;
