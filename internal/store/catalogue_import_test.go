package store_test

import (
	"context"
	"errors"
	"fmt"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/lib/pq"

	"stocksync/internal/catalogue"
	"stocksync/internal/channel"
	"stocksync/internal/store"
	"stocksync/internal/testkit/testdb"
)

type importer struct {
	t  *testing.T
	st *store.Store
	// vouch marks every listing new, with a SKU new to the channel, as the
	// sync's importer does on a first import: the store's insert-only path.
	vouch bool
	// itemsUnchanged tells the store that no item changed since the last
	// sync, as the importer does: unconfirmed listings need not look again.
	itemsUnchanged bool
}

func newImporter(t *testing.T) *importer {
	return &importer{t: t, st: testdb.New(t)}
}

func (im *importer) item(name, sku string, active bool) int64 {
	im.t.Helper()
	var id int64
	if err := im.st.DB.Get(&id, `INSERT INTO items (name, sku, active) VALUES ($1, $2, $3) RETURNING id`, name, sku, active); err != nil {
		im.t.Fatal(err)
	}
	return id
}

func (im *importer) channel(name string) int64 {
	im.t.Helper()
	id, err := im.st.CreateChannel(context.Background(), store.NewChannel{Kind: "shopify", Name: name, Credentials: []byte{1}})
	if err != nil {
		im.t.Fatal(err)
	}
	return id
}

func (im *importer) run(channelID int64, listings ...channel.Listing) (int64, catalogue.Counts) {
	im.t.Helper()
	ctx := context.Background()
	runID, err := im.st.StartRun(ctx, channelID, "catalogue", "manual", 0)
	if err != nil {
		im.t.Fatal(err)
	}
	rows, failures := catalogue.Prepare(listings)
	for i := range rows {
		rows[i].New, rows[i].SKUNew = im.vouch, im.vouch
	}
	c, err := im.st.ImportListings(ctx, store.ImportBatch{ChannelID: channelID, RunID: runID, Pages: 1, Rows: rows, Failures: failures, Rematch: !im.itemsUnchanged})
	if err != nil {
		im.t.Fatal(err)
	}
	return runID, c
}

// link returns the item a listing is linked to (0 for none) and how.
func (im *importer) link(channelID int64, externalID string) (int64, string) {
	im.t.Helper()
	var r struct {
		ItemID *int64  `db:"item_id"`
		Source *string `db:"link_source"`
	}
	if err := im.st.DB.Get(&r, `SELECT item_id, link_source FROM channel_items WHERE channel_id = $1 AND external_id = $2`, channelID, externalID); err != nil {
		im.t.Fatalf("listing %s: %v", externalID, err)
	}
	if r.ItemID == nil {
		return 0, ""
	}
	return *r.ItemID, *r.Source
}

func listing(id, sku, name string) channel.Listing {
	return channel.Listing{ExternalID: id, SKU: sku, Name: name, Price: "9.50", Raw: []byte(`{"id":"` + id + `"}`)}
}

func TestAutoLinkRules(t *testing.T) {
	for _, path := range []struct {
		name  string
		vouch bool
	}{{"looked up", false}, {"vouched new", true}} {
		t.Run(path.name, func(t *testing.T) {
			im := newImporter(t)
			im.vouch = path.vouch
			autoLinkRules(t, im)
		})
	}
}

func autoLinkRules(t *testing.T, im *importer) {
	red := im.item("Red mug", "SKU-1", true)
	blue := im.item("Blue mug", "", true)
	im.item("Green mug", "G-1", true)
	im.item("Green mug", "G-2", true)
	yellow := im.item("Yellow mug", "SKU-4", true)
	teapot := im.item("Tea pot", "SKU-5", true)
	im.item("Old mug", "SKU-OLD", false)

	cases := []struct {
		name       string
		listing    channel.Listing
		wantItem   int64
		wantSource string
	}{
		{"SKU match", listing("1", "SKU-1", "Something else"), red, "sku"},
		{"name match", listing("2", "", "Blue mug"), blue, "name"},
		{"ambiguous name links nothing", listing("3", "", "Green mug"), 0, ""},
		{"trimmed SKU", listing("4", "  SKU-4\t", "x"), yellow, "sku"},
		{"trimmed name", listing("5", "", "  Blue mug  "), blue, "name"},
		{"SKU beats name", listing("6", "SKU-5", "Blue mug"), teapot, "sku"},
		{"unknown SKU falls back to name", listing("7", "NOPE-7", "Blue mug"), blue, "name"},
		{"SKUs compare case-sensitively", listing("8", "sku-1", "Nothing like it"), 0, ""},
		{"inactive items are not matched", listing("9", "SKU-OLD", "Old mug"), 0, ""},
		{"no match is unconfirmed", listing("10", "NEW-10", "Brand new"), 0, ""},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			im := &importer{t: t, st: im.st, vouch: im.vouch}
			ch := im.channel(tc.name)
			_, c := im.run(ch, tc.listing)
			item, source := im.link(ch, tc.listing.ExternalID)
			if item != tc.wantItem || source != tc.wantSource {
				t.Fatalf("linked to %d by %q, want %d by %q", item, source, tc.wantItem, tc.wantSource)
			}
			wantSynced, wantUnconfirmed := 0, 1
			if tc.wantItem != 0 {
				wantSynced, wantUnconfirmed = 1, 0
			}
			if c.New != 1 || c.Synced != wantSynced || c.NewUnconfirmed != wantUnconfirmed || c.Records != 1 {
				t.Fatalf("counts %+v", c)
			}
		})
	}

	t.Run("many listings, one item", func(t *testing.T) {
		im := &importer{t: t, st: im.st, vouch: im.vouch}
		ch1, ch2 := im.channel("one"), im.channel("two")
		im.run(ch1, listing("a", "SKU-1", "x"), listing("b", "", "Red mug"))
		im.run(ch2, listing("c", "SKU-1", "y"))
		for _, l := range []struct {
			ch int64
			id string
		}{{ch1, "a"}, {ch1, "b"}, {ch2, "c"}} {
			if item, _ := im.link(l.ch, l.id); item != red {
				t.Errorf("listing %s linked to %d, want %d", l.id, item, red)
			}
		}
		it, err := im.st.ItemByID(context.Background(), red)
		var want int
		im.st.DB.Get(&want, `SELECT count(*) FROM channel_items WHERE item_id = $1`, red)
		if err != nil || it.LinkedChannels != want || want < 3 {
			t.Errorf("the item shows %d links (%v), want %d (>= 3)", it.LinkedChannels, err, want)
		}
	})
}

func TestImportFailuresHaveActionableCauses(t *testing.T) {
	im := newImporter(t)
	ch := im.channel("shop")
	broken := listing("3", "P-3", "Price broken")
	broken.Price = "abc"
	runID, c := im.run(ch,
		listing("1", "", ""),
		listing("2", "OK-2", "Fine"),
		broken,
		listing("12", "DUP", "First"),
		listing("40", "DUP", "Second"),
	)
	if c.Records != 5 || c.Failed != 4 || c.New != 1 || c.NewUnconfirmed != 1 {
		t.Fatalf("counts %+v", c)
	}
	fs, err := im.st.RunFailures(context.Background(), runID, 0, 0)
	if err != nil {
		t.Fatal(err)
	}
	causes := map[string]string{}
	for _, f := range fs {
		causes[f.ExternalID] = f.Cause
		if f.Raw == nil || !strings.Contains(*f.Raw, f.ExternalID) {
			t.Errorf("failure %s has no raw record: %v", f.ExternalID, f.Raw)
		}
	}
	for id, want := range map[string]string{
		"1":  "no SKU and no name",
		"3":  `price "abc" is not a number`,
		"12": "SKU DUP appears twice in this channel: listings 12 and 40",
		"40": "SKU DUP appears twice in this channel: listings 12 and 40",
	} {
		if !strings.Contains(causes[id], want) {
			t.Errorf("listing %s: cause %q, want it to say %q", id, causes[id], want)
		}
	}
	var stored int
	im.st.DB.Get(&stored, `SELECT count(*) FROM channel_items WHERE channel_id = $1`, ch)
	if stored != 1 {
		t.Fatalf("%d listings stored, want only the valid one", stored)
	}
	run, _ := im.st.Run(context.Background(), runID)
	if run.Failed != 4 || run.Records != 5 || run.New != 1 {
		t.Fatalf("run counts %+v", run)
	}

	// Fixed on the channel, the next sync imports them.
	fixed := broken
	fixed.Price = "12.50"
	_, c = im.run(ch, listing("1", "NOW-1", "Named"), fixed, listing("12", "DUP", "First"), listing("40", "DUP-40", "Second"))
	if c.Failed != 0 || c.New != 4 {
		t.Fatalf("after fixes: %+v", c)
	}
	// A new listing reusing a stored listing's SKU fails and names both.
	runID, c = im.run(ch, listing("77", "DUP", "Copy"))
	fs, _ = im.st.RunFailures(context.Background(), runID, 0, 0)
	if c.Failed != 1 || len(fs) != 1 || !strings.Contains(fs[0].Cause, "listings 12 and 77") {
		t.Fatalf("clash with a stored listing: %+v %+v", c, fs)
	}
}

func TestResyncIsIdempotentAndCountsChanges(t *testing.T) {
	im := newImporter(t)
	im.item("Red mug", "SKU-1", true)
	ch := im.channel("shop")
	ls := []channel.Listing{listing("1", "SKU-1", "Red"), listing("2", "N-2", "New"), listing("3", "N-3", "Newer")}
	_, first := im.run(ch, ls...)
	if first.New != 3 || first.Synced != 1 || first.NewUnconfirmed != 2 {
		t.Fatalf("first: %+v", first)
	}
	_, again := im.run(ch, ls...)
	if again.New != 0 || again.Unchanged != 3 || again.Updated != 0 || again.Synced != 1 || again.NewUnconfirmed != 0 {
		t.Fatalf("unchanged re-sync: %+v", again)
	}
	ls[1].Price = "10.00"
	_, changed := im.run(ch, ls...)
	if changed.Updated != 1 || changed.Unchanged != 2 {
		t.Fatalf("one changed: %+v", changed)
	}
	var n, links int
	im.st.DB.Get(&n, `SELECT count(*) FROM channel_items`)
	im.st.DB.Get(&links, `SELECT count(*) FROM channel_items WHERE item_id IS NOT NULL`)
	if n != 3 || links != 1 {
		t.Fatalf("%d listings and %d links after three syncs, want 3 and 1", n, links)
	}
	// An item created later links an unconfirmed listing on the next sync.
	late := im.item("Newer", "", true)
	im.run(ch, ls...)
	if item, source := im.link(ch, "3"); item != late || source != "name" {
		t.Fatalf("late item: linked to %d by %q", item, source)
	}
	// A listing a person unlinked is not linked again by a sync.
	im.st.DB.MustExec(`UPDATE channel_items SET item_id = NULL, link_source = NULL, auto_link_blocked = true WHERE external_id = '1'`)
	im.run(ch, ls...)
	if item, _ := im.link(ch, "1"); item != 0 {
		t.Fatalf("an unlinked listing was linked again to %d", item)
	}
}

func TestUnchangedUnconfirmedListingsAreMatchedAgainOnlyWhenAsked(t *testing.T) {
	im := newImporter(t)
	ch := im.channel("shop")
	im.run(ch, listing("1", "", "Oak Shelf"))
	late := im.item("Oak Shelf", "", true)
	ctx := context.Background()
	runID, _ := im.st.StartRun(ctx, ch, "catalogue", "manual", 0)
	rows, _ := catalogue.Prepare([]channel.Listing{listing("1", "", "Oak Shelf")})
	if _, err := im.st.ImportListings(ctx, store.ImportBatch{ChannelID: ch, RunID: runID, Rows: rows}); err != nil {
		t.Fatal(err)
	}
	if item, _ := im.link(ch, "1"); item != 0 {
		t.Fatalf("matched again without being asked: %d", item)
	}
	if changed, err := im.st.ItemsChangedSince(ctx, time.Now().Add(-time.Minute)); err != nil || !changed {
		t.Fatalf("a new item is not seen as a change: %v %v", changed, err)
	}
	im.run(ch, listing("1", "", "Oak Shelf"))
	if item, _ := im.link(ch, "1"); item != late {
		t.Fatalf("not matched when asked: %d", item)
	}
}

func TestAWrongNewHintIsCaughtAndTheBatchImportedAnyway(t *testing.T) {
	im := newImporter(t)
	red := im.item("Red mug", "SKU-1", true)
	ch := im.channel("shop")
	im.run(ch, listing("1", "SKU-1", "Red"), listing("2", "N-2", "Plate"))
	// An importer whose view went stale vouches for a stored listing.
	im.vouch = true
	changed := listing("2", "N-2", "Plate, renamed")
	_, c := im.run(ch, listing("1", "SKU-1", "Red"), changed, listing("3", "N-3", "Bowl"))
	if c.New != 1 || c.Updated != 1 || c.Unchanged != 1 || c.Synced != 1 {
		t.Fatalf("counts %+v", c)
	}
	var n int
	im.st.DB.Get(&n, `SELECT count(*) FROM channel_items WHERE channel_id = $1`, ch)
	if item, _ := im.link(ch, "1"); n != 3 || item != red {
		t.Fatalf("%d listings, listing 1 linked to %d", n, item)
	}
}

func TestListingKeysAgreeWithTheDatabase(t *testing.T) {
	st := testdb.New(t)
	for _, id := range []string{"1", "gid://shopify/ProductVariant/44", "wc-17-3", "ünïcødé ✓", strings.Repeat("x", 300)} {
		var sqlKey int64
		if err := st.DB.Get(&sqlKey, `SELECT ('x' || left(md5($1), 16))::bit(64)::bigint`, id); err != nil {
			t.Fatal(err)
		}
		if got := catalogue.ListingKey(id); got != sqlKey {
			t.Errorf("key of %q: Go %d, SQL %d", id, got, sqlKey)
		}
	}
}

func TestListingStatesTellLinkedAndUnlinkedListings(t *testing.T) {
	im := newImporter(t)
	im.item("Red mug", "SKU-1", true)
	ch := im.channel("shop")
	im.run(ch, listing("1", "SKU-1", "Red"), listing("2", "N-2", "Plate"), listing("3", "N-3", "Bowl"))
	im.st.DB.MustExec(`UPDATE channel_items SET auto_link_blocked = true WHERE external_id = '3'`)
	states, err := im.st.ListingStates(context.Background(), ch)
	if err != nil || states.Len() != 3 {
		t.Fatalf("%d states, %v", states.Len(), err)
	}
	rows, _ := catalogue.Prepare([]channel.Listing{listing("1", "SKU-1", "Red"), listing("2", "N-2", "Plate"), listing("3", "N-3", "Bowl")})
	want := map[int64]int64{
		rows[0].Key: rows[0].Fingerprint | store.ListingLinked,
		rows[1].Key: rows[1].Fingerprint,
		rows[2].Key: rows[2].Fingerprint | store.ListingBlocked,
	}
	for i := range states.Len() {
		key, state := states.At(i)
		if want[key] != state {
			t.Errorf("listing key %d: state %b, want %b", key, state, want[key])
		}
	}
}

func TestLinksStayValidWithoutForeignKeys(t *testing.T) {
	im := newImporter(t)
	red := im.item("Red mug", "SKU-1", true)
	ch := im.channel("shop")
	im.run(ch, listing("1", "SKU-1", "Red"), listing("2", "N-2", "Plate"))
	for _, tc := range []struct{ what, sql string }{
		{"deleting a linked item", `DELETE FROM items WHERE id = ` + fmt.Sprint(red)},
		{"deleting a channel with listings", `DELETE FROM channels WHERE id = ` + fmt.Sprint(ch)},
		{"linking to an item that does not exist", `UPDATE channel_items SET item_id = 999999 WHERE external_id = '2'`},
	} {
		var pqErr *pq.Error
		if _, err := im.st.DB.Exec(tc.sql); !errors.As(err, &pqErr) || pqErr.Code != "23503" || !strings.Contains(pqErr.Message, "channel item") {
			t.Errorf("%s: got %v, want the channel items' foreign key violation", tc.what, err)
		}
	}
	other := im.item("Blue mug", "SKU-2", true)
	if _, err := im.st.DB.Exec(`UPDATE channel_items SET item_id = $1 WHERE external_id = '2'`, other); err != nil {
		t.Fatalf("linking to an existing item: %v", err)
	}
}

func TestChannelsKeepTheirListingCountsExact(t *testing.T) {
	im := newImporter(t)
	ch, other := im.channel("shop"), im.channel("other")
	check := func(when string) {
		t.Helper()
		for _, id := range []int64{ch, other} {
			c, err := im.st.Channel(context.Background(), id)
			if err != nil {
				t.Fatal(err)
			}
			var listings, unconfirmed int
			im.st.DB.Get(&listings, `SELECT count(*) FROM channel_items WHERE channel_id = $1`, id)
			im.st.DB.Get(&unconfirmed, `SELECT count(*) FROM channel_items WHERE channel_id = $1 AND item_id IS NULL`, id)
			if c.Listings != listings || c.Unconfirmed != unconfirmed {
				t.Fatalf("%s: channel %d shows %d listings, %d unconfirmed; has %d, %d", when, id, c.Listings, c.Unconfirmed, listings, unconfirmed)
			}
		}
	}
	im.item("Red mug", "SKU-1", true)
	ls := []channel.Listing{listing("1", "SKU-1", "Red"), listing("2", "N-2", "Plate"), listing("3", "N-3", "Bowl")}
	im.vouch = true
	im.run(ch, ls...)
	im.run(other, listing("9", "SKU-1", "Red"))
	check("first imports")
	im.vouch = false
	ls[1].Price = "11.00"
	im.run(ch, ls...)
	check("an update")
	im.item("Bowl", "", true)
	im.run(ch, ls...)
	check("a rematch links one")
	im.st.DB.MustExec(`UPDATE channel_items SET item_id = NULL, auto_link_blocked = true WHERE external_id IN ('1', '9')`)
	check("a person unlinks")
	im.st.DB.MustExec(`DELETE FROM channel_items WHERE external_id = '2'`)
	check("a delete")
	if c, _ := im.st.Channel(context.Background(), ch); c.Listings != 2 || c.Unconfirmed != 1 {
		t.Fatalf("ends with %d listings, %d unconfirmed; want 2, 1", c.Listings, c.Unconfirmed)
	}
}

func TestVouchedListingsAreStoredExactlyAsLookedUpOnes(t *testing.T) {
	im := newImporter(t)
	q0, qNeg := 0, -5
	updated := time.Date(2026, 3, 4, 5, 6, 7, 891234567, time.UTC)
	ls := []channel.Listing{
		{ExternalID: `q"uote`, SKU: `S"1`, Name: `say "hi"`, Price: "0.1234", Quantity: &q0, UpdatedAt: updated,
			URL: "https://shop.example/products/say-hi", Raw: []byte(`{"sku":"S\"1","title":"say \"hi\" \\ {a,b}"}`)},
		{ExternalID: `back\slash`, SKU: `S\2`, Name: `C:\path\`, ProductID: `p\"`, InventoryRef: `\\`,
			UpdatedAt: time.Date(1999, 12, 31, 23, 59, 58, 250_000_000, time.FixedZone("", 5*3600))}, // before the binary epoch
		{ExternalID: "{braces},commas", SKU: "{a,b}", Name: "a, b {c}", Price: "12", Quantity: &qNeg},
		{ExternalID: "NULL", SKU: "NULL", Name: "NULL", ProductID: "NULL", InventoryRef: "NULL"},
		{ExternalID: "ünï ✓ 🧪", Name: "line one\nline two\ttab", ProductID: " padded "},
	}
	slow, fast := im.channel("looked up"), im.channel("vouched")
	im.run(slow, ls...)
	im.vouch = true
	_, c := im.run(fast, ls...)
	if c.New != len(ls) || c.Failed != 0 {
		t.Fatalf("vouched import: %+v", c)
	}
	type stored struct {
		ExternalID   string     `db:"external_id"`
		ProductID    string     `db:"product_id"`
		SKU          string     `db:"sku"`
		Name         string     `db:"name"`
		Price        *string    `db:"price"`
		Quantity     *int       `db:"quantity"`
		InventoryRef string     `db:"inventory_ref"`
		Updated      *time.Time `db:"channel_updated_at"`
		Key          int64      `db:"listing_key"`
		Fingerprint  *int64     `db:"fingerprint"`
		URL          *string    `db:"url"`
		Raw          *string    `db:"raw"`
	}
	read := func(ch int64) []stored {
		var out []stored
		if err := im.st.DB.Select(&out, `SELECT external_id, product_id, sku, name, price::text AS price, quantity, inventory_ref,
			channel_updated_at, listing_key, fingerprint, url, raw FROM channel_items WHERE channel_id = $1 ORDER BY external_id`, ch); err != nil {
			t.Fatal(err)
		}
		return out
	}
	want, got := read(slow), read(fast)
	for _, r := range got {
		if r.ExternalID == ls[0].ExternalID && (r.Raw == nil || *r.Raw != string(ls[0].Raw) || r.URL == nil) {
			t.Fatalf("raw record or address not kept: %+v", r)
		}
	}
	if len(got) != len(ls) || !reflect.DeepEqual(got, want) {
		t.Fatalf("vouched listings stored as\n%+v\nlooked-up ones as\n%+v", got, want)
	}
	for _, r := range got {
		if r.Key != catalogue.ListingKey(r.ExternalID) || r.Fingerprint == nil {
			t.Errorf("listing %q: key %d, fingerprint %v", r.ExternalID, r.Key, r.Fingerprint)
		}
	}
}
