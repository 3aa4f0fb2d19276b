-- +goose Up
-- The orders list filters by a status that is partly derived from the
-- order's lines (shipped, invoiced, packed) and packages. Computed per row
-- at query time, a filter matching few orders read every order to find
-- them (a channel's "shipped" page over a million orders, or an empty
-- one). The line and package facts are kept on the order instead, by
-- statement triggers so every writer (import, fulfilment, settling, the
-- bench's restore) keeps them right, and each status gets partial indexes
-- in list order: a page is a short backward index range, and a filter with
-- no match is an empty range.
ALTER TABLE sales_orders
    ADD COLUMN any_shipped        boolean NOT NULL DEFAULT false, -- a line has shipped units
    ADD COLUMN all_shipped        boolean NOT NULL DEFAULT true,  -- no line has units left to ship
    ADD COLUMN all_invoiced       boolean NOT NULL DEFAULT true,  -- no line has units left to invoice
    ADD COLUMN any_to_pack        boolean NOT NULL DEFAULT false, -- a line has units left to pack
    ADD COLUMN any_packed_package boolean NOT NULL DEFAULT false; -- a package is packed, not shipped

-- +goose StatementBegin
CREATE FUNCTION sales_order_line_flags() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE sales_orders o SET any_shipped = a.any_shipped, all_shipped = a.all_shipped,
        all_invoiced = a.all_invoiced, any_to_pack = a.any_to_pack
    FROM (SELECT d.order_id,
            coalesce(bool_or(l.shipped > 0), false) AS any_shipped,
            coalesce(bool_and(l.shipped >= l.quantity), true) AS all_shipped,
            coalesce(bool_and(l.invoiced >= l.quantity), true) AS all_invoiced,
            coalesce(bool_or(l.packed < l.quantity), false) AS any_to_pack
        FROM (SELECT DISTINCT order_id FROM changed) d
        LEFT JOIN sales_order_lines l ON l.order_id = d.order_id
        GROUP BY d.order_id) a
    WHERE o.id = a.order_id
      AND (o.any_shipped, o.all_shipped, o.all_invoiced, o.any_to_pack)
          IS DISTINCT FROM (a.any_shipped, a.all_shipped, a.all_invoiced, a.any_to_pack);
    RETURN NULL;
END $$;
CREATE FUNCTION sales_order_package_flags() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE sales_orders o SET any_packed_package = a.packed
    FROM (SELECT d.order_id, EXISTS (SELECT 1 FROM packages p WHERE p.order_id = d.order_id AND p.status = 'packed') AS packed
        FROM (SELECT DISTINCT order_id FROM changed) d) a
    WHERE o.id = a.order_id AND o.any_packed_package IS DISTINCT FROM a.packed;
    RETURN NULL;
END $$;
-- +goose StatementEnd
-- (a trigger with transition tables has one event; order_id never changes)
CREATE TRIGGER sales_order_lines_flags_ins AFTER INSERT ON sales_order_lines
    REFERENCING NEW TABLE AS changed FOR EACH STATEMENT EXECUTE FUNCTION sales_order_line_flags();
CREATE TRIGGER sales_order_lines_flags_upd AFTER UPDATE ON sales_order_lines
    REFERENCING NEW TABLE AS changed FOR EACH STATEMENT EXECUTE FUNCTION sales_order_line_flags();
CREATE TRIGGER sales_order_lines_flags_del AFTER DELETE ON sales_order_lines
    REFERENCING OLD TABLE AS changed FOR EACH STATEMENT EXECUTE FUNCTION sales_order_line_flags();
CREATE TRIGGER packages_flags_ins AFTER INSERT ON packages
    REFERENCING NEW TABLE AS changed FOR EACH STATEMENT EXECUTE FUNCTION sales_order_package_flags();
CREATE TRIGGER packages_flags_upd AFTER UPDATE ON packages
    REFERENCING NEW TABLE AS changed FOR EACH STATEMENT EXECUTE FUNCTION sales_order_package_flags();
CREATE TRIGGER packages_flags_del AFTER DELETE ON packages
    REFERENCING OLD TABLE AS changed FOR EACH STATEMENT EXECUTE FUNCTION sales_order_package_flags();

UPDATE sales_orders o SET any_shipped = a.any_shipped, all_shipped = a.all_shipped,
    all_invoiced = a.all_invoiced, any_to_pack = a.any_to_pack
FROM (SELECT order_id, bool_or(shipped > 0) AS any_shipped, bool_and(shipped >= quantity) AS all_shipped,
        bool_and(invoiced >= quantity) AS all_invoiced, bool_or(packed < quantity) AS any_to_pack
    FROM sales_order_lines GROUP BY order_id) a
WHERE o.id = a.order_id;
UPDATE sales_orders o SET any_packed_package = true
WHERE EXISTS (SELECT 1 FROM packages p WHERE p.order_id = o.id AND p.status = 'packed');

-- One pair per list status (store.orderFilter; the predicates must match
-- its text): (channel_id, id) for a marketplace, (id) for all of them.
-- Frozen's (id) index is 00022's sales_orders_frozen, cancelled and
-- fulfilled's is 00002's sales_orders_status.
CREATE INDEX sales_orders_list_open_ch ON sales_orders (channel_id, id) WHERE status = 'open' AND NOT frozen AND NOT any_shipped;
CREATE INDEX sales_orders_list_open ON sales_orders (id) WHERE status = 'open' AND NOT frozen AND NOT any_shipped;
CREATE INDEX sales_orders_list_frozen_ch ON sales_orders (channel_id, id) WHERE status = 'open' AND frozen;
CREATE INDEX sales_orders_list_partial_ch ON sales_orders (channel_id, id) WHERE status = 'open' AND any_shipped AND NOT all_shipped;
CREATE INDEX sales_orders_list_partial ON sales_orders (id) WHERE status = 'open' AND any_shipped AND NOT all_shipped;
CREATE INDEX sales_orders_list_shipped_ch ON sales_orders (channel_id, id) WHERE status IN ('open', 'fulfilled') AND all_shipped AND NOT all_invoiced;
CREATE INDEX sales_orders_list_shipped ON sales_orders (id) WHERE status IN ('open', 'fulfilled') AND all_shipped AND NOT all_invoiced;
CREATE INDEX sales_orders_list_invoiced_ch ON sales_orders (channel_id, id) WHERE status IN ('open', 'fulfilled') AND all_invoiced;
CREATE INDEX sales_orders_list_invoiced ON sales_orders (id) WHERE status IN ('open', 'fulfilled') AND all_invoiced;
CREATE INDEX sales_orders_list_to_pack_ch ON sales_orders (channel_id, id) WHERE status = 'open' AND NOT frozen AND any_to_pack;
CREATE INDEX sales_orders_list_to_pack ON sales_orders (id) WHERE status = 'open' AND NOT frozen AND any_to_pack;
CREATE INDEX sales_orders_list_to_ship_ch ON sales_orders (channel_id, id) WHERE status = 'open' AND NOT frozen AND any_packed_package;
CREATE INDEX sales_orders_list_to_ship ON sales_orders (id) WHERE status = 'open' AND NOT frozen AND any_packed_package;
CREATE INDEX sales_orders_list_status_ch ON sales_orders (channel_id, status, id);

-- +goose Down
DROP INDEX sales_orders_list_status_ch;
DROP INDEX sales_orders_list_to_ship;
DROP INDEX sales_orders_list_to_ship_ch;
DROP INDEX sales_orders_list_to_pack;
DROP INDEX sales_orders_list_to_pack_ch;
DROP INDEX sales_orders_list_invoiced;
DROP INDEX sales_orders_list_invoiced_ch;
DROP INDEX sales_orders_list_shipped;
DROP INDEX sales_orders_list_shipped_ch;
DROP INDEX sales_orders_list_partial;
DROP INDEX sales_orders_list_partial_ch;
DROP INDEX sales_orders_list_frozen_ch;
DROP INDEX sales_orders_list_open;
DROP INDEX sales_orders_list_open_ch;
DROP TRIGGER packages_flags_del ON packages;
DROP TRIGGER packages_flags_upd ON packages;
DROP TRIGGER packages_flags_ins ON packages;
DROP TRIGGER sales_order_lines_flags_del ON sales_order_lines;
DROP TRIGGER sales_order_lines_flags_upd ON sales_order_lines;
DROP TRIGGER sales_order_lines_flags_ins ON sales_order_lines;
DROP FUNCTION sales_order_package_flags();
DROP FUNCTION sales_order_line_flags();
ALTER TABLE sales_orders DROP COLUMN any_packed_package, DROP COLUMN any_to_pack, DROP COLUMN all_invoiced,
    DROP COLUMN all_shipped, DROP COLUMN any_shipped;
