-- +goose Up
-- A run whose process died (killed, out of memory, machine lost) is closed
-- as interrupted by the sweep, which retries its sync at once.
ALTER TABLE sync_runs DROP CONSTRAINT sync_runs_status_check;
ALTER TABLE sync_runs ADD CONSTRAINT sync_runs_status_check
    CHECK (status IN ('running', 'succeeded', 'failed', 'interrupted'));

-- A channel job that is running says so here every few seconds, from its
-- own process; a job whose beat has stopped has lost its process. River's
-- own tables are made after ours, hence no foreign key to river_job.
CREATE TABLE job_heartbeats (
    job_id  bigint      PRIMARY KEY,
    -- the River attempt that beats: a stale process never beats for a retry
    attempt smallint    NOT NULL,
    beat_at timestamptz NOT NULL DEFAULT now()
);

-- +goose Down
DROP TABLE job_heartbeats;
UPDATE sync_runs SET status = 'failed' WHERE status = 'interrupted';
ALTER TABLE sync_runs DROP CONSTRAINT sync_runs_status_check;
ALTER TABLE sync_runs ADD CONSTRAINT sync_runs_status_check
    CHECK (status IN ('running', 'succeeded', 'failed'));
