-- +goose Up
-- Stock documents are single statements written by the application
-- (store/stock_sql.go); the functions that wrote them one statement at a
-- time are gone. The orders list's line and package facts on sales_orders
-- (00026) are written by whoever writes lines and packages, in the same
-- statement as the order's own change where there is one, instead of by
-- statement triggers: those rewrote the order once per line or package
-- statement (a pack rewrote it three times, each time in all of its list
-- indexes) and ran a trigger function each time, a third of a stock
-- document's work. Writers now: the stock documents, the online order
-- import (store.orderWrite, through sales_order_flags), and anything else
-- that changes lines or packages must keep the facts too.
DROP TRIGGER packages_flags_del ON packages;
DROP TRIGGER packages_flags_upd ON packages;
DROP TRIGGER packages_flags_ins ON packages;
DROP TRIGGER sales_order_lines_flags_del ON sales_order_lines;
DROP TRIGGER sales_order_lines_flags_upd ON sales_order_lines;
DROP TRIGGER sales_order_lines_flags_ins ON sales_order_lines;
DROP FUNCTION sales_order_package_flags();
DROP FUNCTION sales_order_line_flags();
DROP FUNCTION stock_invoice(bigint, bigint, text, bigint[], bigint[], bigint[], bigint[], bigint[], bigint[]);
DROP FUNCTION stock_ship(bigint, bigint, text, bigint[], bigint[], bigint[], bigint[], bigint[], bigint[]);
DROP FUNCTION stock_pack(bigint, bigint, boolean, text, bigint[], bigint[], bigint[], bigint[], bigint[], bigint[]);
DROP FUNCTION stock_cancel(bigint, bigint, bigint[], bigint[], bigint[], bigint[]);
DROP FUNCTION stock_order(text, date, text, bigint, bigint[], bigint[], bigint[], numeric[], bigint[], bigint[], bigint[], bigint[]);
DROP FUNCTION stock_adjustment(text, date, text, bigint, bigint[], bigint[], bigint[], bigint[], bigint[], bigint[], bigint[]);
DROP FUNCTION stock_receive(text, date, text, bigint, bigint[], bigint[], bigint[], numeric[], bigint[], bigint[], bigint[], bigint[]);
DROP FUNCTION stock_apply(text, bigint, bigint, bigint[], bigint[], bigint[], bigint[]);

-- sales_order_flags sets the orders' facts from their lines and packages:
-- one write of each order whose facts change.
-- +goose StatementBegin
CREATE FUNCTION sales_order_flags(p_orders bigint[]) RETURNS void LANGUAGE plpgsql AS $$
BEGIN
    UPDATE sales_orders o SET any_shipped = a.any_shipped, all_shipped = a.all_shipped,
        all_invoiced = a.all_invoiced, any_to_pack = a.any_to_pack, any_packed_package = a.any_packed_package
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
      AND (o.any_shipped, o.all_shipped, o.all_invoiced, o.any_to_pack, o.any_packed_package)
          IS DISTINCT FROM (a.any_shipped, a.all_shipped, a.all_invoiced, a.any_to_pack, a.any_packed_package);
END $$;
-- +goose StatementEnd

-- +goose Down
DROP FUNCTION sales_order_flags(bigint[]);

-- +goose StatementBegin
CREATE FUNCTION stock_apply(p_kind text, p_doc bigint, p_user bigint,
    p_items bigint[], p_whs bigint[], p_on_hand bigint[], p_committed bigint[],
    OUT doc_id bigint, OUT short_item bigint, OUT short_warehouse bigint, OUT short_on_hand bigint, OUT short_remove bigint)
LANGUAGE plpgsql AS $$
BEGIN
    doc_id := p_doc;
    IF coalesce(cardinality(p_items), 0) = 0 THEN
        RETURN;
    END IF;
    SELECT a.short_item, a.short_warehouse, a.short_on_hand, a.short_remove
    INTO short_item, short_warehouse, short_on_hand, short_remove
    FROM stock_apply_each(p_kind, array_fill(p_doc, ARRAY[cardinality(p_items)]), p_user,
        p_items, p_whs, p_on_hand, p_committed) a;
END $$;
-- +goose StatementEnd

-- +goose StatementBegin
CREATE FUNCTION stock_receive(p_vendor text, p_on date, p_notes text, p_user bigint,
    p_items bigint[], p_whs bigint[], p_qty bigint[], p_rates numeric[],
    m_items bigint[], m_whs bigint[], m_on_hand bigint[], m_committed bigint[],
    OUT doc_id bigint, OUT short_item bigint, OUT short_warehouse bigint, OUT short_on_hand bigint, OUT short_remove bigint)
LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO purchase_receives (vendor, received_on, notes, created_by) VALUES (p_vendor, p_on, p_notes, p_user)
    RETURNING id INTO doc_id;
    INSERT INTO purchase_receive_lines (receive_id, item_id, warehouse_id, quantity, rate)
    SELECT doc_id, i, w, q, r FROM unnest(p_items, p_whs, p_qty, p_rates) AS u(i, w, q, r);
    SELECT a.short_item, a.short_warehouse, a.short_on_hand, a.short_remove
    INTO short_item, short_warehouse, short_on_hand, short_remove
    FROM stock_apply('receive', doc_id, p_user, m_items, m_whs, m_on_hand, m_committed) a;
END $$;
-- +goose StatementEnd

-- +goose StatementBegin
CREATE FUNCTION stock_adjustment(p_reason text, p_on date, p_notes text, p_user bigint,
    p_items bigint[], p_whs bigint[], p_qty bigint[],
    m_items bigint[], m_whs bigint[], m_on_hand bigint[], m_committed bigint[],
    OUT doc_id bigint, OUT short_item bigint, OUT short_warehouse bigint, OUT short_on_hand bigint, OUT short_remove bigint)
LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO adjustments (reason, adjusted_on, notes, created_by) VALUES (p_reason, p_on, p_notes, p_user)
    RETURNING id INTO doc_id;
    INSERT INTO adjustment_lines (adjustment_id, item_id, warehouse_id, quantity)
    SELECT doc_id, i, w, q FROM unnest(p_items, p_whs, p_qty) AS u(i, w, q);
    SELECT a.short_item, a.short_warehouse, a.short_on_hand, a.short_remove
    INTO short_item, short_warehouse, short_on_hand, short_remove
    FROM stock_apply('adjustment', doc_id, p_user, m_items, m_whs, m_on_hand, m_committed) a;
END $$;
-- +goose StatementEnd

-- +goose StatementBegin
CREATE FUNCTION stock_order(p_customer text, p_on date, p_reference text, p_user bigint,
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
CREATE FUNCTION stock_cancel(p_order bigint, p_user bigint,
    m_items bigint[], m_whs bigint[], m_on_hand bigint[], m_committed bigint[],
    OUT doc_id bigint, OUT short_item bigint, OUT short_warehouse bigint, OUT short_on_hand bigint, OUT short_remove bigint)
LANGUAGE plpgsql AS $$
BEGIN
    UPDATE sales_orders SET status = 'cancelled', updated_at = now() WHERE id = p_order;
    SELECT a.doc_id, a.short_item, a.short_warehouse, a.short_on_hand, a.short_remove
    INTO doc_id, short_item, short_warehouse, short_on_hand, short_remove
    FROM stock_apply('cancel', p_order, p_user, m_items, m_whs, m_on_hand, m_committed) a;
END $$;
-- +goose StatementEnd

-- +goose StatementBegin
CREATE FUNCTION stock_pack(p_order bigint, p_user bigint, p_ship boolean, p_status text,
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
CREATE FUNCTION stock_ship(p_order bigint, p_user bigint, p_status text, p_lines bigint[], p_qty bigint[],
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
CREATE FUNCTION stock_invoice(p_order bigint, p_user bigint, p_status text, p_lines bigint[], p_qty bigint[],
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
