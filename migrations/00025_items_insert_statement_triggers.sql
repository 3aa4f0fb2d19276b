-- +goose Up
-- A bulk confirm inserts a thousand items in one statement, and the per-row
-- insert triggers (each item's stock row, its ~19 search terms) cost more
-- than the insert itself: a PL/pgSQL call and one small INSERT per item,
-- the terms landing in the terms index in random order. Inserts now fire
-- once per statement over the inserted rows, writing all stock rows and all
-- terms in one INSERT each, sorted in index order. Deletes and renames are
-- rare and one item at a time: they keep their per-row triggers.
DROP TRIGGER item_search_terms_write ON items;
CREATE TRIGGER item_search_terms_delete AFTER DELETE ON items
    FOR EACH ROW EXECUTE FUNCTION item_search_terms_sync();

-- +goose StatementBegin
CREATE FUNCTION items_inserted() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO item_stock (item_id, reorder_level)
    SELECT id, reorder_level FROM new_items ORDER BY id;
    INSERT INTO item_search_terms (term, name_key, item_id)
    SELECT t, lower(n.name), n.id FROM new_items n, unnest(n.search_terms) t
    WHERE length(t) >= 3
    ORDER BY t, lower(n.name) COLLATE "C", n.id;
    RETURN NULL;
END $$;
-- +goose StatementEnd
CREATE TRIGGER items_inserted AFTER INSERT ON items
    REFERENCING NEW TABLE AS new_items FOR EACH STATEMENT EXECUTE FUNCTION items_inserted();

DROP TRIGGER items_stock_row ON items;
CREATE TRIGGER items_stock_row AFTER UPDATE OF reorder_level ON items
    FOR EACH ROW EXECUTE FUNCTION items_stock_row();

-- +goose Down
DROP TRIGGER items_stock_row ON items;
CREATE TRIGGER items_stock_row AFTER INSERT OR UPDATE OF reorder_level ON items
    FOR EACH ROW EXECUTE FUNCTION items_stock_row();
DROP TRIGGER items_inserted ON items;
DROP FUNCTION items_inserted();
DROP TRIGGER item_search_terms_delete ON items;
CREATE TRIGGER item_search_terms_write AFTER INSERT OR DELETE ON items
    FOR EACH ROW EXECUTE FUNCTION item_search_terms_sync();
