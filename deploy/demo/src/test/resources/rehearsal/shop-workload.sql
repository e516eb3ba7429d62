-- LocalUpgradeDemoIT's workload for the shop: one statement per line, each its own transaction.
INSERT INTO shop.items (title, price, labels) VALUES ('new item', round((random() * 100)::numeric, 2), ARRAY['rehearsal']);
UPDATE shop.items SET price = price + 1, updated_at = now() WHERE id = (SELECT (1 + random() * 2999)::bigint);

INSERT INTO shop.stock (warehouse, item_id, quantity) SELECT 'east', max(id), 1 FROM shop.items ON CONFLICT (warehouse, item_id) DO UPDATE SET quantity = shop.stock.quantity + 1
UPDATE shop.coupons SET discount = 1 + (random() * 89)::int WHERE code = (SELECT 'C' || (1 + (random() * 499)::int));
-- the key exists: fails every time, a workload error (rolled back), not unavailability
INSERT INTO public.settings (key, value) VALUES ('mode', 'again')
