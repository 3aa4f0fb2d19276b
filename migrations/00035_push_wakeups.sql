-- +goose Up
-- One row per channel: whether a stock push job is queued or running its
-- pass. A change that marks listings sets it and enqueues a job only when
-- it was clear, so a burst enqueues one job, not one per document. How a
-- change and the push's end agree without changes waiting on each other
-- (a shared advisory lock held by each change until it commits, taken
-- exclusively by the push before it clears the flag) is in
-- store/push_actions.go. (River's unique jobs lock the queued job's row
-- instead, where River's own completer takes them in another order.)
CREATE TABLE push_wakeups (
    channel_id bigint  PRIMARY KEY REFERENCES channels (id),
    queued     boolean NOT NULL DEFAULT false
);

-- +goose Down
DROP TABLE push_wakeups;
