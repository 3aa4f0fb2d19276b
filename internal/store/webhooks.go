package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/jmoiron/sqlx"
)

var ErrDeliveryNotFound = errors.New("store: webhook delivery not found")

// NewDelivery is a signed webhook delivery as received.
type NewDelivery struct {
	ChannelID  int64
	DeliveryID string
	Topic      string
	Body       []byte
}

// EnqueueDeliveryFunc enqueues the job that imports a stored delivery, in
// the transaction that stored it.
type EnqueueDeliveryFunc func(ctx context.Context, tx *sql.Tx, id int64) error

// RecordDelivery stores a delivery and enqueues its import in one
// transaction. A delivery already stored (the channel sent it again, maybe
// at the same moment) is neither stored nor enqueued twice: the unique key
// makes a concurrent copy wait for the first and then do nothing, and dup
// reports it.
func (s *Store) RecordDelivery(ctx context.Context, d NewDelivery, enqueue EnqueueDeliveryFunc) (id int64, dup bool, err error) {
	err = s.InTx(ctx, func(tx *sqlx.Tx) error {
		err := tx.GetContext(ctx, &id, `INSERT INTO webhook_deliveries (channel_id, delivery_id, topic, body)
			VALUES ($1, $2, $3, $4) ON CONFLICT (channel_id, delivery_id) DO NOTHING RETURNING id`,
			d.ChannelID, d.DeliveryID, d.Topic, d.Body)
		if errors.Is(err, sql.ErrNoRows) {
			dup = true
			return nil
		}
		if err != nil {
			return err
		}
		return enqueue(ctx, tx.Tx, id)
	})
	if err != nil {
		return 0, false, fmt.Errorf("store: record webhook delivery: %w", err)
	}
	return id, dup, nil
}

// Delivery is a stored webhook delivery.
type Delivery struct {
	ID          int64      `db:"id"`
	ChannelID   int64      `db:"channel_id"`
	Kind        string     `db:"kind"` // the channel's
	DeliveryID  string     `db:"delivery_id"`
	Topic       string     `db:"topic"`
	ReceivedAt  time.Time  `db:"received_at"`
	Body        []byte     `db:"body"`
	ProcessedAt *time.Time `db:"processed_at"`
	Error       *string    `db:"error"`
}

func (s *Store) Delivery(ctx context.Context, id int64) (Delivery, error) {
	var d Delivery
	err := s.DB.GetContext(ctx, &d, `SELECT d.id, d.channel_id, c.kind, d.delivery_id, d.topic, d.received_at, d.body,
		d.processed_at, d.error FROM webhook_deliveries d JOIN channels c ON c.id = d.channel_id WHERE d.id = $1`, id)
	if err != nil {
		return d, fmt.Errorf("store: webhook delivery %d: %w", id, notFound(err, ErrDeliveryNotFound))
	}
	return d, nil
}

// FinishDelivery marks a delivery processed, with why it was not imported
// ("" when it was).
func (s *Store) FinishDelivery(ctx context.Context, id int64, problem string) error {
	_, err := s.DB.ExecContext(ctx, `UPDATE webhook_deliveries SET processed_at = now(), error = NULLIF($2, '') WHERE id = $1`, id, problem)
	if err != nil {
		return fmt.Errorf("store: finish webhook delivery: %w", err)
	}
	return nil
}

// RejectDelivery counts a delivery refused for its signature; nothing of
// it is kept.
func (s *Store) RejectDelivery(ctx context.Context, channelID int64) error {
	_, err := s.DB.ExecContext(ctx, `INSERT INTO webhook_rejections AS r (channel_id, rejected) VALUES ($1, 1)
		ON CONFLICT (channel_id) DO UPDATE SET rejected = r.rejected + 1, last_rejected_at = now()`, channelID)
	if err != nil {
		return fmt.Errorf("store: count rejected webhook: %w", err)
	}
	return nil
}

// WebhookStatus is what the channel's page shows of its webhooks.
type WebhookStatus struct {
	Deliveries     int64      `db:"deliveries"`
	LastDeliveryAt *time.Time `db:"last_delivery_at"`
	Rejected       int64      `db:"rejected"`
	LastRejectedAt *time.Time `db:"last_rejected_at"`
	Recent         []Delivery `db:"-"` // the latest, newest first, bodies left out
}

func (s *Store) WebhookStatus(ctx context.Context, channelID int64, recent int) (WebhookStatus, error) {
	var st WebhookStatus
	err := s.DB.GetContext(ctx, &st, `SELECT
		(SELECT count(*) FROM webhook_deliveries WHERE channel_id = $1) AS deliveries,
		(SELECT received_at FROM webhook_deliveries WHERE channel_id = $1 ORDER BY id DESC LIMIT 1) AS last_delivery_at,
		COALESCE((SELECT rejected FROM webhook_rejections WHERE channel_id = $1), 0) AS rejected,
		(SELECT last_rejected_at FROM webhook_rejections WHERE channel_id = $1) AS last_rejected_at`, channelID)
	if err == nil {
		err = s.DB.SelectContext(ctx, &st.Recent, `SELECT d.id, d.channel_id, '' AS kind, d.delivery_id, d.topic, d.received_at,
			''::bytea AS body, d.processed_at, d.error FROM webhook_deliveries d WHERE d.channel_id = $1 ORDER BY d.id DESC LIMIT $2`,
			channelID, recent)
	}
	if err != nil {
		return st, fmt.Errorf("store: webhook status: %w", err)
	}
	return st, nil
}

// SealChannelCredentials replaces a channel's sealed credentials, keeping
// its hint and its state: for a change that does not touch what the
// connector uses (the webhook secret).
func (s *Store) SealChannelCredentials(ctx context.Context, id int64, sealed []byte) error {
	res, err := s.DB.ExecContext(ctx, `UPDATE channels SET credentials = $2 WHERE id = $1 AND disconnected_at IS NULL`, id, sealed)
	if err != nil {
		return fmt.Errorf("store: seal channel credentials: %w", err)
	}
	return mustAffect(res, ErrChannelNotFound)
}

// DeleteDeliveriesBefore deletes the processed deliveries received before
// the time; it returns how many.
func (s *Store) DeleteDeliveriesBefore(ctx context.Context, before time.Time) (int64, error) {
	res, err := s.DB.ExecContext(ctx, `DELETE FROM webhook_deliveries WHERE received_at < $1 AND processed_at IS NOT NULL`, before)
	if err != nil {
		return 0, fmt.Errorf("store: purge webhook deliveries: %w", err)
	}
	return res.RowsAffected()
}
