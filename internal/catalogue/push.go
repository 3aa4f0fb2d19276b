package catalogue

import "time"

// ListingPush is one linked listing as Push Stock previews it and as its
// item page shows it: what the channel is sent and what it showed.
type ListingPush struct {
	ID          int64      `db:"id"`
	ChannelID   int64      `db:"channel_id"`
	ChannelName string     `db:"channel_name"`
	ExternalID  string     `db:"external_id"`
	Label       string     `db:"label"`
	OnHand      int64      `db:"on_hand"`
	Committed   int64      `db:"committed"`
	Available   int64      `db:"available"` // over the warehouses the channel draws from
	Buffer      int        `db:"push_buffer"`
	Maximum     *int       `db:"push_maximum"`
	AllStock    bool       `db:"all_warehouses"`
	Desired     *int       `db:"desired"`  // nil: the channel does not track this listing's stock
	Shown       *int       `db:"shown"`    // what the channel shows as far as we know
	Quantity    *int       `db:"quantity"` // what the channel last reported or confirmed
	Pushed      *int       `db:"pushed_quantity"`
	PushedAt    *time.Time `db:"pushed_at"`
	Pending     bool       `db:"pending"`
	Sending     *int       `db:"push_sending"`
	Error       *string    `db:"push_error"`
	RetryAt     *time.Time `db:"push_retry_at"`
	DriftSince  *time.Time `db:"drift_since"`
	LinkSource  *string    `db:"link_source"`
}

// Tracked says whether stocksync sends stock to the listing: a channel
// that does not track the listing's stock (or holds it itself, as Amazon
// does for FBA) is never pushed.
func (l ListingPush) Tracked() bool { return l.Desired != nil }

// InFlight says whether a push of the listing is waiting or under way.
func (l ListingPush) InFlight() bool { return l.Pending || l.Sending != nil }
