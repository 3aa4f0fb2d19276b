-- +goose Up
-- Trigram indexes make "contains" search on name and SKU use an index.
CREATE EXTENSION IF NOT EXISTS pg_trgm;

-- One row per setting; the base currency is the only one so far.
CREATE TABLE settings (
    key        text        PRIMARY KEY,
    value      text        NOT NULL,
    updated_by bigint      REFERENCES users (id),
    updated_at timestamptz NOT NULL DEFAULT now()
);
INSERT INTO settings (key, value) VALUES ('base_currency', 'USD');

CREATE TABLE warehouses (
    id         bigserial   PRIMARY KEY,
    name       text        NOT NULL CHECK (name <> ''),
    created_at timestamptz NOT NULL DEFAULT now()
);
CREATE UNIQUE INDEX warehouses_name_key ON warehouses (lower(name));
INSERT INTO warehouses (name) VALUES ('Primary');

CREATE TABLE items (
    id              bigserial     PRIMARY KEY,
    name            text          NOT NULL CHECK (name <> ''),
    -- '' means no SKU; SKUs are compared case-sensitively and byte-wise.
    sku             text COLLATE "C" NOT NULL DEFAULT '',
    unit            text          NOT NULL DEFAULT 'pcs',
    description     text          NOT NULL DEFAULT '',
    selling_price   numeric(14,2) NOT NULL DEFAULT 0 CHECK (selling_price >= 0),
    purchase_price  numeric(14,2) NOT NULL DEFAULT 0 CHECK (purchase_price >= 0),
    opening_qty     bigint        NOT NULL DEFAULT 0 CHECK (opening_qty >= 0),
    opening_value   numeric(14,2) NOT NULL DEFAULT 0 CHECK (opening_value >= 0),
    -- 0 means the item is not tracked for low stock.
    reorder_level   bigint        NOT NULL DEFAULT 0 CHECK (reorder_level >= 0),
    active          boolean       NOT NULL DEFAULT true,
    source          text          NOT NULL DEFAULT 'manual' CHECK (source IN ('manual', 'channel')),
    created_by      bigint        REFERENCES users (id),
    created_at      timestamptz   NOT NULL DEFAULT now(),
    updated_at      timestamptz   NOT NULL DEFAULT now()
);
CREATE UNIQUE INDEX items_sku_key ON items (sku) WHERE sku <> '';
-- keyset indexes, one per sort; the list's default status filter (active)
-- is the bulk of the table, so these are not partial.
CREATE INDEX items_name_sort ON items ((lower(name) COLLATE "C"), id);
CREATE INDEX items_sku_sort ON items ((sku = ''), sku, id);
CREATE INDEX items_updated_sort ON items (updated_at, id);
-- search: names by word prefix (full text, 'simple' config: no stemming),
-- SKUs by contains (trigrams, three characters or more). Word posting
-- lists intersect about twice as fast as trigram ones on a million names.
CREATE INDEX items_name_words ON items USING gin (to_tsvector('simple', name));
CREATE INDEX items_sku_trgm ON items USING gin (sku gin_trgm_ops);
-- the rare states get small partial indexes
CREATE INDEX items_inactive ON items (id) WHERE NOT active;

-- Per-item totals over all warehouses, kept in the same transaction as
-- every stock movement, so the list filters and sorts by available with an
-- index. A narrow table of its own: every stock document updates it, and
-- updating the wide, many-indexed items row instead cost a third of the
-- document throughput. reorder_level is copied here (by trigger) for the
-- low-stock index.
CREATE TABLE item_stock (
    item_id       bigint PRIMARY KEY REFERENCES items (id),
    on_hand       bigint NOT NULL DEFAULT 0,
    committed     bigint NOT NULL DEFAULT 0,
    available     bigint GENERATED ALWAYS AS (on_hand - committed) STORED,
    reorder_level bigint NOT NULL DEFAULT 0
);
CREATE INDEX item_stock_available_sort ON item_stock (available, item_id);
CREATE INDEX item_stock_low ON item_stock (item_id) WHERE reorder_level > 0 AND available > 0 AND available <= reorder_level;

-- Every item has its item_stock row, however the item was inserted.
-- +goose StatementBegin
CREATE FUNCTION items_stock_row() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN
        INSERT INTO item_stock (item_id, reorder_level) VALUES (NEW.id, NEW.reorder_level);
    ELSE
        UPDATE item_stock SET reorder_level = NEW.reorder_level WHERE item_id = NEW.id;
    END IF;
    RETURN NULL;
END $$;
-- +goose StatementEnd
CREATE TRIGGER items_stock_row AFTER INSERT OR UPDATE OF reorder_level ON items
    FOR EACH ROW EXECUTE FUNCTION items_stock_row();

CREATE TABLE item_activity (
    id         bigserial   PRIMARY KEY,
    item_id    bigint      NOT NULL REFERENCES items (id),
    user_id    bigint      REFERENCES users (id),
    action     text        NOT NULL,
    detail     text        NOT NULL DEFAULT '',
    created_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX item_activity_item ON item_activity (item_id, id);

CREATE TABLE purchase_receives (
    id          bigserial   PRIMARY KEY,
    vendor      text        NOT NULL CHECK (vendor <> ''),
    received_on date        NOT NULL,
    notes       text        NOT NULL DEFAULT '',
    created_by  bigint      REFERENCES users (id),
    created_at  timestamptz NOT NULL DEFAULT now()
);
CREATE TABLE purchase_receive_lines (
    id           bigserial     PRIMARY KEY,
    receive_id   bigint        NOT NULL REFERENCES purchase_receives (id),
    item_id      bigint        NOT NULL REFERENCES items (id),
    warehouse_id bigint        NOT NULL REFERENCES warehouses (id),
    quantity     bigint        NOT NULL CHECK (quantity > 0),
    rate         numeric(14,2) NOT NULL CHECK (rate >= 0)
);
CREATE INDEX purchase_receive_lines_receive ON purchase_receive_lines (receive_id);

CREATE TABLE sales_orders (
    id         bigserial   PRIMARY KEY,
    customer   text        NOT NULL CHECK (customer <> ''),
    ordered_on date        NOT NULL,
    reference  text        NOT NULL DEFAULT '',
    status     text        NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'fulfilled', 'cancelled')),
    source     text        NOT NULL DEFAULT 'manual',
    -- the channel an online order came from; its table arrives later
    channel_id bigint,
    frozen     boolean     NOT NULL DEFAULT false,
    created_by bigint      REFERENCES users (id),
    created_at timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX sales_orders_status ON sales_orders (status, id);
CREATE TABLE sales_order_lines (
    id           bigserial     PRIMARY KEY,
    order_id     bigint        NOT NULL REFERENCES sales_orders (id),
    line_no      integer       NOT NULL,
    item_id      bigint        NOT NULL REFERENCES items (id),
    warehouse_id bigint        NOT NULL REFERENCES warehouses (id),
    quantity     bigint        NOT NULL CHECK (quantity > 0),
    rate         numeric(14,2) NOT NULL CHECK (rate >= 0),
    packed       bigint        NOT NULL DEFAULT 0 CHECK (packed >= 0 AND packed <= quantity),
    shipped      bigint        NOT NULL DEFAULT 0 CHECK (shipped >= 0 AND shipped <= packed),
    invoiced     bigint        NOT NULL DEFAULT 0 CHECK (invoiced >= 0 AND invoiced <= quantity),
    UNIQUE (order_id, line_no)
);

-- A package is packed, then shipped; stock leaves when it ships.
CREATE TABLE packages (
    id         bigserial   PRIMARY KEY,
    order_id   bigint      NOT NULL REFERENCES sales_orders (id),
    status     text        NOT NULL CHECK (status IN ('packed', 'shipped')),
    created_by bigint      REFERENCES users (id),
    created_at timestamptz NOT NULL DEFAULT now(),
    shipped_at timestamptz
);
CREATE INDEX packages_order ON packages (order_id);
CREATE TABLE package_lines (
    package_id    bigint NOT NULL REFERENCES packages (id),
    order_line_id bigint NOT NULL REFERENCES sales_order_lines (id),
    quantity      bigint NOT NULL CHECK (quantity > 0),
    PRIMARY KEY (package_id, order_line_id)
);

CREATE TABLE invoices (
    id         bigserial   PRIMARY KEY,
    order_id   bigint      NOT NULL REFERENCES sales_orders (id),
    created_by bigint      REFERENCES users (id),
    created_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX invoices_order ON invoices (order_id);
CREATE TABLE invoice_lines (
    invoice_id    bigint NOT NULL REFERENCES invoices (id),
    order_line_id bigint NOT NULL REFERENCES sales_order_lines (id),
    quantity      bigint NOT NULL CHECK (quantity > 0),
    PRIMARY KEY (invoice_id, order_line_id)
);

CREATE TABLE adjustments (
    id          bigserial   PRIMARY KEY,
    reason      text        NOT NULL CHECK (reason <> ''),
    adjusted_on date        NOT NULL,
    notes       text        NOT NULL DEFAULT '',
    created_by  bigint      REFERENCES users (id),
    created_at  timestamptz NOT NULL DEFAULT now()
);
CREATE TABLE adjustment_lines (
    id            bigserial PRIMARY KEY,
    adjustment_id bigint    NOT NULL REFERENCES adjustments (id),
    item_id       bigint    NOT NULL REFERENCES items (id),
    warehouse_id  bigint    NOT NULL REFERENCES warehouses (id),
    quantity      bigint    NOT NULL CHECK (quantity <> 0)
);
CREATE INDEX adjustment_lines_adjustment ON adjustment_lines (adjustment_id);

-- The ledger is the truth; stock_balances and the totals on items are
-- caches of its sums, maintained in the same transaction.
CREATE TABLE stock_movements (
    id              bigserial   PRIMARY KEY,
    item_id         bigint      NOT NULL REFERENCES items (id),
    warehouse_id    bigint      NOT NULL REFERENCES warehouses (id),
    on_hand_delta   bigint      NOT NULL,
    committed_delta bigint      NOT NULL,
    -- opening, receive, order, cancel, shipment, invoice, adjustment
    doc_kind        text        NOT NULL,
    doc_id          bigint      NOT NULL,
    created_by      bigint      REFERENCES users (id),
    created_at      timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX stock_movements_item ON stock_movements (item_id, id);

CREATE TABLE stock_balances (
    item_id      bigint NOT NULL REFERENCES items (id),
    warehouse_id bigint NOT NULL REFERENCES warehouses (id),
    on_hand      bigint NOT NULL DEFAULT 0,
    committed    bigint NOT NULL DEFAULT 0,
    PRIMARY KEY (item_id, warehouse_id)
);

-- +goose Down
DROP TABLE stock_balances;
DROP TABLE stock_movements;
DROP TABLE adjustment_lines;
DROP TABLE adjustments;
DROP TABLE invoice_lines;
DROP TABLE invoices;
DROP TABLE package_lines;
DROP TABLE packages;
DROP TABLE sales_order_lines;
DROP TABLE sales_orders;
DROP TABLE purchase_receive_lines;
DROP TABLE purchase_receives;
DROP TABLE item_activity;
DROP TABLE item_stock;
DROP TABLE items;
DROP FUNCTION items_stock_row();
DROP TABLE warehouses;
DROP TABLE settings;
