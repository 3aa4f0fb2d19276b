-- +goose Up
CREATE TABLE channels (
    id               bigserial   PRIMARY KEY,
    kind             text        NOT NULL,
    name             text        NOT NULL CHECK (name <> ''),
    -- AES-256-GCM sealed JSON of the kind's credential fields
    credentials      bytea       NOT NULL,
    -- the last characters of the main credential, to tell channels apart
    credentials_hint text        NOT NULL DEFAULT '',
    enabled          boolean     NOT NULL DEFAULT true,
    sync_interval    interval    NOT NULL DEFAULT '15 minutes',
    first_sync_delay interval    NOT NULL DEFAULT '30 minutes',
    -- a sentence for staff when the channel cannot sync until someone acts
    needs_attention  text,
    -- listings changed after this are fetched by the next incremental sync
    listings_since   timestamptz,
    last_sync_at     timestamptz,
    next_sync_at     timestamptz,
    created_by       bigint      REFERENCES users (id),
    created_at       timestamptz NOT NULL DEFAULT now(),
    disconnected_at  timestamptz
);
CREATE INDEX channels_due_idx ON channels (next_sync_at) WHERE disconnected_at IS NULL AND enabled;

CREATE TABLE channel_items (
    id                 bigserial   PRIMARY KEY,
    channel_id         bigint      NOT NULL REFERENCES channels (id),
    external_id        text        NOT NULL,
    product_id         text        NOT NULL DEFAULT '',
    sku                text COLLATE "C" NOT NULL DEFAULT '',
    name               text        NOT NULL DEFAULT '',
    price              numeric(14, 4),
    quantity           integer,
    inventory_ref      text        NOT NULL DEFAULT '',
    channel_updated_at timestamptz,
    -- the link: one channel item belongs to at most one item
    item_id            bigint      REFERENCES items (id),
    link_source        text        CHECK (link_source IN ('sku', 'name', 'manual', 'confirm')),
    linked_at          timestamptz,
    -- set when a person unlinks: auto-link must not silently link it again
    auto_link_blocked  boolean     NOT NULL DEFAULT false,
    first_seen_at      timestamptz NOT NULL DEFAULT now(),
    updated_at         timestamptz NOT NULL DEFAULT now(),
    UNIQUE (channel_id, external_id)
);
CREATE INDEX channel_items_item_idx ON channel_items (item_id) WHERE item_id IS NOT NULL;
CREATE INDEX channel_items_unconfirmed_idx ON channel_items (channel_id, id) WHERE item_id IS NULL;
CREATE INDEX channel_items_sku_idx ON channel_items (channel_id, sku) WHERE sku <> '';

-- Auto-link finds items by exact (trimmed) name; SKUs have their unique index.
CREATE INDEX items_name_idx ON items (name) WHERE active;

CREATE TABLE sync_runs (
    id              bigserial   PRIMARY KEY,
    channel_id      bigint      NOT NULL REFERENCES channels (id),
    kind            text        NOT NULL CHECK (kind IN ('catalogue', 'full_catalogue')),
    trigger         text        NOT NULL CHECK (trigger IN ('first', 'schedule', 'manual')),
    status          text        NOT NULL DEFAULT 'running' CHECK (status IN ('running', 'succeeded', 'failed')),
    job_id          bigint,
    started_at      timestamptz NOT NULL DEFAULT now(),
    finished_at     timestamptz,
    pages_done      integer     NOT NULL DEFAULT 0,
    records_total   integer,
    records         integer     NOT NULL DEFAULT 0,
    new_records     integer     NOT NULL DEFAULT 0,
    updated         integer     NOT NULL DEFAULT 0,
    unchanged       integer     NOT NULL DEFAULT 0,
    failed          integer     NOT NULL DEFAULT 0,
    synced          integer     NOT NULL DEFAULT 0,
    new_unconfirmed integer     NOT NULL DEFAULT 0,
    -- why the run as a whole failed, in words a person can act on
    error           text
);
CREATE INDEX sync_runs_channel_idx ON sync_runs (channel_id, id DESC);
CREATE INDEX sync_runs_started_idx ON sync_runs (started_at DESC, id DESC);
CREATE INDEX sync_runs_running_idx ON sync_runs (job_id) WHERE status = 'running';

CREATE TABLE sync_failures (
    id          bigserial PRIMARY KEY,
    run_id      bigint    NOT NULL REFERENCES sync_runs (id),
    external_id text      NOT NULL DEFAULT '',
    label       text      NOT NULL,
    cause       text      NOT NULL,
    raw         jsonb
);
CREATE INDEX sync_failures_run_idx ON sync_failures (run_id, id);

-- +goose Down
DROP TABLE sync_failures;
DROP TABLE sync_runs;
DROP INDEX items_name_idx;
DROP TABLE channel_items;
DROP TABLE channels;
