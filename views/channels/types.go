package channels

import "time"

// Channel is what the Channels pages show of a connected channel. It is
// built from the stored row by the web layer and deliberately has no field
// for the sealed credentials: a page cannot show what it was never given.
type Channel struct {
	ID              int64
	Kind            string
	Name            string
	CredentialsHint string // the masked tail the person typed, never the secret
	Enabled         bool
	NeedsAttention  *string
	LastSyncAt      *time.Time
	NextSyncAt      *time.Time
	DisconnectedAt  *time.Time
	Listings        int
	Unconfirmed     int
}
