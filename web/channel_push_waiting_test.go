package web_test

import (
	"strconv"
	"strings"
	"testing"

	"stocksync/internal/auth"
	"stocksync/internal/channel"
	"stocksync/internal/testkit/webtest"
)

// Stock a channel refused for now (its day's budget is spent) is shown on
// the channel page with the reason and when it goes.
func TestChannelPageShowsStockWaitingForTheQuota(t *testing.T) {
	s := webtest.NewServer(t)
	ch, ids := listingsOn(t, s, withQty(channel.Listing{ExternalID: "1", SKU: "A-1", Name: "Mug", Price: "5.00"}, 3),
		withQty(channel.Listing{ExternalID: "2", SKU: "A-2", Name: "Bowl", Price: "5.00"}, 3),
		withQty(channel.Listing{ExternalID: "3", SKU: "A-3", Name: "Cup", Price: "5.00"}, 3))
	c, _ := s.SignedIn(t, auth.RoleStaff)
	page := "/channels/" + strconv.FormatInt(ch, 10)
	if r := c.Get(page); r.Status != 200 || strings.Contains(r.Body, `data-testid="push-waiting"`) {
		t.Fatalf("nothing waits yet: %d", r.Status)
	}
	s.Store.DB.MustExec(`UPDATE channel_items SET stock_push_pending = true,
		push_error = 'Etsy''s daily budget of 10,000 calls for this app is spent; it will be sent after 2026-12-01 10:00 UTC',
		push_retry_at = now() + interval '2 hours' WHERE id IN ($1, $2)`, ids["1"], ids["2"])
	r := c.Get(page)
	if !strings.Contains(r.Body, `data-testid="push-waiting"`) || !strings.Contains(r.Body, "2 listings wait for the channel&#39;s quota.") ||
		!strings.Contains(r.Body, "daily budget of 10,000 calls") {
		t.Fatalf("channel page: %.3000s", r.Body[strings.Index(r.Body, "push-rules"):])
	}
}
