-- +goose Up
-- Items search in the list's order. The GIN lookup of 00011 finds every
-- match of a word (1,750 for "oak chair" on a million items), and each
-- match's row was fetched and sorted before the page's fifty were kept.
-- Here each word prefix is a btree entry followed by the list's default
-- sort key (lower(name) in C order, id), so a word's matches are read
-- already in page order and a page stops after about fifty entries; the
-- other words of a search are checked against the same index, in order.
--
-- Prefixes shorter than three characters are left out: they are found
-- among the matches of a longer word of the same search (items.search_terms
-- still holds them), and a search with no word of three characters goes
-- the GIN way. That keeps the table about a third smaller.
CREATE TABLE item_search_terms (
    term     text NOT NULL,
    name_key text COLLATE "C" NOT NULL, -- lower(items.name), as items_name_sort orders it
    item_id  bigint NOT NULL
) WITH (autovacuum_vacuum_scale_factor = 0.02, autovacuum_analyze_scale_factor = 0.02);
INSERT INTO item_search_terms (term, name_key, item_id)
SELECT t, lower(i.name), i.id FROM items i, unnest(i.search_terms) t WHERE length(t) >= 3;
CREATE INDEX item_search_terms_order ON item_search_terms (term, name_key, item_id);
-- A catalogue's hundreds of common words each hold a fraction of a percent
-- of the rows: the default hundred most common values miss most of them,
-- and the planner then guesses a word's matches at a thousandth.
ALTER TABLE item_search_terms ALTER COLUMN term SET STATISTICS 1000;
ANALYZE item_search_terms;

-- Kept by trigger so that every way items are written (the store, COPY
-- imports) keeps it. No foreign key: its check per row would double the
-- cost of a bulk load, and the delete trigger removes the rows by the same
-- index the searches read.
-- +goose StatementBegin
CREATE FUNCTION item_search_terms_sync() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP <> 'INSERT' THEN
        DELETE FROM item_search_terms
        WHERE term = ANY (OLD.search_terms) AND name_key = lower(OLD.name) AND item_id = OLD.id;
    END IF;
    IF TG_OP <> 'DELETE' THEN
        INSERT INTO item_search_terms (term, name_key, item_id)
        SELECT t, lower(NEW.name), NEW.id FROM unnest(NEW.search_terms) t WHERE length(t) >= 3;
    END IF;
    RETURN NULL;
END $$;
-- +goose StatementEnd
CREATE TRIGGER item_search_terms_write AFTER INSERT OR DELETE ON items
    FOR EACH ROW EXECUTE FUNCTION item_search_terms_sync();
CREATE TRIGGER item_search_terms_rename AFTER UPDATE OF name ON items
    FOR EACH ROW WHEN (OLD.name IS DISTINCT FROM NEW.name) EXECUTE FUNCTION item_search_terms_sync();


-- +goose Down
DROP TRIGGER item_search_terms_rename ON items;
DROP TRIGGER item_search_terms_write ON items;
DROP FUNCTION item_search_terms_sync();
DROP TABLE item_search_terms;
