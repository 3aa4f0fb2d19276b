package testkit

import (
	"context"
	"testing"
	"time"

	"stocksync/internal/channel"
)

// FetchAll pages through a connector's whole catalogue changed after since
// and returns the listings and how many pages it took.
func FetchAll(t *testing.T, c channel.Connector, since time.Time) ([]channel.Listing, int) {
	t.Helper()
	var all []channel.Listing
	cursor, pages := "", 0
	for {
		page, err := c.FetchListings(context.Background(), since, cursor)
		if err != nil {
			t.Fatal(err)
		}
		pages++
		all = append(all, page.Listings...)
		if !page.HasMore {
			return all, pages
		}
		cursor = page.NextCursor
	}
}
