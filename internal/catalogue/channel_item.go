package catalogue

import "time"

// ChannelItem is a listing as imported, with its link, as the channel items list
// shows it.
type ChannelItem struct {
	ID          int64     `db:"id"`
	ChannelID   int64     `db:"channel_id"`
	ChannelName string    `db:"channel_name"`
	ExternalID  string    `db:"external_id"`
	SKU         string    `db:"sku"`
	Name        string    `db:"name"`
	Price       *string   `db:"price"`
	Quantity    *int      `db:"quantity"`
	ItemID      *int64    `db:"item_id"`
	ItemName    *string   `db:"item_name"`
	LinkSource  *string   `db:"link_source"`
	FirstSeenAt time.Time `db:"first_seen_at"`
}
