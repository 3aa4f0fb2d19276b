-- +goose Up
-- Stock push (DESIGN §1.7, 1.8). Each channel's rule for what it is sent:
-- a buffer held back, a maximum shown, and the warehouses it draws from
-- (NULL: all of them).
ALTER TABLE channels
    ADD COLUMN push_buffer integer NOT NULL DEFAULT 0 CHECK (push_buffer BETWEEN 0 AND 1000000),
    ADD COLUMN push_maximum integer CHECK (push_maximum BETWEEN 0 AND 1000000000),
    ADD COLUMN push_warehouse_ids bigint[];

-- Per listing, what the push knows. stock_push_pending (00015) is the mark:
-- set in the transaction of every document that changed the item's
-- availability, and by Link; the push clears it when it takes the listing.
--   pushed_quantity  what the channel shows as far as we know: the last
--                    quantity it confirmed, less what it sold since (its
--                    own sales lower its stock as ours do)
--   push_sending     the quantity of a call in flight, with push_key, its
--                    idempotency key: a push cut short by a crash is sent
--                    again under the same key, never lost nor doubled
--   push_error ...   the last refusal, how many in a row, and when to try
--                    again (backoff, or the channel's quota reset)
--   push_marked_at   when it was last marked: a push waits for a burst of
--                    marks to settle, so that it sends full batches
--   push_force       Push Stock: send even when the channel shows it already
--   drift_since      a catalogue sync read a quantity other than the one
--                    we pushed (someone edited stock on the channel)
ALTER TABLE channel_items
    ADD COLUMN pushed_quantity integer,
    ADD COLUMN pushed_at timestamptz,
    ADD COLUMN push_sending integer,
    ADD COLUMN push_key text,
    ADD COLUMN push_error text,
    ADD COLUMN push_failures integer NOT NULL DEFAULT 0,
    ADD COLUMN push_stale boolean NOT NULL DEFAULT false,
    ADD COLUMN push_retry_at timestamptz,
    ADD COLUMN push_marked_at timestamptz,
    ADD COLUMN push_force boolean NOT NULL DEFAULT false,
    ADD COLUMN drift_since timestamptz;
CREATE INDEX channel_items_push_idx ON channel_items (channel_id, id) WHERE stock_push_pending OR push_sending IS NOT NULL;
CREATE INDEX channel_items_drift_idx ON channel_items (channel_id, id) WHERE drift_since IS NOT NULL;

-- Pushes are runs of their own kind in Sync history.
ALTER TABLE sync_runs DROP CONSTRAINT sync_runs_kind_check,
    ADD CONSTRAINT sync_runs_kind_check CHECK (kind IN ('catalogue', 'full_catalogue', 'stock'));
ALTER TABLE sync_runs DROP CONSTRAINT sync_runs_trigger_check,
    ADD CONSTRAINT sync_runs_trigger_check CHECK (trigger IN ('first', 'schedule', 'manual', 'change', 'sync'));
CREATE INDEX sync_runs_kind_idx ON sync_runs (kind, id DESC);

-- +goose Down
DROP INDEX sync_runs_kind_idx;
DELETE FROM sync_failures WHERE run_id IN (SELECT id FROM sync_runs WHERE kind = 'stock');
DELETE FROM sync_runs WHERE kind = 'stock';
ALTER TABLE sync_runs DROP CONSTRAINT sync_runs_trigger_check,
    ADD CONSTRAINT sync_runs_trigger_check CHECK (trigger IN ('first', 'schedule', 'manual'));
ALTER TABLE sync_runs DROP CONSTRAINT sync_runs_kind_check,
    ADD CONSTRAINT sync_runs_kind_check CHECK (kind IN ('catalogue', 'full_catalogue'));
DROP INDEX channel_items_drift_idx;
DROP INDEX channel_items_push_idx;
ALTER TABLE channel_items DROP COLUMN pushed_quantity, DROP COLUMN pushed_at, DROP COLUMN push_sending,
    DROP COLUMN push_key, DROP COLUMN push_error, DROP COLUMN push_failures, DROP COLUMN push_stale,
    DROP COLUMN push_retry_at, DROP COLUMN push_marked_at, DROP COLUMN push_force, DROP COLUMN drift_since;
ALTER TABLE channels DROP COLUMN push_buffer, DROP COLUMN push_maximum, DROP COLUMN push_warehouse_ids;
