-- one statement a line, each its own transaction
INSERT INTO transfers (account_id, amount, meta) VALUES (1 + (random() * 199)::int, round((random() * 100)::numeric, 2), '{"by": "workload"}')
UPDATE accounts SET balance = balance + 1 WHERE id = 1 + (random() * 199)::int
INSERT INTO limits (account_id, kind, amount) VALUES (1 + (random() * 199)::int, 'weekly', 100) ON CONFLICT (account_id, kind) DO UPDATE SET amount = limits.amount + 1
UPDATE devices SET seen_at = now() WHERE serial = 'DEV-' || lpad((1 + (random() * 299)::int)::text, 5, '0')
INSERT INTO events (kind, payload) VALUES ('workload', jsonb_build_object('at', now()))
SELECT nextval('statement_numbers')
