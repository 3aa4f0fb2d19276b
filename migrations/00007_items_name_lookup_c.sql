-- +goose Up
-- Auto-link looks items up by exact name, once for every listing that found
-- no item by SKU. Equality is the same under any deterministic collation, and
-- under "C" a comparison is a memcmp instead of a locale-aware one: a first
-- import of a million listings spends a sixth of its database time in these
-- lookups.
DROP INDEX items_name_idx;
CREATE INDEX items_name_idx ON items (name COLLATE "C") WHERE active;

-- +goose Down
DROP INDEX items_name_idx;
CREATE INDEX items_name_idx ON items (name) WHERE active;
