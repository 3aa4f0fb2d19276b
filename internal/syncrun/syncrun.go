// Package syncrun describes the recorded sync runs of channels, as the store
// reads them back and the sync history shows them. It holds no secret, so
// views take these rows as they are.
package syncrun

import "time"

// Run is one recorded sync of a channel.
type Run struct {
	ID             int64      `db:"id"`
	ChannelID      int64      `db:"channel_id"`
	ChannelName    string     `db:"channel_name"`
	ChannelKind    string     `db:"channel_kind"`
	Kind           string     `db:"kind"`
	Trigger        string     `db:"trigger"`
	Status         string     `db:"status"`
	JobID          *int64     `db:"job_id"`
	StartedAt      time.Time  `db:"started_at"`
	FinishedAt     *time.Time `db:"finished_at"`
	PagesDone      int        `db:"pages_done"`
	RecordsTotal   *int       `db:"records_total"`
	Records        int        `db:"records"`
	New            int        `db:"new_records"`
	Updated        int        `db:"updated"`
	Unchanged      int        `db:"unchanged"`
	Failed         int        `db:"failed"`
	Synced         int        `db:"synced"`
	NewUnconfirmed int        `db:"new_unconfirmed"`
	Orders         int        `db:"orders"` // online orders imported or updated
	Error          *string    `db:"error"`
	// HeartbeatAt is when the running run's process last said it was alive.
	HeartbeatAt *time.Time `db:"heartbeat_at"`
}

// Duration is how long the run took, or has taken so far.
func (r Run) Duration(now time.Time) time.Duration {
	end := now
	if r.FinishedAt != nil {
		end = *r.FinishedAt
	}
	return end.Sub(r.StartedAt)
}

// Failure is one recorded failure of a run: a record that was not imported
// and why, in words a person can act on.
type Failure struct {
	ID         int64   `db:"id"`
	ExternalID string  `db:"external_id"`
	SKU        string  `db:"sku"`
	Label      string  `db:"label"`
	Cause      string  `db:"cause"`
	Raw        *string `db:"raw"`
}
