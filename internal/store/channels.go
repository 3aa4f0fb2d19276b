package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/jmoiron/sqlx"
)

var ErrChannelNotFound = errors.New("store: channel not found")

// Channel is a connected sales channel. Credentials stay sealed here; the
// channel service opens them only to build a connector.
type Channel struct {
	ID              int64      `db:"id"`
	Kind            string     `db:"kind"`
	Name            string     `db:"name"`
	Credentials     []byte     `db:"credentials"`
	CredentialsHint string     `db:"credentials_hint"`
	Enabled         bool       `db:"enabled"`
	SyncInterval    Interval   `db:"sync_interval"`
	FirstSyncDelay  Interval   `db:"first_sync_delay"`
	NeedsAttention  *string    `db:"needs_attention"`
	ListingsSince   *time.Time `db:"listings_since"`
	LastSyncAt      *time.Time `db:"last_sync_at"`
	NextSyncAt      *time.Time `db:"next_sync_at"`
	CreatedAt       time.Time  `db:"created_at"`
	DisconnectedAt  *time.Time `db:"disconnected_at"`
	Listings        int        `db:"listings"`
	Unconfirmed     int        `db:"unconfirmed"`
	Failing         int        `db:"failing"` // listings failing now
	// OrdersSince: orders changed after it are fetched by the next sync.
	OrdersSince *time.Time `db:"orders_since"`
	// DefaultWarehouseID takes the stock its orders commit; nil is the primary warehouse.
	DefaultWarehouseID *int64 `db:"default_warehouse_id"`
}

const channelColumns = `c.id, c.kind, c.name, c.credentials, c.credentials_hint, c.enabled,
	extract(epoch FROM c.sync_interval)::bigint AS sync_interval,
	extract(epoch FROM c.first_sync_delay)::bigint AS first_sync_delay,
	c.needs_attention, c.listings_since, c.last_sync_at, c.next_sync_at, c.created_at, c.disconnected_at,
	c.listings, c.unconfirmed, c.failing, c.orders_since, c.default_warehouse_id`

// Interval is a duration stored as whole seconds.
type Interval int64

func (i Interval) Duration() time.Duration { return time.Duration(i) * time.Second }

type NewChannel struct {
	Kind, Name      string
	Credentials     []byte
	CredentialsHint string
	SyncInterval    time.Duration
	FirstSyncDelay  time.Duration
	CreatedBy       int64
}

// CreateChannel stores a channel with its first sync due after the delay.
func (s *Store) CreateChannel(ctx context.Context, c NewChannel) (int64, error) {
	var id int64
	err := s.DB.GetContext(ctx, &id, `INSERT INTO channels (kind, name, credentials, credentials_hint, sync_interval,
		first_sync_delay, next_sync_at, created_by)
		VALUES ($1, $2, $3, $4, make_interval(secs => $5), make_interval(secs => $6), now() + make_interval(secs => $6), NULLIF($7, 0))
		RETURNING id`,
		c.Kind, c.Name, c.Credentials, c.CredentialsHint, c.SyncInterval.Seconds(), c.FirstSyncDelay.Seconds(), c.CreatedBy)
	if err != nil {
		return 0, fmt.Errorf("store: create channel: %w", err)
	}
	return id, nil
}

func (s *Store) Channel(ctx context.Context, id int64) (Channel, error) {
	var c Channel
	err := s.DB.GetContext(ctx, &c, `SELECT `+channelColumns+` FROM channels c WHERE c.id = $1`, id)
	if err != nil {
		return c, fmt.Errorf("store: channel %d: %w", id, notFound(err, ErrChannelNotFound))
	}
	return c, nil
}

// ListChannels lists connected channels first, then disconnected ones.
func (s *Store) ListChannels(ctx context.Context) ([]Channel, error) {
	var cs []Channel
	err := s.DB.SelectContext(ctx, &cs, `SELECT `+channelColumns+` FROM channels c
		ORDER BY c.disconnected_at IS NOT NULL, lower(c.name), c.id`)
	if err != nil {
		return nil, fmt.Errorf("store: list channels: %w", err)
	}
	return cs, nil
}

type ChannelSettings struct {
	Name           string
	Enabled        bool
	SyncInterval   time.Duration
	FirstSyncDelay time.Duration
	// WarehouseID takes the stock the channel's orders commit; 0 is the
	// primary warehouse.
	WarehouseID int64
}

// UpdateChannelSettings saves settings; a changed interval reschedules the
// next sync from the last one.
func (s *Store) UpdateChannelSettings(ctx context.Context, id int64, st ChannelSettings) error {
	res, err := s.DB.ExecContext(ctx, `UPDATE channels SET name = $2, enabled = $3,
		next_sync_at = CASE WHEN last_sync_at IS NULL THEN next_sync_at ELSE last_sync_at + make_interval(secs => $4) END,
		sync_interval = make_interval(secs => $4), first_sync_delay = make_interval(secs => $5),
		default_warehouse_id = NULLIF($6, 0)
		WHERE id = $1 AND disconnected_at IS NULL`,
		id, st.Name, st.Enabled, st.SyncInterval.Seconds(), st.FirstSyncDelay.Seconds(), st.WarehouseID)
	if err != nil {
		return fmt.Errorf("store: channel settings: %w", mapFK(err))
	}
	return mustAffect(res, ErrChannelNotFound)
}

// ReplaceCredentials stores new credentials and clears "needs attention".
func (s *Store) ReplaceCredentials(ctx context.Context, id int64, sealed []byte, hint string) error {
	res, err := s.DB.ExecContext(ctx, `UPDATE channels SET credentials = $2, credentials_hint = $3, needs_attention = NULL
		WHERE id = $1 AND disconnected_at IS NULL`, id, sealed, hint)
	if err != nil {
		return fmt.Errorf("store: replace credentials: %w", err)
	}
	return mustAffect(res, ErrChannelNotFound)
}

// SaveChannelCredentials stores credentials the channel itself changed (a
// rotated refresh token), leaving the hint and any "needs attention" as
// they are. A disconnected channel keeps what it had.
func (s *Store) SaveChannelCredentials(ctx context.Context, id int64, sealed []byte) error {
	res, err := s.DB.ExecContext(ctx, `UPDATE channels SET credentials = $2 WHERE id = $1 AND disconnected_at IS NULL`, id, sealed)
	if err != nil {
		return fmt.Errorf("store: save credentials: %w", err)
	}
	return mustAffect(res, ErrChannelNotFound)
}

// DisconnectChannel stops syncing a channel; its history and listings stay.
func (s *Store) DisconnectChannel(ctx context.Context, id int64) error {
	res, err := s.DB.ExecContext(ctx, `UPDATE channels SET disconnected_at = now(), enabled = false, next_sync_at = NULL
		WHERE id = $1 AND disconnected_at IS NULL`, id)
	if err != nil {
		return fmt.Errorf("store: disconnect channel: %w", err)
	}
	return mustAffect(res, ErrChannelNotFound)
}

func (s *Store) SetNeedsAttention(ctx context.Context, id int64, why string) error {
	_, err := s.DB.ExecContext(ctx, `UPDATE channels SET needs_attention = NULLIF($2, '') WHERE id = $1`, id, why)
	if err != nil {
		return fmt.Errorf("store: needs attention: %w", err)
	}
	return nil
}

// EnqueueFunc enqueues a due channel's sync in the transaction that claims
// it; queued is false when the queue skipped it as a duplicate (a sync of
// the channel is queued or running already).
type EnqueueFunc func(ctx context.Context, tx *sql.Tx, due DueChannel) (queued bool, err error)

// ClaimDueChannels enqueues the syncs of the channels that are due and
// moves their next sync one interval on, in one transaction, so two
// schedulers never claim the same due time and a due time never moves
// without a sync enqueued. A channel whose sync the queue skipped stays
// due: the sync already queued or running moves it when it finishes.
// It returns the channels enqueued and those skipped.
func (s *Store) ClaimDueChannels(ctx context.Context, now time.Time, enqueue EnqueueFunc) (queued, skipped []DueChannel, err error) {
	err = s.InTx(ctx, func(tx *sqlx.Tx) error {
		queued, skipped = nil, nil
		var due []DueChannel
		if err := tx.SelectContext(ctx, &due, `SELECT id, last_sync_at IS NULL AS first FROM channels
			WHERE disconnected_at IS NULL AND enabled AND needs_attention IS NULL AND next_sync_at <= $1
			ORDER BY next_sync_at FOR UPDATE SKIP LOCKED`, now); err != nil {
			return err
		}
		for _, d := range due {
			ok, err := enqueue(ctx, tx.Tx, d)
			if err != nil {
				return err
			}
			if !ok {
				skipped = append(skipped, d)
				continue
			}
			if _, err := tx.ExecContext(ctx, `UPDATE channels SET next_sync_at = $2::timestamptz + sync_interval WHERE id = $1`, d.ID, now); err != nil {
				return err
			}
			queued = append(queued, d)
		}
		return nil
	})
	if err != nil {
		return nil, nil, fmt.Errorf("store: claim due channels: %w", err)
	}
	return queued, skipped, nil
}

type DueChannel struct {
	ID    int64 `db:"id"`
	First bool  `db:"first"`
}
