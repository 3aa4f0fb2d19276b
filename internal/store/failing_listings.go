package store

import (
	"context"
	"fmt"
	"time"

	"github.com/jmoiron/sqlx"
	"github.com/lib/pq"

	"stocksync/internal/catalogue"
)

// trackFailing brings a channel's failing-now listings up to date with one
// imported batch: the listings it wrote are no longer failing, and those it
// could not import are failing now (since the first run that found them).
// A listing both written and refused in one batch (the channel sent it
// twice) stays failing: the next sync checks it again.
func trackFailing(ctx context.Context, tx *sqlx.Tx, channelID, runID int64, rows []catalogue.Row, failures []catalogue.Failure) error {
	refused := make(map[string]int, len(failures))
	for i, f := range failures {
		if f.ExternalID != "" {
			refused[f.ExternalID] = i // the last failure of a listing tells
		}
	}
	written := make([]string, 0, len(rows))
	for _, r := range rows {
		if _, ok := refused[r.ExternalID]; !ok {
			written = append(written, r.ExternalID)
		}
	}
	// Most channels have no failing listing: the one-time filter on the
	// channel's count spares the index a lookup per written listing.
	if len(written) > 0 {
		if _, err := tx.ExecContext(ctx, `DELETE FROM failing_listings
			WHERE channel_id = $1 AND external_id = ANY($2::text[])
			  AND EXISTS (SELECT 1 FROM channels WHERE id = $1 AND failing > 0)`, channelID, pq.StringArray(written)); err != nil {
			return fmt.Errorf("failing listings: %w", err)
		}
	}
	if len(refused) == 0 {
		return nil
	}
	n := len(refused)
	ids, labels, causes, records := make([]string, 0, n), make([]string, 0, n), make([]string, 0, n), make([]string, 0, n)
	for i, f := range failures {
		if f.ExternalID == "" || refused[f.ExternalID] != i {
			continue
		}
		ids, labels, causes, records = append(ids, f.ExternalID), append(labels, f.Label), append(causes, f.Cause), append(records, string(f.Record))
	}
	// One refused again keeps the run and time it first failed.
	_, err := tx.ExecContext(ctx, `INSERT INTO failing_listings (channel_id, external_id, label, cause, record, first_run_id, last_run_id)
		SELECT $1, f.external_id, f.label, f.cause, f.record, $2, $2
		FROM unnest($3::text[], $4::text[], $5::text[], $6::text[]) AS f(external_id, label, cause, record)
		ON CONFLICT (channel_id, external_id) DO UPDATE SET label = EXCLUDED.label, cause = EXCLUDED.cause,
			record = EXCLUDED.record, last_run_id = EXCLUDED.last_run_id`,
		channelID, runID, pq.StringArray(ids), pq.StringArray(labels), pq.StringArray(causes), pq.StringArray(records))
	if err != nil {
		return fmt.Errorf("failing listings: %w", err)
	}
	return nil
}

// FailingIDs are the external ids of a channel's failing-now listings: an
// importer never counts them as unchanged, whatever their fingerprint says,
// so each sync that reads them tries them again.
func (s *Store) FailingIDs(ctx context.Context, channelID int64) ([]string, error) {
	var ids []string
	if err := s.DB.SelectContext(ctx, &ids, `SELECT external_id FROM failing_listings WHERE channel_id = $1`, channelID); err != nil {
		return nil, fmt.Errorf("store: failing ids: %w", err)
	}
	return ids, nil
}

// FailingRecords are the listings of a channel failing now that run runID
// has not read, as last read (catalogue.RecordOf); an empty record was not
// kept.
func (s *Store) FailingRecords(ctx context.Context, channelID, runID int64) ([]string, error) {
	var records []string
	if err := s.DB.SelectContext(ctx, &records, `SELECT record FROM failing_listings
		WHERE channel_id = $1 AND last_run_id <> $2 ORDER BY since, external_id`, channelID, runID); err != nil {
		return nil, fmt.Errorf("store: failing records: %w", err)
	}
	return records, nil
}

// ForgetFailingNotRead ends the failures of listings that run runID, which
// read the whole catalogue, did not find: they are no longer on the channel.
// A run closed meanwhile (its process was declared dead) forgets nothing:
// the run that took over may have found them.
func (s *Store) ForgetFailingNotRead(ctx context.Context, channelID, runID int64) error {
	if _, err := s.DB.ExecContext(ctx, `DELETE FROM failing_listings WHERE channel_id = $1 AND last_run_id <> $2
		AND EXISTS (SELECT 1 FROM sync_runs WHERE id = $2 AND status = 'running')`, channelID, runID); err != nil {
		return fmt.Errorf("store: forget failing listings: %w", err)
	}
	return nil
}

// FailingListing is a listing of a channel that is failing now.
type FailingListing struct {
	ExternalID string    `db:"external_id"`
	Label      string    `db:"label"`
	Cause      string    `db:"cause"`
	FirstRunID int64     `db:"first_run_id"`
	LastRunID  int64     `db:"last_run_id"`
	Since      time.Time `db:"since"`
}

// FailingListings lists up to limit of a channel's failing-now listings,
// those failing longest first.
func (s *Store) FailingListings(ctx context.Context, channelID int64, limit int) ([]FailingListing, error) {
	var fs []FailingListing
	if err := s.DB.SelectContext(ctx, &fs, `SELECT external_id, label, cause, first_run_id, last_run_id, since
		FROM failing_listings WHERE channel_id = $1 ORDER BY since, external_id LIMIT $2`, channelID, limit); err != nil {
		return nil, fmt.Errorf("store: failing listings: %w", err)
	}
	return fs, nil
}

// ChannelFailing is how many listings of a connected channel are failing now.
type ChannelFailing struct {
	ChannelID int64  `db:"id"`
	Name      string `db:"name"`
	Failing   int    `db:"failing"`
}

// FailingByChannel lists the connected channels that have listings failing now.
func (s *Store) FailingByChannel(ctx context.Context) ([]ChannelFailing, error) {
	var cs []ChannelFailing
	if err := s.DB.SelectContext(ctx, &cs, `SELECT id, name, failing FROM channels
		WHERE failing > 0 AND disconnected_at IS NULL ORDER BY name, id`); err != nil {
		return nil, fmt.Errorf("store: failing by channel: %w", err)
	}
	return cs, nil
}
