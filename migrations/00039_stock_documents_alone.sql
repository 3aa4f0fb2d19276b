-- +goose Up
-- A stock document is one statement (store/stock_sql.go) that commits on
-- its own where it can: no BEGIN and COMMIT round trips, and the stock
-- rows it locks are held only while the database works, never while a
-- client is scheduled. It may commit alone only when nothing else must
-- happen in its transaction, and, for a document of an order decided on
-- the order read without a lock, only when the order is still as read.
-- Otherwise these functions raise, nothing is written, and the document
-- is decided and written again in a transaction (store.stockTx).

-- stock_mark marks every tracked listing of the items as needing a push
-- and returns their channels, sorted. Rows are locked in id order, as
-- RecordPushes locks them, so a document and a push recording never wait
-- on each other in a circle; NO KEY UPDATE, so an order import's KEY SHARE
-- on a listing never blocks it. Most items have no listing: one index probe
-- then, and no UPDATE (whose statement trigger would run for no rows).
-- +goose StatementBegin
CREATE FUNCTION stock_mark(p_items bigint[]) RETURNS bigint[] LANGUAGE plpgsql AS $$
DECLARE
    channels bigint[];
BEGIN
    IF NOT EXISTS (SELECT 1 FROM channel_items WHERE item_id = ANY(p_items) AND quantity IS NOT NULL) THEN
        RETURN '{}';
    END IF;
    WITH l AS (
        SELECT id, channel_id FROM channel_items WHERE item_id = ANY(p_items) AND quantity IS NOT NULL
        ORDER BY id FOR NO KEY UPDATE
    ), m AS (
        UPDATE channel_items c SET stock_push_pending = true, push_marked_at = clock_timestamp() FROM l
        WHERE c.id = l.id AND c.channel_id = l.channel_id RETURNING c.channel_id)
    SELECT coalesce(array_agg(DISTINCT channel_id ORDER BY channel_id), '{}') INTO channels FROM m;
    RETURN channels;
END $$;
-- +goose StatementEnd

-- push_wakeup_lock_shared takes the channels' wake-up locks in shared mode
-- until the transaction ends (store.enqueue says why).
-- +goose StatementBegin
CREATE FUNCTION push_wakeup_lock_shared(p_channels bigint[]) RETURNS void LANGUAGE plpgsql AS $$
BEGIN
    PERFORM pg_advisory_xact_lock_shared(hashtext('push_wakeup'), id::int) FROM unnest(p_channels) AS u(id) ORDER BY id;
END $$;
-- +goose StatementEnd

-- stock_commit_alone runs after a document's function (p_short is its
-- first short balance, p_changed the items whose availability it changed):
-- it marks their listings and lets the statement commit only if every
-- channel marked has its push queued already. SS001: a balance is short;
-- SS002: a push must be enqueued. The flag is read after the locks, in a
-- statement of its own (this function is volatile: each statement sees
-- what committed before it began).
-- +goose StatementBegin
CREATE FUNCTION stock_commit_alone(p_short bigint, p_changed bigint[]) RETURNS void LANGUAGE plpgsql AS $$
DECLARE
    channels bigint[];
BEGIN
    IF p_short IS NOT NULL THEN
        RAISE EXCEPTION 'stock document: a balance would fall below zero' USING ERRCODE = 'SS001';
    END IF;
    channels := stock_mark(p_changed);
    IF cardinality(channels) = 0 THEN
        RETURN;
    END IF;
    PERFORM push_wakeup_lock_shared(channels);
    IF EXISTS (SELECT 1 FROM unnest(channels) AS u(id)
               WHERE NOT EXISTS (SELECT 1 FROM push_wakeups q WHERE q.channel_id = u.id AND q.queued)) THEN
        RAISE EXCEPTION 'stock document: a stock push must be enqueued' USING ERRCODE = 'SS002';
    END IF;
END $$;
-- +goose StatementEnd

-- sales_order_unchanged lets a document of an order commit on its own
-- when the order is as the caller read it, without a lock, a moment ago:
-- it locks the order and then its lines in line order, as store.lockOrder
-- does, and returns the order's id when their row versions (the order's
-- xmin, then each line's, in line order) are p_versions. SS003 otherwise:
-- the document is decided again under the lock (store.orderDoc).
-- +goose StatementBegin
CREATE FUNCTION sales_order_unchanged(p_order bigint, p_versions text[]) RETURNS bigint LANGUAGE plpgsql AS $$
DECLARE
    versions text[];
    lines text[];
BEGIN
    SELECT ARRAY[xmin::text] INTO versions FROM sales_orders WHERE id = p_order FOR UPDATE;
    SELECT array_agg(v ORDER BY line_no) INTO lines
    FROM (SELECT xmin::text AS v, line_no FROM sales_order_lines WHERE order_id = p_order ORDER BY line_no FOR UPDATE) l;
    versions := versions || lines;
    IF versions IS DISTINCT FROM p_versions THEN
        RAISE EXCEPTION 'stock document: sales order % changed since it was read', p_order USING ERRCODE = 'SS003';
    END IF;
    RETURN p_order;
END $$;
-- +goose StatementEnd

-- +goose Down
DROP FUNCTION sales_order_unchanged(bigint, text[]);
DROP FUNCTION stock_commit_alone(bigint, bigint[]);
DROP FUNCTION push_wakeup_lock_shared(bigint[]);
DROP FUNCTION stock_mark(bigint[]);
