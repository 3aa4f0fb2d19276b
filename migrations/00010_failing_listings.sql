-- +goose Up
-- The listings of each channel that are failing now: the last sync that read
-- them could not import them. A run's failures are its history (sync_failures);
-- this is the present. Each run's failures are upserted here and a listing is
-- deleted once a sync imports it, so a failure stays in sight after the runs
-- that found it have scrolled away.
--
-- record is the listing as last read (JSON of channel.Listing, raw capped):
-- a sync that does not fetch the listing again (an incremental one, when the
-- listing itself did not change) runs it through preparation and import
-- anew, so a failure caused by another listing clears as soon as its cause
-- does. It is text, not jsonb, because a channel's text may hold escapes
-- (\u0000) that jsonb refuses.
CREATE TABLE failing_listings (
    channel_id   bigint      NOT NULL REFERENCES channels (id),
    external_id  text        NOT NULL,
    label        text        NOT NULL,
    cause        text        NOT NULL,
    record       text        NOT NULL,
    -- the run that first found it failing (the link staff follow), and the
    -- latest run that found it failing still
    first_run_id bigint      NOT NULL REFERENCES sync_runs (id),
    last_run_id  bigint      NOT NULL REFERENCES sync_runs (id),
    since        timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (channel_id, external_id)
);

-- How many listings of a channel are failing now, kept on the channel for
-- the dashboard and the channel pages, which poll; statement-level triggers
-- as for the listing counts.
ALTER TABLE channels ADD COLUMN failing bigint NOT NULL DEFAULT 0;

-- +goose StatementBegin
CREATE FUNCTION channel_failing_count() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN
        UPDATE channels c SET failing = c.failing + d.n
        FROM (SELECT channel_id, count(*) AS n FROM new_rows GROUP BY channel_id) d WHERE c.id = d.channel_id;
    ELSE
        UPDATE channels c SET failing = c.failing - d.n
        FROM (SELECT channel_id, count(*) AS n FROM old_rows GROUP BY channel_id) d WHERE c.id = d.channel_id;
    END IF;
    RETURN NULL;
END $$;
-- +goose StatementEnd
CREATE TRIGGER failing_listings_count_insert AFTER INSERT ON failing_listings
    REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION channel_failing_count();
CREATE TRIGGER failing_listings_count_delete AFTER DELETE ON failing_listings
    REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION channel_failing_count();

-- +goose Down
DROP TRIGGER failing_listings_count_delete ON failing_listings;
DROP TRIGGER failing_listings_count_insert ON failing_listings;
DROP FUNCTION channel_failing_count();
ALTER TABLE channels DROP COLUMN failing;
DROP TABLE failing_listings;
