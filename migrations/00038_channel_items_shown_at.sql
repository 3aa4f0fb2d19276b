-- +goose Up
-- shown_at is when what a listing shows on its channel last changed by
-- something we know of: a push the channel took, or a sale it made (whose
-- order we imported). A sync reads each listing's quantity at some moment;
-- one that read before such a change would otherwise store an outdated
-- quantity and report the difference as drift (store.AfterSync).
ALTER TABLE channel_items ADD COLUMN shown_at timestamptz;

-- +goose Down
ALTER TABLE channel_items DROP COLUMN shown_at;
