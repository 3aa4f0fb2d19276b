-- +goose Up
-- A search of unconfirmed listings ("SKU or name contains", store.listingSearch)
-- looked into an expression, (sku || ' ' || name) ILIKE, with two costs:
-- PostgreSQL keeps no statistics of a partial index's expression, so it
-- could not tell a common term from a rare one and the list walked two
-- thousand listings before it asked the trigram index, and ILIKE
-- lowercased every listing walked.
--
-- search_text is that text stored already lowercased. As a column it has
-- statistics (ANALYZE samples its values, more than the default for a
-- finer histogram of the words), so the planner sees how common a term is
-- and picks the trigram index for a rare one and the walk in id order for
-- a common one, which matches with LIKE, comparing bytes. Generated, so
-- that no write of a listing has to fill it.
--
-- A channel's first import builds the index on its own partition
-- (store/listings_bulk.go, loadIndexes), and a new partition gets the same
-- statistics target (newListingsTableSQL): keep them alike.
ALTER TABLE channel_items ADD COLUMN search_text text
    GENERATED ALWAYS AS (lower((sku COLLATE "default") || ' ' || name)) STORED;
ALTER TABLE channel_items ALTER COLUMN search_text SET STATISTICS 300;
DROP INDEX channel_items_search_idx;
CREATE INDEX channel_items_search_idx ON channel_items USING gin (search_text gin_trgm_ops) WHERE item_id IS NULL;
ANALYZE channel_items;

-- +goose Down
DROP INDEX channel_items_search_idx;
ALTER TABLE channel_items DROP COLUMN search_text;
CREATE INDEX channel_items_search_idx ON channel_items
    USING gin (((sku COLLATE "default") || ' ' || name) gin_trgm_ops) WHERE item_id IS NULL;
