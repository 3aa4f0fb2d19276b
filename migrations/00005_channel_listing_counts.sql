-- +goose Up
-- How many listings a channel has, and how many of them are unconfirmed,
-- kept on the channel: the channels pages show both and poll them every
-- second during a sync, and counting a million listings each time would cost
-- the database more than the sync itself. Statement-level triggers keep
-- them, so each import statement adds one update, not one per listing.
ALTER TABLE channels ADD COLUMN listings bigint NOT NULL DEFAULT 0,
    ADD COLUMN unconfirmed bigint NOT NULL DEFAULT 0;
UPDATE channels c SET listings = n.listings, unconfirmed = n.unconfirmed
FROM (SELECT channel_id, count(*) AS listings, count(*) FILTER (WHERE item_id IS NULL) AS unconfirmed
      FROM channel_items GROUP BY channel_id) n
WHERE c.id = n.channel_id;

-- +goose StatementBegin
CREATE FUNCTION channel_listing_counts() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN
        UPDATE channels c SET listings = c.listings + d.listings, unconfirmed = c.unconfirmed + d.unconfirmed
        FROM (SELECT channel_id, count(*) AS listings, count(*) FILTER (WHERE item_id IS NULL) AS unconfirmed
              FROM new_rows GROUP BY channel_id) d
        WHERE c.id = d.channel_id;
    ELSIF TG_OP = 'DELETE' THEN
        UPDATE channels c SET listings = c.listings - d.listings, unconfirmed = c.unconfirmed - d.unconfirmed
        FROM (SELECT channel_id, count(*) AS listings, count(*) FILTER (WHERE item_id IS NULL) AS unconfirmed
              FROM old_rows GROUP BY channel_id) d
        WHERE c.id = d.channel_id;
    ELSE
        -- a listing never moves between channels; only its link changes
        UPDATE channels c SET unconfirmed = c.unconfirmed + d.delta
        FROM (SELECT n.channel_id, sum((n.item_id IS NULL)::int - (o.item_id IS NULL)::int) AS delta
              FROM new_rows n JOIN old_rows o ON o.id = n.id
              WHERE (n.item_id IS NULL) <> (o.item_id IS NULL) GROUP BY n.channel_id) d
        WHERE c.id = d.channel_id;
    END IF;
    RETURN NULL;
END $$;
-- +goose StatementEnd
CREATE TRIGGER channel_items_counts_insert AFTER INSERT ON channel_items
    REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION channel_listing_counts();
CREATE TRIGGER channel_items_counts_update AFTER UPDATE ON channel_items
    REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION channel_listing_counts();
CREATE TRIGGER channel_items_counts_delete AFTER DELETE ON channel_items
    REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION channel_listing_counts();

-- +goose Down
DROP TRIGGER channel_items_counts_delete ON channel_items;
DROP TRIGGER channel_items_counts_update ON channel_items;
DROP TRIGGER channel_items_counts_insert ON channel_items;
DROP FUNCTION channel_listing_counts();
ALTER TABLE channels DROP COLUMN listings, DROP COLUMN unconfirmed;
