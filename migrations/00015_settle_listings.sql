-- +goose Up
-- Staff settle unconfirmed listings by hand (DESIGN §1.3): Confirm and
-- Update create an item from the listing, Link ties it to an existing one.
-- 'update' joins the link sources, so the item page tells an edited
-- listing from one confirmed as it was.
ALTER TABLE channel_items DROP CONSTRAINT channel_items_link_source_check,
    ADD CONSTRAINT channel_items_link_source_check
        CHECK (link_source IN ('sku', 'name', 'manual', 'confirm', 'update'));

-- linked_by: who settled the listing, for the "already confirmed by …"
-- answer to a second person settling it at the same moment (users are
-- never deleted; no foreign key, as for the item: see 00004).
-- stock_push_pending: a listing linked to an existing item must be brought
-- to the item's available quantity (§1.3); the stock push sends it and
-- clears the flag. (An index for the push to find them belongs with the
-- push, and in the bulk load's list of indexes, store/listings_bulk.go.)
ALTER TABLE channel_items ADD COLUMN linked_by bigint,
    ADD COLUMN stock_push_pending boolean NOT NULL DEFAULT false;

-- Settling and unlinking are entries of the item's activity log that also
-- name the listing, so the listing's page shows them as well.
ALTER TABLE item_activity ADD COLUMN channel_id bigint REFERENCES channels (id),
    ADD COLUMN channel_item_id bigint;
CREATE INDEX item_activity_channel_item ON item_activity (channel_item_id, id) WHERE channel_item_id IS NOT NULL;

-- +goose Down
DROP INDEX item_activity_channel_item;
ALTER TABLE item_activity DROP COLUMN channel_item_id, DROP COLUMN channel_id;
ALTER TABLE channel_items DROP COLUMN stock_push_pending, DROP COLUMN linked_by;
UPDATE channel_items SET link_source = 'confirm' WHERE link_source = 'update';
ALTER TABLE channel_items DROP CONSTRAINT channel_items_link_source_check,
    ADD CONSTRAINT channel_items_link_source_check CHECK (link_source IN ('sku', 'name', 'manual', 'confirm'));
