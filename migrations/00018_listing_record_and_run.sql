-- +goose Up
-- A listing's page shows the record as the channel sent it (raw, capped at
-- 16 KiB and kept as text: it is only shown, and text costs an import
-- nothing to parse) and links to it on the channel's storefront (url).
-- Both are written when the listing is inserted or its details change.
-- first_seen_run is the sync run that created the listing, so a run's page
-- can say how many of its new listings are still unconfirmed and list them.
ALTER TABLE channel_items ADD COLUMN raw text, ADD COLUMN url text, ADD COLUMN first_seen_run bigint;

-- The run's unconfirmed listings, in the list's order. Partial like the
-- unconfirmed index: a listing leaves it when it is linked. (Also in the
-- bulk load's list of indexes, store/listings_bulk.go.)
CREATE INDEX channel_items_run_unconfirmed_idx ON channel_items (channel_id, first_seen_run, id) WHERE item_id IS NULL;

-- Rows three times longer need more of each page kept free for a re-sync's
-- in-place updates (see store/listings_partition.go): pages written from
-- now on keep a fifth free.
-- +goose StatementBegin
DO $$
DECLARE p regclass;
BEGIN
    FOR p IN SELECT inhrelid::regclass FROM pg_inherits WHERE inhparent = 'channel_items'::regclass LOOP
        EXECUTE format('ALTER TABLE %s SET (fillfactor = 80)', p);
    END LOOP;
END $$;
-- +goose StatementEnd

-- +goose Down
DROP INDEX channel_items_run_unconfirmed_idx;
ALTER TABLE channel_items DROP COLUMN first_seen_run, DROP COLUMN url, DROP COLUMN raw;
