-- +goose Up
-- Searching the Unconfirmed Items list ("SKU or name contains") read every
-- unconfirmed listing of the channel whenever the term was rare: 100,000
-- rows for a SKU. A trigram index of the SKU and name joined finds the
-- candidates instead (store.listingSearch). It holds unconfirmed listings
-- only: they are what staff search, a first import indexes only the
-- listings it could not link, and linking or confirming listings (in bulk
-- too) takes them out of the index without writing to it.
--
-- A channel's first import builds the index on its own partition with the
-- others (store/listings_bulk.go, loadIndexes): keep the two alike.
CREATE INDEX channel_items_search_idx ON channel_items
    USING gin (((sku COLLATE "default") || ' ' || name) gin_trgm_ops) WHERE item_id IS NULL;

-- +goose Down
DROP INDEX channel_items_search_idx;
