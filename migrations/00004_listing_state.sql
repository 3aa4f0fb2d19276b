-- +goose Up
-- What a sync needs to tell, without asking the database listing by listing,
-- whether a fetched listing is new or unchanged since it was last imported.
-- listing_key is the first 64 bits of md5(external_id), which SQL and Go both
-- compute; fingerprint is a hash, made by the importer, of the listing's
-- details as imported (NULL until a sync writes it, which counts as changed).
ALTER TABLE channel_items ADD COLUMN listing_key bigint, ADD COLUMN fingerprint bigint;
UPDATE channel_items SET listing_key = ('x' || left(md5(external_id), 16))::bit(64)::bigint;
ALTER TABLE channel_items ALTER COLUMN listing_key SET NOT NULL;

-- The two foreign keys of channel_items cost a first import a quarter of its
-- time: each imported row locked its channel's row and its item's row, and
-- two import workers sharing one channel row made every lock a multixact.
-- What they guarded is kept by cheaper means:
--  * channel_id: channels are never deleted (disconnecting keeps history),
--    and deleting one that has listings is refused below;
--  * item_id: an import writes only ids it has just joined from items in
--    the same statement; any other change of item_id (a person linking) is
--    checked below, and deleting a linked item is refused.
ALTER TABLE channel_items DROP CONSTRAINT channel_items_channel_id_fkey,
    DROP CONSTRAINT channel_items_item_id_fkey;

-- +goose StatementBegin
CREATE FUNCTION channel_items_link_check() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM 1 FROM items WHERE id = NEW.item_id FOR KEY SHARE;
    IF NOT FOUND THEN
        RAISE foreign_key_violation USING MESSAGE = format('channel item %s: item %s does not exist', NEW.id, NEW.item_id);
    END IF;
    RETURN NEW;
END $$;
-- +goose StatementEnd
CREATE TRIGGER channel_items_link_check AFTER UPDATE OF item_id ON channel_items
    FOR EACH ROW WHEN (NEW.item_id IS NOT NULL AND NEW.item_id IS DISTINCT FROM OLD.item_id)
    EXECUTE FUNCTION channel_items_link_check();

-- +goose StatementBegin
CREATE FUNCTION refuse_delete_with_channel_items() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF (TG_TABLE_NAME = 'items' AND EXISTS (SELECT 1 FROM channel_items WHERE item_id = OLD.id))
        OR (TG_TABLE_NAME = 'channels' AND EXISTS (SELECT 1 FROM channel_items WHERE channel_id = OLD.id)) THEN
        RAISE foreign_key_violation USING MESSAGE = format('%s %s still has channel items', TG_TABLE_NAME, OLD.id);
    END IF;
    RETURN OLD;
END $$;
-- +goose StatementEnd
CREATE TRIGGER items_keep_linked BEFORE DELETE ON items
    FOR EACH ROW EXECUTE FUNCTION refuse_delete_with_channel_items();
CREATE TRIGGER channels_keep_listed BEFORE DELETE ON channels
    FOR EACH ROW EXECUTE FUNCTION refuse_delete_with_channel_items();

-- Each import worker takes ids a thousand at a time, so two workers append
-- to different pages of the primary key instead of fighting over its last.
ALTER SEQUENCE channel_items_id_seq CACHE 1000;

-- +goose Down
ALTER SEQUENCE channel_items_id_seq CACHE 1;
DROP TRIGGER channels_keep_listed ON channels;
DROP TRIGGER items_keep_linked ON items;
DROP FUNCTION refuse_delete_with_channel_items();
DROP TRIGGER channel_items_link_check ON channel_items;
DROP FUNCTION channel_items_link_check();
ALTER TABLE channel_items ADD FOREIGN KEY (channel_id) REFERENCES channels (id),
    ADD FOREIGN KEY (item_id) REFERENCES items (id);
ALTER TABLE channel_items DROP COLUMN listing_key, DROP COLUMN fingerprint;
