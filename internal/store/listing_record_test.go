package store_test

import (
	"strings"
	"testing"

	"stocksync/internal/channel"
)

type listingRecord struct {
	Raw          *string `db:"raw"`
	URL          *string `db:"url"`
	FirstSeenRun *int64  `db:"first_seen_run"`
}

func (im *importer) record(channelID int64, externalID string) listingRecord {
	im.t.Helper()
	var r listingRecord
	if err := im.st.DB.Get(&r, `SELECT raw, url, first_seen_run FROM channel_items WHERE channel_id = $1 AND external_id = $2`, channelID, externalID); err != nil {
		im.t.Fatal(err)
	}
	return r
}

// A listing keeps the record the channel last sent with a change, its
// address on the channel, and the run that created it: written when the
// listing is inserted or its details change, on each of the import's
// paths, never for a listing that did not change.
func TestListingsKeepTheirRecordAddressAndFirstRun(t *testing.T) {
	im := newImporter(t)
	ch := im.channel("Shop")
	q := 3
	a := channel.Listing{ExternalID: "A", SKU: "A-1", Name: "Apron", Price: "10", Quantity: &q,
		URL: "https://shop.example/products/apron", Raw: []byte(`{"id":"A","price":"10"}`)}
	run1, _ := im.run(ch, a, channel.Listing{ExternalID: "J", SKU: "J-1", Name: "Jar", URL: "javascript:alert(1)", Raw: []byte(`{"id":"J"}`)})
	r := im.record(ch, "A")
	if r.Raw == nil || *r.Raw != `{"id":"A","price":"10"}` || r.URL == nil || *r.URL != a.URL || r.FirstSeenRun == nil || *r.FirstSeenRun != run1 {
		t.Fatalf("after the first run: %+v", r)
	}
	if j := im.record(ch, "J"); j.URL != nil {
		t.Fatalf("an address that is not a web page is not kept: %v", *j.URL)
	}

	// The same details with another record (a description changed): not
	// rewritten. A new listing belongs to its own run.
	a.Raw = []byte(`{"id":"A","price":"10","description":"new"}`)
	run2, c := im.run(ch, a, channel.Listing{ExternalID: "B", SKU: "B-1", Name: "Bowl"})
	if c.Unchanged != 1 || c.New != 1 {
		t.Fatalf("second run counted %+v", c)
	}
	if r := im.record(ch, "A"); *r.Raw != `{"id":"A","price":"10"}` || *r.FirstSeenRun != run1 {
		t.Fatalf("an unchanged listing was rewritten: %+v", r)
	}
	if b := im.record(ch, "B"); b.Raw != nil || b.URL != nil || b.FirstSeenRun == nil || *b.FirstSeenRun != run2 {
		t.Fatalf("new listing B: %+v", b)
	}

	// Stock and price changed (the in-place update), then the name (the
	// upsert): each time the record comes along; the first run stays.
	q = 4
	a.Price, a.Raw = "11", []byte(`{"id":"A","price":"11"}`)
	if _, c := im.run(ch, a); c.Updated != 1 {
		t.Fatalf("price change counted %+v", c)
	}
	if r := im.record(ch, "A"); *r.Raw != `{"id":"A","price":"11"}` || *r.FirstSeenRun != run1 {
		t.Fatalf("after a price change: %+v", r)
	}
	a.Name, a.URL = "Linen apron", "https://shop.example/products/linen-apron"
	a.Raw = []byte(`{"id":"A","title":"Linen apron","description":"` + strings.Repeat("x", 20000) + `"}`)
	if _, c := im.run(ch, a); c.Updated != 1 {
		t.Fatalf("name change counted %+v", c)
	}
	r = im.record(ch, "A")
	if len(*r.Raw) > 16<<10+16 || !strings.HasPrefix(*r.Raw, `"{\"id\":\"A\"`) || *r.URL != a.URL || *r.FirstSeenRun != run1 {
		t.Fatalf("after a name change (record capped at 16 KiB): %d bytes, %+v", len(*r.Raw), *r.URL)
	}
}
