-- +goose Up
-- Signed webhook deliveries, stored as received before anything is parsed,
-- so the answer to the channel is fast and a delivery that later fails to
-- import keeps its body and its cause. A channel delivers at least once:
-- (channel_id, delivery_id) keeps one copy of each delivery, however many
-- times or however concurrently it arrives.
CREATE TABLE webhook_deliveries (
    id           bigserial   PRIMARY KEY,
    channel_id   bigint      NOT NULL REFERENCES channels (id),
    delivery_id  text        NOT NULL,
    topic        text        NOT NULL DEFAULT '',
    received_at  timestamptz NOT NULL DEFAULT now(),
    -- the raw body (the handler refuses more than 1 MiB); bytes, not jsonb,
    -- because a body that is not JSON is kept to show why it failed
    body         bytea       NOT NULL CHECK (octet_length(body) <= 1048576),
    processed_at timestamptz,
    -- why the delivery was not imported, in words a person can act on
    error        text,
    UNIQUE (channel_id, delivery_id)
);
CREATE INDEX webhook_deliveries_channel_idx ON webhook_deliveries (channel_id, id DESC);

-- Deliveries refused for a bad or missing signature are not stored (they
-- may come from anyone); only how many and when the last one came.
CREATE TABLE webhook_rejections (
    channel_id       bigint      PRIMARY KEY REFERENCES channels (id),
    rejected         bigint      NOT NULL DEFAULT 0,
    last_rejected_at timestamptz NOT NULL DEFAULT now()
);

-- +goose Down
DROP TABLE webhook_rejections;
DROP TABLE webhook_deliveries;
