-- +goose Up
-- A bulk action on channel listings (Confirm selected, Link each to its top
-- suggestion) is one row here and one River job, whatever its size. The job
-- works the selection a thousand listings at a time, each chunk one
-- transaction that also moves `position`, `done` and `skipped` and records
-- its skips: a job that dies and is retried resumes after the last chunk
-- that committed, and never writes a listing twice.
CREATE TABLE bulk_runs (
    id           bigserial   PRIMARY KEY,
    kind         text        NOT NULL CHECK (kind IN ('confirm', 'link')),
    requested_by bigint      NOT NULL REFERENCES users (id),
    -- The selection: listing ids in the order they are worked (link: with
    -- item_ids, the pairs as parallel arrays), or, for "all matching this
    -- filter", the filter (JSON), turned into ids when the job starts.
    listing_ids  bigint[],
    item_ids     bigint[],
    filter       jsonb,
    total        integer     NOT NULL DEFAULT 0,
    position     integer     NOT NULL DEFAULT 0,
    done         integer     NOT NULL DEFAULT 0,
    skipped      integer     NOT NULL DEFAULT 0,
    status       text        NOT NULL DEFAULT 'queued' CHECK (status IN ('queued', 'running', 'succeeded', 'failed')),
    error        text,
    created_at   timestamptz NOT NULL DEFAULT now(),
    started_at   timestamptz,
    updated_at   timestamptz NOT NULL DEFAULT now(),
    finished_at  timestamptz,
    CHECK (listing_ids IS NOT NULL OR filter IS NOT NULL)
);

-- Each listing a bulk run left alone, and why, in words a person can act
-- on; other_item_id is the item the sentence names (the SKU's holder, the
-- item it was linked to meanwhile).
CREATE TABLE bulk_run_skips (
    run_id          bigint NOT NULL REFERENCES bulk_runs (id),
    channel_item_id bigint NOT NULL,
    reason          text   NOT NULL,
    detail          text   NOT NULL,
    other_item_id   bigint,
    PRIMARY KEY (run_id, channel_item_id)
);

-- stock_apply_each writes movements each under a document of its own
-- (p_docs parallel to the movements): the opening stock of many items
-- created at once, whose document is each item. stock_apply is the case of
-- one document, and now calls it, so balances are written by one body.
-- +goose StatementBegin
CREATE FUNCTION stock_apply_each(p_kind text, p_docs bigint[], p_user bigint,
    p_items bigint[], p_whs bigint[], p_on_hand bigint[], p_committed bigint[],
    OUT short_item bigint, OUT short_warehouse bigint, OUT short_on_hand bigint, OUT short_remove bigint)
LANGUAGE plpgsql AS $$
BEGIN
    IF coalesce(cardinality(p_items), 0) = 0 THEN
        RETURN;
    END IF;
    INSERT INTO stock_movements (item_id, warehouse_id, on_hand_delta, committed_delta, doc_kind, doc_id, created_by)
    SELECT i, w, o, c, p_kind, d, p_user FROM unnest(p_items, p_whs, p_on_hand, p_committed, p_docs) AS m(i, w, o, c, d);
    WITH d AS (
        SELECT i, w, sum(o)::bigint AS o, sum(c)::bigint AS c
        FROM unnest(p_items, p_whs, p_on_hand, p_committed) AS m(i, w, o, c) GROUP BY i, w),
    b AS (
        INSERT INTO stock_balances AS b (item_id, warehouse_id, on_hand, committed)
        SELECT i, w, o, c FROM d ORDER BY i, w
        ON CONFLICT (item_id, warehouse_id) DO UPDATE
            SET on_hand = b.on_hand + EXCLUDED.on_hand, committed = b.committed + EXCLUDED.committed
        RETURNING b.item_id, b.warehouse_id, b.on_hand)
    SELECT b.item_id, b.warehouse_id, b.on_hand - d.o, -d.o
    INTO short_item, short_warehouse, short_on_hand, short_remove
    FROM b JOIN d ON d.i = b.item_id AND d.w = b.warehouse_id
    WHERE b.on_hand < 0 AND d.o < 0
    ORDER BY b.item_id, b.warehouse_id LIMIT 1;
    IF short_item IS NOT NULL THEN
        RETURN; -- the caller rolls the document back
    END IF;
    INSERT INTO item_stock AS t (item_id, on_hand, committed)
    SELECT i, sum(o)::bigint, sum(c)::bigint FROM unnest(p_items, p_on_hand, p_committed) AS m(i, o, c) GROUP BY i ORDER BY i
    ON CONFLICT (item_id) DO UPDATE SET on_hand = t.on_hand + EXCLUDED.on_hand, committed = t.committed + EXCLUDED.committed;
END $$;
-- +goose StatementEnd

-- +goose StatementBegin
CREATE OR REPLACE FUNCTION stock_apply(p_kind text, p_doc bigint, p_user bigint,
    p_items bigint[], p_whs bigint[], p_on_hand bigint[], p_committed bigint[],
    OUT doc_id bigint, OUT short_item bigint, OUT short_warehouse bigint, OUT short_on_hand bigint, OUT short_remove bigint)
LANGUAGE plpgsql AS $$
BEGIN
    doc_id := p_doc;
    IF coalesce(cardinality(p_items), 0) = 0 THEN
        RETURN;
    END IF;
    SELECT a.short_item, a.short_warehouse, a.short_on_hand, a.short_remove
    INTO short_item, short_warehouse, short_on_hand, short_remove
    FROM stock_apply_each(p_kind, array_fill(p_doc, ARRAY[cardinality(p_items)]), p_user,
        p_items, p_whs, p_on_hand, p_committed) a;
END $$;
-- +goose StatementEnd

-- +goose Down
-- +goose StatementBegin
CREATE OR REPLACE FUNCTION stock_apply(p_kind text, p_doc bigint, p_user bigint,
    p_items bigint[], p_whs bigint[], p_on_hand bigint[], p_committed bigint[],
    OUT doc_id bigint, OUT short_item bigint, OUT short_warehouse bigint, OUT short_on_hand bigint, OUT short_remove bigint)
LANGUAGE plpgsql AS $$
BEGIN
    doc_id := p_doc;
    IF coalesce(cardinality(p_items), 0) = 0 THEN
        RETURN;
    END IF;
    INSERT INTO stock_movements (item_id, warehouse_id, on_hand_delta, committed_delta, doc_kind, doc_id, created_by)
    SELECT i, w, o, c, p_kind, p_doc, p_user FROM unnest(p_items, p_whs, p_on_hand, p_committed) AS m(i, w, o, c);
    WITH d AS (
        SELECT i, w, sum(o)::bigint AS o, sum(c)::bigint AS c
        FROM unnest(p_items, p_whs, p_on_hand, p_committed) AS m(i, w, o, c) GROUP BY i, w),
    b AS (
        INSERT INTO stock_balances AS b (item_id, warehouse_id, on_hand, committed)
        SELECT i, w, o, c FROM d ORDER BY i, w
        ON CONFLICT (item_id, warehouse_id) DO UPDATE
            SET on_hand = b.on_hand + EXCLUDED.on_hand, committed = b.committed + EXCLUDED.committed
        RETURNING b.item_id, b.warehouse_id, b.on_hand)
    SELECT b.item_id, b.warehouse_id, b.on_hand - d.o, -d.o
    INTO short_item, short_warehouse, short_on_hand, short_remove
    FROM b JOIN d ON d.i = b.item_id AND d.w = b.warehouse_id
    WHERE b.on_hand < 0 AND d.o < 0
    ORDER BY b.item_id, b.warehouse_id LIMIT 1;
    IF short_item IS NOT NULL THEN
        RETURN;
    END IF;
    INSERT INTO item_stock AS t (item_id, on_hand, committed)
    SELECT i, sum(o)::bigint, sum(c)::bigint FROM unnest(p_items, p_on_hand, p_committed) AS m(i, o, c) GROUP BY i ORDER BY i
    ON CONFLICT (item_id) DO UPDATE SET on_hand = t.on_hand + EXCLUDED.on_hand, committed = t.committed + EXCLUDED.committed;
END $$;
-- +goose StatementEnd
DROP FUNCTION stock_apply_each(text, bigint[], bigint, bigint[], bigint[], bigint[], bigint[]);
DROP TABLE bulk_run_skips;
DROP TABLE bulk_runs;
