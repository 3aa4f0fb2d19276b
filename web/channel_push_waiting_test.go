package web_test

import (
	"strconv"
	"strings"
	"testing"

	"stocksync/internal/auth"
	"stocksync/internal/channel"
	"stocksync/internal/testkit/webtest"
)

// What waits for the channel's quota stays pending and is shown on the
// channel's page, by reason, with its next try; what is merely pending
// (about to go) is not.
func TestChannelPageShowsPushesWaitingForTheQuota(t *testing.T) {
	s := webtest.NewServer(t)
	c, _ := s.SignedIn(t, auth.RoleStaff)
	ch, ids := listingsOn(t, s, channel.Listing{ExternalID: "1", SKU: "A-1", Name: "Mug", Price: "5.00"},
		channel.Listing{ExternalID: "2", SKU: "A-2", Name: "Bowl", Price: "5.00"},
		channel.Listing{ExternalID: "3", SKU: "A-3", Name: "Jug", Price: "5.00"})
	page := "/channels/" + strconv.FormatInt(ch, 10)
	if r := c.Get(page); strings.Contains(r.Body, `data-testid="push-waiting"`) {
		t.Fatal("a waiting card with nothing waiting")
	}
	quota := "eBay allows a listing 250 revisions a day and this listing has used them."
	s.Store.DB.MustExec(`UPDATE channel_items SET stock_push_pending = true, push_error = $1, push_retry_at = now() + interval '9 hours'
		WHERE id = ANY($2)`, quota, "{"+strconv.FormatInt(ids["1"], 10)+","+strconv.FormatInt(ids["2"], 10)+"}")
	s.Store.DB.MustExec(`UPDATE channel_items SET stock_push_pending = true WHERE id = $1`, ids["3"])
	r := c.Get(page)
	if !strings.Contains(r.Body, `data-testid="push-waiting"`) || !strings.Contains(r.Body, `data-testid="waiting-count">2<`) ||
		!strings.Contains(r.Body, "2 — "+quota) {
		t.Fatalf("channel page: %.3000s", r.Body[strings.Index(r.Body, "<main"):])
	}
}
