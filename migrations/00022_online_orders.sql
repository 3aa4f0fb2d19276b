-- +goose Up
-- Online orders (DESIGN §1.1, 1.5–1.7). An order a channel sends is kept as
-- one sales order per (channel, the channel's order id): every import and
-- every webhook delivery of it upserts that row, and the channel's own
-- updated time decides which copy wins, so an older copy never overwrites
-- a newer one however the deliveries interleave.
ALTER TABLE sales_orders
    ADD COLUMN external_order_id    text,
    ADD COLUMN channel_order_number text NOT NULL DEFAULT '',
    ADD COLUMN channel_status       text NOT NULL DEFAULT '',
    ADD COLUMN channel_updated_at   timestamptz,
    ADD COLUMN currency             text NOT NULL DEFAULT '',
    ADD CONSTRAINT sales_orders_channel_fkey FOREIGN KEY (channel_id) REFERENCES channels (id),
    ADD CONSTRAINT sales_orders_channel_order_key UNIQUE (channel_id, external_order_id),
    ADD CONSTRAINT sales_orders_online_check CHECK ((channel_id IS NULL) = (external_order_id IS NULL));
-- the list's marketplace filter and the dashboard's frozen count
CREATE INDEX sales_orders_channel_sort ON sales_orders (channel_id, id);
CREATE INDEX sales_orders_frozen ON sales_orders (id) WHERE frozen AND status = 'open';

-- A line of an online order names the listing it sold. item_id is the
-- listing's item once it is linked; NULL while the listing is unconfirmed
-- (the order is then frozen). Only lines with an item commit stock.
-- (channel_items has no foreign keys, see 00004; a listing is never deleted
-- while orders name it.)
ALTER TABLE sales_order_lines ALTER COLUMN item_id DROP NOT NULL,
    ADD COLUMN channel_item_id  bigint,
    ADD COLUMN external_line_id text,
    ADD COLUMN line_sku         text NOT NULL DEFAULT '',
    ADD COLUMN line_name        text NOT NULL DEFAULT '',
    ADD CONSTRAINT sales_order_lines_item_or_listing CHECK (item_id IS NOT NULL OR channel_item_id IS NOT NULL);
CREATE INDEX sales_order_lines_waiting ON sales_order_lines (channel_item_id) WHERE item_id IS NULL;
CREATE INDEX sales_order_lines_listing ON sales_order_lines (channel_item_id) WHERE channel_item_id IS NOT NULL;

-- Per channel: where its orders commit stock (NULL: the primary warehouse),
-- and the order cursor: orders changed after it are fetched by the next sync.
ALTER TABLE channels ADD COLUMN default_warehouse_id bigint REFERENCES warehouses (id),
    ADD COLUMN orders_since timestamptz;

-- A sync run counts the orders it imported beside the listings.
ALTER TABLE sync_runs ADD COLUMN orders integer NOT NULL DEFAULT 0;

-- stock_apply_many is stock_apply (00011) with a document per movement, so
-- a page of orders writes its commitments in one call. Same lock order.
-- +goose StatementBegin
CREATE FUNCTION stock_apply_many(p_kind text, p_user bigint, p_docs bigint[],
    p_items bigint[], p_whs bigint[], p_on_hand bigint[], p_committed bigint[])
RETURNS void LANGUAGE plpgsql AS $$
BEGIN
    IF coalesce(cardinality(p_items), 0) = 0 THEN
        RETURN;
    END IF;
    INSERT INTO stock_movements (item_id, warehouse_id, on_hand_delta, committed_delta, doc_kind, doc_id, created_by)
    SELECT i, w, o, c, p_kind, d, p_user FROM unnest(p_items, p_whs, p_on_hand, p_committed, p_docs) AS m(i, w, o, c, d);
    INSERT INTO stock_balances AS b (item_id, warehouse_id, on_hand, committed)
    SELECT i, w, sum(o)::bigint, sum(c)::bigint FROM unnest(p_items, p_whs, p_on_hand, p_committed) AS m(i, w, o, c)
    GROUP BY i, w ORDER BY i, w
    ON CONFLICT (item_id, warehouse_id) DO UPDATE
        SET on_hand = b.on_hand + EXCLUDED.on_hand, committed = b.committed + EXCLUDED.committed;
    INSERT INTO item_stock AS t (item_id, on_hand, committed)
    SELECT i, sum(o)::bigint, sum(c)::bigint FROM unnest(p_items, p_on_hand, p_committed) AS m(i, o, c) GROUP BY i ORDER BY i
    ON CONFLICT (item_id) DO UPDATE SET on_hand = t.on_hand + EXCLUDED.on_hand, committed = t.committed + EXCLUDED.committed;
END $$;
-- +goose StatementEnd

-- +goose Down
DROP FUNCTION stock_apply_many(text, bigint, bigint[], bigint[], bigint[], bigint[], bigint[]);
ALTER TABLE sync_runs DROP COLUMN orders;
ALTER TABLE channels DROP COLUMN orders_since, DROP COLUMN default_warehouse_id;
DROP INDEX sales_order_lines_listing;
DROP INDEX sales_order_lines_waiting;
DELETE FROM sales_order_lines WHERE item_id IS NULL;
ALTER TABLE sales_order_lines DROP CONSTRAINT sales_order_lines_item_or_listing,
    DROP COLUMN line_name, DROP COLUMN line_sku, DROP COLUMN external_line_id, DROP COLUMN channel_item_id,
    ALTER COLUMN item_id SET NOT NULL;
DROP INDEX sales_orders_frozen;
DROP INDEX sales_orders_channel_sort;
ALTER TABLE sales_orders DROP CONSTRAINT sales_orders_online_check, DROP CONSTRAINT sales_orders_channel_order_key,
    DROP CONSTRAINT sales_orders_channel_fkey, DROP COLUMN currency, DROP COLUMN channel_updated_at,
    DROP COLUMN channel_status, DROP COLUMN channel_order_number, DROP COLUMN external_order_id;
