-- +goose Up
-- An online order its channel ships from the channel's own warehouses
-- (Amazon's FBA: FulfillmentChannel AFN). Its stock is the channel's: the
-- order commits nothing of ours, is never packed or shipped here, and an
-- invoice of it takes nothing off our stock. Set when the order is first
-- stored and never changed: its lines' commitments were decided by it.
ALTER TABLE sales_orders ADD COLUMN fulfilled_by_channel boolean NOT NULL DEFAULT false;

-- Such an order has nothing for us to pack, so it never lists as "to pack"
-- (00026's flags, the same function with that one condition added).
-- +goose StatementBegin
CREATE OR REPLACE FUNCTION sales_order_line_flags() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE sales_orders o SET any_shipped = a.any_shipped, all_shipped = a.all_shipped,
        all_invoiced = a.all_invoiced, any_to_pack = a.any_to_pack AND NOT o.fulfilled_by_channel
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
          IS DISTINCT FROM (a.any_shipped, a.all_shipped, a.all_invoiced, a.any_to_pack AND NOT o.fulfilled_by_channel);
    RETURN NULL;
END $$;
-- +goose StatementEnd

-- +goose Down
-- +goose StatementBegin
CREATE OR REPLACE FUNCTION sales_order_line_flags() RETURNS trigger LANGUAGE plpgsql AS $$
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
-- +goose StatementEnd
ALTER TABLE sales_orders DROP COLUMN fulfilled_by_channel;
