package channelsync

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"errors"
	"fmt"

	"stocksync/internal/channel"
	"stocksync/internal/jobs"
	"stocksync/internal/store"
	"stocksync/internal/text"
)

// What a webhook delivery is answered with; the web layer maps these to
// 404, 401 and 200.
var (
	ErrNoWebhook    = errors.New("channelsync: no webhook at this address")
	ErrBadSignature = errors.New("channelsync: webhook signature missing or wrong")
)

// IncomingWebhook is a delivery as received: the raw body and the headers
// the channel's WebhookFormat names.
type IncomingWebhook struct {
	Kind        string // from the address
	ChannelID   int64  // from the address
	Signature   string
	DeliveryID  string
	Topic       string
	ContentType string
	Body        []byte
}

// WebhookOutcome says what became of an accepted delivery.
type WebhookOutcome int

const (
	WebhookStored    WebhookOutcome = iota // stored and its import enqueued
	WebhookDuplicate                       // the same delivery was stored before
	WebhookPing                            // an address check; nothing stored
)

// dummySecret signs for addresses that lead nowhere, so that an unknown
// channel costs the same work as a known one with a wrong signature.
const dummySecret = "no channel at this address"

// ReceiveWebhook checks a delivery's signature on the raw body before
// anything reads it, then stores it and enqueues its import in one
// transaction. A wrong or missing signature is counted on the channel and
// nothing of the delivery is kept.
func (s *Service) ReceiveWebhook(ctx context.Context, client *jobs.Client, in IncomingWebhook) (WebhookOutcome, error) {
	kind, ok := channel.Lookup(in.Kind)
	var ch store.Channel
	var err error
	if ok && kind.Webhook != nil {
		ch, err = s.store.Channel(ctx, in.ChannelID)
		if err != nil && !errors.Is(err, store.ErrChannelNotFound) {
			return 0, err
		}
	}
	if err != nil || !ok || kind.Webhook == nil || ch.Kind != in.Kind || ch.DisconnectedAt != nil {
		channel.ValidWebhookSignature(in.Body, dummySecret, in.Signature)
		return 0, ErrNoWebhook
	}
	var secret string
	if creds, err := s.credentials(ch); err == nil {
		secret = creds[channel.WebhookSecretField]
	} else {
		s.log.Error("channelsync: webhook: the channel's credentials cannot be opened", "channel_id", ch.ID, "err", err)
	}
	if !channel.ValidWebhookSignature(in.Body, secret, in.Signature) {
		if in.Signature == "" && kind.Webhook.IsPing != nil && kind.Webhook.IsPing(in.ContentType, in.Body) {
			return WebhookPing, nil
		}
		if err := s.store.RejectDelivery(ctx, ch.ID); err != nil {
			return 0, err
		}
		// Never the body: it comes from anyone who knows the address.
		s.log.Warn("webhook refused: signature missing or wrong", "channel_id", ch.ID, "kind", ch.Kind,
			"topic", text.Clean(truncate(in.Topic, 100)), "bytes", len(in.Body), "signed", in.Signature != "", "secret_set", secret != "")
		return 0, ErrBadSignature
	}
	if client == nil {
		return 0, errors.New("channelsync: webhook: no job client to queue the import")
	}
	id := truncate(in.DeliveryID, 200)
	if id == "" {
		// Both channels always send one; without it, the same body is
		// the same delivery.
		sum := sha256.Sum256(in.Body)
		id = "sha256:" + hex.EncodeToString(sum[:])
	}
	_, dup, err := s.store.RecordDelivery(ctx, store.NewDelivery{ChannelID: ch.ID, DeliveryID: text.Clean(id),
		Topic: text.Clean(truncate(in.Topic, 100)), Body: in.Body},
		func(ctx context.Context, tx *sql.Tx, id int64) error {
			if _, err := client.InsertTx(ctx, tx, WebhookDeliveryArgs{DeliveryID: id}, nil); err != nil {
				return fmt.Errorf("channelsync: enqueue webhook delivery: %w", err)
			}
			return nil
		})
	if err != nil {
		return 0, err
	}
	if dup {
		return WebhookDuplicate, nil
	}
	return WebhookStored, nil
}

func truncate(s string, n int) string {
	if len(s) > n {
		return s[:n]
	}
	return s
}
