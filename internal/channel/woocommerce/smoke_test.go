package woocommerce

import (
	"context"
	"testing"
	"time"
)

func TestSmoke(t *testing.T) {
	s := newTestStore(t)
	s.fake.Generate(250, 1)
	ctx := context.Background()
	if err := s.client.Verify(ctx); err != nil {
		t.Fatal(err)
	}
	cursor, n := "", 0
	for {
		p, err := s.client.FetchListings(ctx, time.Time{}, cursor)
		if err != nil {
			t.Fatal(err)
		}
		n += len(p.Listings)
		t.Logf("%d %v %q %d %+v", len(p.Listings), p.HasMore, p.NextCursor, p.Total, p.Listings[1])
		if !p.HasMore {
			break
		}
		cursor = p.NextCursor
	}
	t.Log(n, len(s.fake.Calls()))
}
