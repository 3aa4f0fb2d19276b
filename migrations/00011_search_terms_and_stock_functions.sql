-- +goose Up
-- Items search: "every typed word starts a word of the name". A tsvector
-- prefix query ('oak:*') makes GIN gather every matching posting list into
-- a bitmap, which costs ten times the exact lookup of the same words. So
-- each name's word prefixes are stored as whole entries, and a search looks
-- its words up exactly. The terms are a stored column, not an expression
-- index, so that a broad search walking the name order filters each row by
-- an array comparison instead of recomputing the terms.
-- +goose StatementBegin
CREATE FUNCTION item_search_terms(name text) RETURNS text[]
LANGUAGE plpgsql IMMUTABLE PARALLEL SAFE STRICT AS $$
DECLARE
    w text;
    terms text[] := '{}';
BEGIN
    -- The same words as the former full-text index ('simple' parser),
    -- each cut at 24 characters (store.searchTerms cuts typed words alike).
    FOREACH w IN ARRAY tsvector_to_array(to_tsvector('simple', name)) LOOP
        FOR n IN 1..least(length(w), 24) LOOP
            terms := terms || left(w, n);
        END LOOP;
    END LOOP;
    RETURN terms;
END $$;
-- +goose StatementEnd
ALTER TABLE items ADD COLUMN search_terms text[] GENERATED ALWAYS AS (item_search_terms(name)) STORED;
CREATE INDEX items_search_terms ON items USING gin (search_terms);
DROP INDEX items_name_words;

-- Stock documents are written by one call each: the document's own rows
-- and its movements (ledger, balances, item totals), every value a real
-- parameter, the plans cached by PL/pgSQL. Which movements a document makes
-- is decided in Go (internal/inventory, store.stockChange); these functions
-- only write them. Each returns the document's id and the first balance a
-- decrease took below zero (NULLs when none), for Go to refuse it.

-- stock_apply writes movements given as four parallel arrays. Balances are
-- locked in (item, warehouse) order, then item totals in item order, the
-- one global lock order, so concurrent documents never deadlock.
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
    INSERT INTO stock_movements (item_id, warehouse_id, on_hand_delta, committed_delta, doc_kind, doc_id, created_by)
    SELECT i, w, o, c, p_kind, p_doc, p_user FROM unnest(p_items, p_whs, p_on_hand, p_committed) AS m(i, w, o, c);
    WITH d AS (
        SELECT i, w, sum(o)::bigint AS o, sum(c)::bigint AS c
        FROM unnest(p_items, p_whs, p_on_hand, p_committed) AS m(i, w, o, c) GROUP BY i, w),
    b AS (
        INSERT INTO stock_balances AS b (item_id, warehouse_id, on_hand, committed)
        SELECT i, w, o, c FROM d ORDER BY i, w
        ON CONFLICT (item_id, warehouse_id) DO UPDATE
            SET on_hand = b.on_hand + EXCLUDED.on_hand, committed = b.committed + EXCLUDED.committed
        RETURNING b.item_id, b.warehouse_id, b.on_hand)
    SELECT b.item_id, b.warehouse_id, b.on_hand - d.o, -d.o
    INTO short_item, short_warehouse, short_on_hand, short_remove
    FROM b JOIN d ON d.i = b.item_id AND d.w = b.warehouse_id
    WHERE b.on_hand < 0 AND d.o < 0
    ORDER BY b.item_id, b.warehouse_id LIMIT 1;
    IF short_item IS NOT NULL THEN
        RETURN; -- the caller rolls the document back
    END IF;
    INSERT INTO item_stock AS t (item_id, on_hand, committed)
    SELECT i, sum(o)::bigint, sum(c)::bigint FROM unnest(p_items, p_on_hand, p_committed) AS m(i, o, c) GROUP BY i ORDER BY i
    ON CONFLICT (item_id) DO UPDATE SET on_hand = t.on_hand + EXCLUDED.on_hand, committed = t.committed + EXCLUDED.committed;
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

-- The order documents below run after store.lockOrder has locked the order
-- and its lines; their movements are recorded against the order.
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

-- stock_pack makes a package of the given order lines and quantities; when
-- p_ship it ships at once and the order takes p_status. Returns the package.
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

-- stock_ship ships a package already marked shipped by the caller (which
-- needed its lines to decide the movements).
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

-- +goose Down
DROP FUNCTION stock_invoice(bigint, bigint, text, bigint[], bigint[], bigint[], bigint[], bigint[], bigint[]);
DROP FUNCTION stock_ship(bigint, bigint, text, bigint[], bigint[], bigint[], bigint[], bigint[], bigint[]);
DROP FUNCTION stock_pack(bigint, bigint, boolean, text, bigint[], bigint[], bigint[], bigint[], bigint[], bigint[]);
DROP FUNCTION stock_cancel(bigint, bigint, bigint[], bigint[], bigint[], bigint[]);
DROP FUNCTION stock_order(text, date, text, bigint, bigint[], bigint[], bigint[], numeric[], bigint[], bigint[], bigint[], bigint[]);
DROP FUNCTION stock_adjustment(text, date, text, bigint, bigint[], bigint[], bigint[], bigint[], bigint[], bigint[], bigint[]);
DROP FUNCTION stock_receive(text, date, text, bigint, bigint[], bigint[], bigint[], numeric[], bigint[], bigint[], bigint[], bigint[]);
DROP FUNCTION stock_apply(text, bigint, bigint, bigint[], bigint[], bigint[], bigint[]);
CREATE INDEX items_name_words ON items USING gin (to_tsvector('simple', name));
DROP INDEX items_search_terms;
ALTER TABLE items DROP COLUMN search_terms;
DROP FUNCTION item_search_terms(text);
