-- +goose Up
-- An online order its channel ships from the channel's own warehouses
-- (Amazon's FBA: FulfillmentChannel AFN). Its stock is the channel's: the
-- order commits nothing of ours, is never packed or shipped here, and an
-- invoice of it takes nothing off our stock. Set when the order is first
-- stored and never changed: its lines' commitments were decided by it.
ALTER TABLE sales_orders ADD COLUMN fulfilled_by_channel boolean NOT NULL DEFAULT false;

-- Such an order has nothing for us to pack, so it never lists as "to be
-- packed": 00026's indexes of that status, with the condition added
-- (store.orderFilter keeps their text).
DROP INDEX sales_orders_list_to_pack_ch;
DROP INDEX sales_orders_list_to_pack;
CREATE INDEX sales_orders_list_to_pack_ch ON sales_orders (channel_id, id)
    WHERE status = 'open' AND NOT frozen AND any_to_pack AND NOT fulfilled_by_channel;
CREATE INDEX sales_orders_list_to_pack ON sales_orders (id)
    WHERE status = 'open' AND NOT frozen AND any_to_pack AND NOT fulfilled_by_channel;

-- +goose Down
DROP INDEX sales_orders_list_to_pack;
DROP INDEX sales_orders_list_to_pack_ch;
CREATE INDEX sales_orders_list_to_pack_ch ON sales_orders (channel_id, id) WHERE status = 'open' AND NOT frozen AND any_to_pack;
CREATE INDEX sales_orders_list_to_pack ON sales_orders (id) WHERE status = 'open' AND NOT frozen AND any_to_pack;
ALTER TABLE sales_orders DROP COLUMN fulfilled_by_channel;
