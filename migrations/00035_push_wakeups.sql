-- +goose Up
-- One row per channel: whether a stock push job is queued and has not yet
-- started its pass. A change that marks listings flips it on and enqueues
-- a job only when it was off; the push flips it off, under its channel
-- lock, before it reads the marks. A change racing the flip holds the row
-- until it commits, so the push that flips it off then sees its marks:
-- a change is never left without a push, and a burst enqueues one job,
-- not one per document. (River's unique jobs lock the queued job's row
-- instead, where River's own completer takes them in another order.)
CREATE TABLE push_wakeups (
    channel_id bigint  PRIMARY KEY REFERENCES channels (id),
    queued     boolean NOT NULL DEFAULT false
);

-- +goose Down
DROP TABLE push_wakeups;
