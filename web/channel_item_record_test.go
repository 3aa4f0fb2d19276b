package web_test

import (
	"context"
	"net/http"
	"strconv"
	"strings"
	"testing"

	"stocksync/internal/auth"
	"stocksync/internal/catalogue"
	"stocksync/internal/channel"
	"stocksync/internal/store"
	"stocksync/internal/testkit/webtest"
)

// The listing page shows where the listing is on the channel, the record
// as the channel sent it (escaped, indented) and the run that brought it;
// the run's page and the channel's page count what is still unconfirmed
// and lead to the list filtered by channel and run.
func TestListingPageRecordAndRunCounts(t *testing.T) {
	s := webtest.NewServer(t)
	c, _ := s.SignedIn(t, auth.RoleStaff)
	ch, ids := listingsOn(t, s,
		withQty(channel.Listing{ExternalID: "gid-1", SKU: "APR-1", Name: "Apron", Price: "18.5",
			URL: "https://shop.example/products/apron", Raw: []byte(`{"id":"gid-1","product":{"title":"<b>Apron</b>"}}`)}, 4),
		channel.Listing{ExternalID: "gid-2", SKU: "BWL-1", Name: "Bowl", URL: "javascript:alert(1)"})
	var run int64
	if err := s.Store.DB.Get(&run, `SELECT first_seen_run FROM channel_items WHERE id = $1`, ids["gid-1"]); err != nil {
		t.Fatal(err)
	}
	// a later run brings one more listing
	ctx := context.Background()
	run2, _ := s.Store.StartRun(ctx, ch, "catalogue", "manual", 0)
	rows, _ := catalogue.Prepare([]channel.Listing{{ExternalID: "gid-3", SKU: "CUP-1", Name: "Cup"}})
	if _, err := s.Store.ImportListings(ctx, store.ImportBatch{ChannelID: ch, RunID: run2, Rows: rows, Rematch: true}); err != nil {
		t.Fatal(err)
	}
	runS, chS := strconv.FormatInt(run, 10), strconv.FormatInt(ch, 10)

	page := c.Get(path(ids["gid-1"], ""))
	mustContain(t, "listing page", page.Body,
		`<a href="https://shop.example/products/apron" target="_blank" rel="noopener noreferrer" data-testid="listing-url"><code>gid-1</code></a>`,
		`data-testid="listing-price">USD 18.50<`, `data-testid="listing-qty">4<`,
		`<a href="/sync-history/`+runS+`">sync run #`+runS+`</a>`, `data-testid="listing-last-seen"`,
		"Record as the channel sent it", "{\n  &#34;id&#34;: &#34;gid-1&#34;,\n  &#34;product&#34;: {\n    &#34;title&#34;: &#34;&lt;b&gt;Apron&lt;/b&gt;&#34;")
	if bowl := c.Get(path(ids["gid-2"], "")); strings.Contains(bowl.Body, "javascript:") || strings.Contains(bowl.Body, `data-testid="listing-url"`) {
		t.Fatal("an address that is not a web page became a link")
	}

	runPage := c.Get("/sync-history/" + runS)
	listURL := "/channel-items?status=unconfirmed&amp;channel=" + chS + "&amp;run=" + runS
	mustContain(t, "run page", runPage.Body, `<a href="`+listURL+`">2 new unconfirmed</a>`)
	chPage := c.Get("/channels/" + chS)
	mustContain(t, "channel page", chPage.Body, `href="/channel-items?status=unconfirmed&amp;channel=`+chS+`" data-testid="unconfirmed">3<`)

	list := c.Get("/channel-items?status=unconfirmed&channel=" + chS + "&run=" + runS)
	mustContain(t, "list of the run", list.Body, `href="`+path(ids["gid-1"], "")+`"`, `href="`+path(ids["gid-2"], "")+`"`,
		`<input type="hidden" name="run" value="`+runS+`">`, `data-testid="run-filter"`)
	var cup int64
	if err := s.Store.DB.Get(&cup, `SELECT id FROM channel_items WHERE external_id = 'gid-3'`); err != nil {
		t.Fatal(err)
	}
	if strings.Contains(list.Body, `href="`+path(cup, "")+`"`) {
		t.Fatal("the list filtered by run shows a listing another run created")
	}
	if bad := c.Get("/channel-items?run=x"); bad.Status != http.StatusOK || strings.Contains(bad.Body, `data-testid="run-filter"`) {
		t.Fatalf("a bad run filter: %d", bad.Status)
	}

	// settling one takes it off the run's count
	if r := c.Post(path(ids["gid-1"], "confirm"), nil); r.Status != http.StatusSeeOther {
		t.Fatalf("confirm: %d", r.Status)
	}
	mustContain(t, "run page after confirm", c.Get("/sync-history/"+runS).Body, `<a href="`+listURL+`">1 new unconfirmed</a>`)
}
