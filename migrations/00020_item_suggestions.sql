-- +goose Up
-- Suggestions for an unconfirmed listing (issue 10) look active items up by
-- four reasons, each through an index of its own, so a listing's page and a
-- bulk preview of thousands never read the items table at large.
--
-- The keys are SQL functions so that the indexes and the queries spell the
-- same expression (the planner inlines both and matches them).
-- sku_key: a SKU apart from case, spaces and punctuation ("ab-12 x" is "ab12x").
-- +goose StatementBegin
CREATE FUNCTION sku_key(text) RETURNS text LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $$
    SELECT lower(regexp_replace($1, '[^[:alnum:]]+', '', 'g'))
$$;
-- +goose StatementEnd
-- name_key: a name apart from case and spacing ("Oak  chair" is "oakchair").
-- +goose StatementBegin
CREATE FUNCTION name_key(text) RETURNS text LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $$
    SELECT lower(regexp_replace($1, '\s+', '', 'g'))
$$;
-- +goose StatementEnd

-- Partial on active: inactive items are never suggested, and the indexes
-- stay the size of what can be suggested.
CREATE INDEX items_sku_norm ON items (sku_key(sku)) WHERE active AND sku <> '';
CREATE INDEX items_name_norm ON items (name_key(name)) WHERE active;
-- Similar names: trigrams of the name for the % operator, whose threshold
-- the queries set per transaction (a GIN scan at a high threshold reads
-- only the rarest of a name's trigrams in full).
CREATE INDEX items_name_trgm ON items USING gin (name gin_trgm_ops) WHERE active;
-- Same price and similar name: the price's posting list and the name's
-- trigrams in one GIN index (btree_gin), so a lower threshold is cheap
-- among the few items of one price.
CREATE EXTENSION IF NOT EXISTS btree_gin;
CREATE INDEX items_price_name_trgm ON items USING gin (selling_price, name gin_trgm_ops) WHERE active;

-- +goose Down
DROP INDEX items_price_name_trgm;
DROP INDEX items_name_trgm;
DROP INDEX items_name_norm;
DROP INDEX items_sku_norm;
DROP FUNCTION name_key(text);
DROP FUNCTION sku_key(text);
