-- +goose Up
-- A failure names its listing's SKU on its own, so the CSV export can give
-- it a column people can sort and look up by. Failures recorded before this
-- keep an empty SKU (their label still shows it when there was one).
ALTER TABLE sync_failures ADD COLUMN sku text NOT NULL DEFAULT '';

-- +goose Down
ALTER TABLE sync_failures DROP COLUMN sku;
