-- +goose Up
-- Each channel's listings get a partition of their own. A channel's first
-- import, which brings its whole catalogue at once, then writes into a
-- plain table without indexes, builds the indexes once at the end (sorting
-- a million keys once costs a fraction of inserting them one by one into
-- five indexes) and attaches the table as the channel's partition. Later
-- syncs write through channel_items as before. See store/listings_bulk.go.
--
-- A partitioned table's unique keys must hold the partition key, so the
-- primary key is (id, channel_id); ids still come from one sequence, and a
-- lookup by id alone uses the key's leading column.
ALTER TABLE channel_items RENAME TO channel_items_before_partitions;
ALTER TABLE channel_items_before_partitions RENAME CONSTRAINT channel_items_pkey TO channel_items_before_pkey;
ALTER TABLE channel_items_before_partitions
    RENAME CONSTRAINT channel_items_channel_id_external_id_key TO channel_items_before_external_key;
ALTER INDEX channel_items_item_idx RENAME TO channel_items_before_item_idx;
ALTER INDEX channel_items_unconfirmed_idx RENAME TO channel_items_before_unconfirmed_idx;
ALTER INDEX channel_items_sku_idx RENAME TO channel_items_before_sku_idx;
DROP TRIGGER channel_items_link_check ON channel_items_before_partitions;
DROP TRIGGER channel_items_counts_insert ON channel_items_before_partitions;
DROP TRIGGER channel_items_counts_update ON channel_items_before_partitions;
DROP TRIGGER channel_items_counts_delete ON channel_items_before_partitions;
ALTER SEQUENCE channel_items_id_seq OWNED BY NONE;

CREATE TABLE channel_items (
    id                 bigint      NOT NULL DEFAULT nextval('channel_items_id_seq'),
    channel_id         bigint      NOT NULL,
    external_id        text        NOT NULL,
    product_id         text        NOT NULL DEFAULT '',
    sku                text COLLATE "C" NOT NULL DEFAULT '',
    name               text        NOT NULL DEFAULT '',
    price              numeric(14, 4),
    quantity           integer,
    inventory_ref      text        NOT NULL DEFAULT '',
    channel_updated_at timestamptz,
    -- the link: one channel item belongs to at most one item
    item_id            bigint,
    link_source        text        CONSTRAINT channel_items_link_source_check
                                   CHECK (link_source IN ('sku', 'name', 'manual', 'confirm')),
    linked_at          timestamptz,
    -- set when a person unlinks: auto-link must not silently link it again
    auto_link_blocked  boolean     NOT NULL DEFAULT false,
    first_seen_at      timestamptz NOT NULL DEFAULT now(),
    updated_at         timestamptz NOT NULL DEFAULT now(),
    listing_key        bigint      NOT NULL,
    fingerprint        bigint,
    CONSTRAINT channel_items_pkey PRIMARY KEY (id, channel_id),
    CONSTRAINT channel_items_channel_id_external_id_key UNIQUE (channel_id, external_id)
) PARTITION BY LIST (channel_id);
ALTER SEQUENCE channel_items_id_seq OWNED BY channel_items.id;
CREATE INDEX channel_items_item_idx ON channel_items (item_id) WHERE item_id IS NOT NULL;
CREATE INDEX channel_items_unconfirmed_idx ON channel_items (channel_id, id) WHERE item_id IS NULL;
CREATE INDEX channel_items_sku_idx ON channel_items (channel_id, sku) WHERE sku <> '';

-- +goose StatementBegin
DO $$
DECLARE
    ch bigint;
BEGIN
    FOR ch IN SELECT DISTINCT channel_id FROM channel_items_before_partitions ORDER BY 1 LOOP
        EXECUTE format('CREATE TABLE %I PARTITION OF channel_items FOR VALUES IN (%s)', 'channel_items_' || ch, ch);
    END LOOP;
END $$;
-- +goose StatementEnd
INSERT INTO channel_items SELECT id, channel_id, external_id, product_id, sku, name, price, quantity, inventory_ref,
    channel_updated_at, item_id, link_source, linked_at, auto_link_blocked, first_seen_at, updated_at, listing_key,
    fingerprint
FROM channel_items_before_partitions;
DROP TABLE channel_items_before_partitions;

CREATE TRIGGER channel_items_link_check AFTER UPDATE OF item_id ON channel_items
    FOR EACH ROW WHEN (NEW.item_id IS NOT NULL AND NEW.item_id IS DISTINCT FROM OLD.item_id)
    EXECUTE FUNCTION channel_items_link_check();
CREATE TRIGGER channel_items_counts_insert AFTER INSERT ON channel_items
    REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION channel_listing_counts();
CREATE TRIGGER channel_items_counts_update AFTER UPDATE ON channel_items
    REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION channel_listing_counts();
CREATE TRIGGER channel_items_counts_delete AFTER DELETE ON channel_items
    REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION channel_listing_counts();

-- +goose Down
ALTER TABLE channel_items RENAME TO channel_items_partitioned;
ALTER TABLE channel_items_partitioned RENAME CONSTRAINT channel_items_pkey TO channel_items_partitioned_pkey;
ALTER TABLE channel_items_partitioned
    RENAME CONSTRAINT channel_items_channel_id_external_id_key TO channel_items_partitioned_external_key;
ALTER INDEX channel_items_item_idx RENAME TO channel_items_partitioned_item_idx;
ALTER INDEX channel_items_unconfirmed_idx RENAME TO channel_items_partitioned_unconfirmed_idx;
ALTER INDEX channel_items_sku_idx RENAME TO channel_items_partitioned_sku_idx;
ALTER SEQUENCE channel_items_id_seq OWNED BY NONE;
CREATE TABLE channel_items (
    id                 bigint      PRIMARY KEY DEFAULT nextval('channel_items_id_seq'),
    channel_id         bigint      NOT NULL,
    external_id        text        NOT NULL,
    product_id         text        NOT NULL DEFAULT '',
    sku                text COLLATE "C" NOT NULL DEFAULT '',
    name               text        NOT NULL DEFAULT '',
    price              numeric(14, 4),
    quantity           integer,
    inventory_ref      text        NOT NULL DEFAULT '',
    channel_updated_at timestamptz,
    item_id            bigint,
    link_source        text        CHECK (link_source IN ('sku', 'name', 'manual', 'confirm')),
    linked_at          timestamptz,
    auto_link_blocked  boolean     NOT NULL DEFAULT false,
    first_seen_at      timestamptz NOT NULL DEFAULT now(),
    updated_at         timestamptz NOT NULL DEFAULT now(),
    listing_key        bigint      NOT NULL,
    fingerprint        bigint,
    UNIQUE (channel_id, external_id)
);
ALTER SEQUENCE channel_items_id_seq OWNED BY channel_items.id;
INSERT INTO channel_items SELECT * FROM channel_items_partitioned;
DROP TABLE channel_items_partitioned;
CREATE INDEX channel_items_item_idx ON channel_items (item_id) WHERE item_id IS NOT NULL;
CREATE INDEX channel_items_unconfirmed_idx ON channel_items (channel_id, id) WHERE item_id IS NULL;
CREATE INDEX channel_items_sku_idx ON channel_items (channel_id, sku) WHERE sku <> '';
CREATE TRIGGER channel_items_link_check AFTER UPDATE OF item_id ON channel_items
    FOR EACH ROW WHEN (NEW.item_id IS NOT NULL AND NEW.item_id IS DISTINCT FROM OLD.item_id)
    EXECUTE FUNCTION channel_items_link_check();
CREATE TRIGGER channel_items_counts_insert AFTER INSERT ON channel_items
    REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION channel_listing_counts();
CREATE TRIGGER channel_items_counts_update AFTER UPDATE ON channel_items
    REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION channel_listing_counts();
CREATE TRIGGER channel_items_counts_delete AFTER DELETE ON channel_items
    REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION channel_listing_counts();
