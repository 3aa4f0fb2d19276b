package channelsync

import (
	"context"
	"encoding/json"
	"strings"

	"stocksync/internal/channel"
	"stocksync/internal/store"
)

// WebhookSecretSet tells whether the channel has a webhook secret, without
// letting it out.
func (s *Service) WebhookSecretSet(ch store.Channel) bool {
	creds, err := s.credentials(ch)
	return err == nil && creds[channel.WebhookSecretField] != ""
}

// SetWebhookSecret seals a new webhook secret with the channel's other
// credentials, which stay as they are.
func (s *Service) SetWebhookSecret(ctx context.Context, ch store.Channel, secret string) error {
	secret = strings.TrimSpace(secret)
	switch {
	case secret == "":
		return &FieldError{"webhook_secret", "Enter the secret the channel signs its webhooks with."}
	case len(secret) > 500:
		return &FieldError{"webhook_secret", "Use at most 500 characters."}
	}
	creds, err := s.credentials(ch)
	if err != nil {
		return err
	}
	creds[channel.WebhookSecretField] = secret
	plain, err := json.Marshal(creds)
	if err != nil {
		return err
	}
	return s.store.SealChannelCredentials(ctx, ch.ID, s.box.Seal(plain, sealContext(ch.Kind)))
}

// ChannelsAt lists the connected channels of a kind whose credential field
// holds value: the sandbox finds the channels connected to its fakes so
// that they deliver webhooks to them.
func (s *Service) ChannelsAt(ctx context.Context, kind, field, value string) ([]int64, error) {
	cs, err := s.store.ListChannels(ctx)
	if err != nil {
		return nil, err
	}
	var ids []int64
	for _, ch := range cs {
		if ch.Kind != kind || ch.DisconnectedAt != nil {
			continue
		}
		if creds, err := s.credentials(ch); err == nil && creds[field] == value {
			ids = append(ids, ch.ID)
		}
	}
	return ids, nil
}
