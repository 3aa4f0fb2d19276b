-- +goose Up
-- What a channel's page says of its call limits, as the last call batch of
-- any server process saw them: the day's budget (Etsy's calls in a rolling
-- 24 h; limit_per_day 0 when the channel reports none) and, after an HTTP
-- 429, until when the channel asked us to wait. Kept here, not in memory,
-- so every process serving the page shows the same.
CREATE TABLE channel_quota_status (
    channel_id      bigint      PRIMARY KEY REFERENCES channels (id),
    label           text        NOT NULL DEFAULT '',
    day_window      text        NOT NULL DEFAULT '',
    used_today      integer     NOT NULL DEFAULT 0,
    limit_per_day   integer     NOT NULL DEFAULT 0,
    resets_at       timestamptz,
    observed_at     timestamptz,
    throttled_until timestamptz
);

-- A listing's last refusal was the channel's quota (a spent day budget, a
-- listing's revisions of the day): push_retry_at is when it comes back,
-- and the channel's page counts these as waiting for the quota.
ALTER TABLE channel_items ADD COLUMN push_quota boolean NOT NULL DEFAULT false;

-- +goose Down
ALTER TABLE channel_items DROP COLUMN push_quota;
DROP TABLE channel_quota_status;
