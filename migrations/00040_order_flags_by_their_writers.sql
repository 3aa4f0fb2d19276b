-- +goose Up
-- The orders list's line and package facts on sales_orders (00026) are
-- written by the statements that change lines and packages, in the same
-- statement as the order's own change where there is one, instead of by
-- statement triggers. The triggers rewrote the order row once per line or
-- package statement (a pack rewrote it three times, each time in all of
-- its list indexes) and ran a trigger function each time, a third of a
-- stock document's work. Writers now: the stock documents below, the
-- online order import (store.orderWrite), and anything else that changes
-- lines or packages must call sales_order_flags for its orders.
DROP TRIGGER packages_flags_del ON packages;
DROP TRIGGER packages_flags_upd ON packages;
DROP TRIGGER packages_flags_ins ON packages;
DROP TRIGGER sales_order_lines_flags_del ON sales_order_lines;
DROP TRIGGER sales_order_lines_flags_upd ON sales_order_lines;
DROP TRIGGER sales_order_lines_flags_ins ON sales_order_lines;
DROP FUNCTION sales_order_package_flags();
DROP FUNCTION sales_order_line_flags();

-- sales_order_flags sets the orders' facts from their lines and packages,
-- and, when p_status is given, their status (a fulfilment's outcome): one
-- write of each order whose facts or status change.
-- +goose StatementBegin
CREATE FUNCTION sales_order_flags(p_orders bigint[], p_status text) RETURNS void LANGUAGE plpgsql AS $$
BEGIN
    UPDATE sales_orders o SET any_shipped = a.any_shipped, all_shipped = a.all_shipped,
        all_invoiced = a.all_invoiced, any_to_pack = a.any_to_pack, any_packed_package = a.any_packed_package,
        status = coalesce(p_status, o.status), updated_at = CASE WHEN p_status IS NULL THEN o.updated_at ELSE now() END
    FROM (SELECT d.id,
            coalesce(bool_or(l.shipped > 0), false) AS any_shipped,
            coalesce(bool_and(l.shipped >= l.quantity), true) AS all_shipped,
            coalesce(bool_and(l.invoiced >= l.quantity), true) AS all_invoiced,
            coalesce(bool_or(l.packed < l.quantity), false) AS any_to_pack,
            EXISTS (SELECT 1 FROM packages p WHERE p.order_id = d.id AND p.status = 'packed') AS any_packed_package
        FROM (SELECT DISTINCT id FROM unnest(p_orders) AS u(id)) d
        LEFT JOIN sales_order_lines l ON l.order_id = d.id
        GROUP BY d.id) a
    WHERE o.id = a.id
      AND (p_status IS NOT NULL OR (o.any_shipped, o.all_shipped, o.all_invoiced, o.any_to_pack, o.any_packed_package)
          IS DISTINCT FROM (a.any_shipped, a.all_shipped, a.all_invoiced, a.any_to_pack, a.any_packed_package));
END $$;
-- +goose StatementEnd

-- A new order's facts follow from its quantities (nothing is packed,
-- shipped or invoiced yet): it is written once.
-- +goose StatementBegin
CREATE OR REPLACE FUNCTION stock_order(p_customer text, p_on date, p_reference text, p_user bigint,
    p_items bigint[], p_whs bigint[], p_qty bigint[], p_rates numeric[],
    m_items bigint[], m_whs bigint[], m_on_hand bigint[], m_committed bigint[],
    OUT doc_id bigint, OUT short_item bigint, OUT short_warehouse bigint, OUT short_on_hand bigint, OUT short_remove bigint)
LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO sales_orders (customer, ordered_on, reference, source, created_by,
        any_shipped, all_shipped, all_invoiced, any_to_pack, any_packed_package)
    SELECT p_customer, p_on, p_reference, 'manual', p_user, false, NOT units, NOT units, units, false
    FROM (SELECT coalesce(bool_or(q > 0), false) AS units FROM unnest(p_qty) AS u(q)) u
    RETURNING id INTO doc_id;
    INSERT INTO sales_order_lines (order_id, line_no, item_id, warehouse_id, quantity, rate)
    SELECT doc_id, n, i, w, q, r FROM unnest(p_items, p_whs, p_qty, p_rates) WITH ORDINALITY AS u(i, w, q, r, n);
    SELECT a.short_item, a.short_warehouse, a.short_on_hand, a.short_remove
    INTO short_item, short_warehouse, short_on_hand, short_remove
    FROM stock_apply('order', doc_id, p_user, m_items, m_whs, m_on_hand, m_committed) a;
END $$;
-- +goose StatementEnd

-- +goose StatementBegin
CREATE OR REPLACE FUNCTION stock_pack(p_order bigint, p_user bigint, p_ship boolean, p_status text,
    p_lines bigint[], p_qty bigint[],
    m_items bigint[], m_whs bigint[], m_on_hand bigint[], m_committed bigint[],
    OUT doc_id bigint, OUT short_item bigint, OUT short_warehouse bigint, OUT short_on_hand bigint, OUT short_remove bigint)
LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO packages (order_id, status, created_by, shipped_at)
    VALUES (p_order, CASE WHEN p_ship THEN 'shipped' ELSE 'packed' END, p_user, CASE WHEN p_ship THEN now() END)
    RETURNING id INTO doc_id;
    INSERT INTO package_lines (package_id, order_line_id, quantity) SELECT doc_id, l, q FROM unnest(p_lines, p_qty) AS u(l, q);
    UPDATE sales_order_lines SET packed = packed + u.q, shipped = shipped + CASE WHEN p_ship THEN u.q ELSE 0 END
    FROM unnest(p_lines, p_qty) AS u(l, q) WHERE id = u.l;
    PERFORM sales_order_flags(ARRAY[p_order], CASE WHEN p_ship THEN p_status END);
    SELECT a.short_item, a.short_warehouse, a.short_on_hand, a.short_remove
    INTO short_item, short_warehouse, short_on_hand, short_remove
    FROM stock_apply('shipment', p_order, p_user, m_items, m_whs, m_on_hand, m_committed) a;
END $$;
-- +goose StatementEnd

-- (the caller marked the package shipped: its facts are set here too)
-- +goose StatementBegin
CREATE OR REPLACE FUNCTION stock_ship(p_order bigint, p_user bigint, p_status text, p_lines bigint[], p_qty bigint[],
    m_items bigint[], m_whs bigint[], m_on_hand bigint[], m_committed bigint[],
    OUT doc_id bigint, OUT short_item bigint, OUT short_warehouse bigint, OUT short_on_hand bigint, OUT short_remove bigint)
LANGUAGE plpgsql AS $$
BEGIN
    UPDATE sales_order_lines SET shipped = shipped + u.q FROM unnest(p_lines, p_qty) AS u(l, q) WHERE id = u.l;
    PERFORM sales_order_flags(ARRAY[p_order], p_status);
    SELECT a.doc_id, a.short_item, a.short_warehouse, a.short_on_hand, a.short_remove
    INTO doc_id, short_item, short_warehouse, short_on_hand, short_remove
    FROM stock_apply('shipment', p_order, p_user, m_items, m_whs, m_on_hand, m_committed) a;
END $$;
-- +goose StatementEnd

-- +goose StatementBegin
CREATE OR REPLACE FUNCTION stock_invoice(p_order bigint, p_user bigint, p_status text, p_lines bigint[], p_qty bigint[],
    m_items bigint[], m_whs bigint[], m_on_hand bigint[], m_committed bigint[],
    OUT doc_id bigint, OUT short_item bigint, OUT short_warehouse bigint, OUT short_on_hand bigint, OUT short_remove bigint)
LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO invoices (order_id, created_by) VALUES (p_order, p_user) RETURNING id INTO doc_id;
    INSERT INTO invoice_lines (invoice_id, order_line_id, quantity) SELECT doc_id, l, q FROM unnest(p_lines, p_qty) AS u(l, q);
    UPDATE sales_order_lines SET invoiced = invoiced + u.q FROM unnest(p_lines, p_qty) AS u(l, q) WHERE id = u.l;
    PERFORM sales_order_flags(ARRAY[p_order], p_status);
    SELECT a.short_item, a.short_warehouse, a.short_on_hand, a.short_remove
    INTO short_item, short_warehouse, short_on_hand, short_remove
    FROM stock_apply('invoice', p_order, p_user, m_items, m_whs, m_on_hand, m_committed) a;
END $$;
-- +goose StatementEnd

-- +goose Down
-- +goose StatementBegin
CREATE OR REPLACE FUNCTION stock_order(p_customer text, p_on date, p_reference text, p_user bigint,
    p_items bigint[], p_whs bigint[], p_qty bigint[], p_rates numeric[],
    m_items bigint[], m_whs bigint[], m_on_hand bigint[], m_committed bigint[],
    OUT doc_id bigint, OUT short_item bigint, OUT short_warehouse bigint, OUT short_on_hand bigint, OUT short_remove bigint)
LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO sales_orders (customer, ordered_on, reference, source, created_by) VALUES (p_customer, p_on, p_reference, 'manual', p_user)
    RETURNING id INTO doc_id;
    INSERT INTO sales_order_lines (order_id, line_no, item_id, warehouse_id, quantity, rate)
    SELECT doc_id, n, i, w, q, r FROM unnest(p_items, p_whs, p_qty, p_rates) WITH ORDINALITY AS u(i, w, q, r, n);
    SELECT a.short_item, a.short_warehouse, a.short_on_hand, a.short_remove
    INTO short_item, short_warehouse, short_on_hand, short_remove
    FROM stock_apply('order', doc_id, p_user, m_items, m_whs, m_on_hand, m_committed) a;
END $$;
-- +goose StatementEnd

-- +goose StatementBegin
CREATE OR REPLACE FUNCTION stock_pack(p_order bigint, p_user bigint, p_ship boolean, p_status text,
    p_lines bigint[], p_qty bigint[],
    m_items bigint[], m_whs bigint[], m_on_hand bigint[], m_committed bigint[],
    OUT doc_id bigint, OUT short_item bigint, OUT short_warehouse bigint, OUT short_on_hand bigint, OUT short_remove bigint)
LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO packages (order_id, status, created_by, shipped_at)
    VALUES (p_order, CASE WHEN p_ship THEN 'shipped' ELSE 'packed' END, p_user, CASE WHEN p_ship THEN now() END)
    RETURNING id INTO doc_id;
    INSERT INTO package_lines (package_id, order_line_id, quantity) SELECT doc_id, l, q FROM unnest(p_lines, p_qty) AS u(l, q);
    UPDATE sales_order_lines SET packed = packed + u.q, shipped = shipped + CASE WHEN p_ship THEN u.q ELSE 0 END
    FROM unnest(p_lines, p_qty) AS u(l, q) WHERE id = u.l;
    IF p_ship THEN
        UPDATE sales_orders SET status = p_status, updated_at = now() WHERE id = p_order;
    END IF;
    SELECT a.short_item, a.short_warehouse, a.short_on_hand, a.short_remove
    INTO short_item, short_warehouse, short_on_hand, short_remove
    FROM stock_apply('shipment', p_order, p_user, m_items, m_whs, m_on_hand, m_committed) a;
END $$;
-- +goose StatementEnd

-- +goose StatementBegin
CREATE OR REPLACE FUNCTION stock_ship(p_order bigint, p_user bigint, p_status text, p_lines bigint[], p_qty bigint[],
    m_items bigint[], m_whs bigint[], m_on_hand bigint[], m_committed bigint[],
    OUT doc_id bigint, OUT short_item bigint, OUT short_warehouse bigint, OUT short_on_hand bigint, OUT short_remove bigint)
LANGUAGE plpgsql AS $$
BEGIN
    UPDATE sales_order_lines SET shipped = shipped + u.q FROM unnest(p_lines, p_qty) AS u(l, q) WHERE id = u.l;
    UPDATE sales_orders SET status = p_status, updated_at = now() WHERE id = p_order;
    SELECT a.doc_id, a.short_item, a.short_warehouse, a.short_on_hand, a.short_remove
    INTO doc_id, short_item, short_warehouse, short_on_hand, short_remove
    FROM stock_apply('shipment', p_order, p_user, m_items, m_whs, m_on_hand, m_committed) a;
END $$;
-- +goose StatementEnd

-- +goose StatementBegin
CREATE OR REPLACE FUNCTION stock_invoice(p_order bigint, p_user bigint, p_status text, p_lines bigint[], p_qty bigint[],
    m_items bigint[], m_whs bigint[], m_on_hand bigint[], m_committed bigint[],
    OUT doc_id bigint, OUT short_item bigint, OUT short_warehouse bigint, OUT short_on_hand bigint, OUT short_remove bigint)
LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO invoices (order_id, created_by) VALUES (p_order, p_user) RETURNING id INTO doc_id;
    INSERT INTO invoice_lines (invoice_id, order_line_id, quantity) SELECT doc_id, l, q FROM unnest(p_lines, p_qty) AS u(l, q);
    UPDATE sales_order_lines SET invoiced = invoiced + u.q FROM unnest(p_lines, p_qty) AS u(l, q) WHERE id = u.l;
    UPDATE sales_orders SET status = p_status, updated_at = now() WHERE id = p_order;
    SELECT a.short_item, a.short_warehouse, a.short_on_hand, a.short_remove
    INTO short_item, short_warehouse, short_on_hand, short_remove
    FROM stock_apply('invoice', p_order, p_user, m_items, m_whs, m_on_hand, m_committed) a;
END $$;
-- +goose StatementEnd

DROP FUNCTION sales_order_flags(bigint[], text);

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
