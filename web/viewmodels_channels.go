package web

import (
	"stocksync/internal/store"
	channelviews "stocksync/views/channels"
	"stocksync/views/components"
)

// The stored channel row carries the sealed credentials; views get only
// what they show, copied here, so no template can reach the secret.

func channelView(c store.Channel) channelviews.Channel {
	return channelviews.Channel{ID: c.ID, Kind: c.Kind, Name: c.Name, CredentialsHint: c.CredentialsHint,
		Enabled: c.Enabled, NeedsAttention: c.NeedsAttention, LastSyncAt: c.LastSyncAt, NextSyncAt: c.NextSyncAt,
		DisconnectedAt: c.DisconnectedAt, Listings: c.Listings, Unconfirmed: c.Unconfirmed}
}

func channelViews(cs []store.Channel) []channelviews.Channel {
	out := make([]channelviews.Channel, len(cs))
	for i, c := range cs {
		out[i] = channelView(c)
	}
	return out
}

func channelChoices(cs []store.ChannelName) []components.ChannelChoice {
	out := make([]components.ChannelChoice, len(cs))
	for i, c := range cs {
		out[i] = components.ChannelChoice{ID: c.ID, Name: c.Name}
	}
	return out
}
