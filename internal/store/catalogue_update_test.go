package store_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"stocksync/internal/catalogue"
	"stocksync/internal/channel"
)

// storedListing is what a test reads back of one stored listing.
type storedListing struct {
	ID          int64      `db:"id"`
	Price       string     `db:"price"`
	Quantity    *int       `db:"quantity"`
	Updated     *time.Time `db:"channel_updated_at"`
	Fingerprint int64      `db:"fingerprint"`
	ItemID      *int64     `db:"item_id"`
	Source      *string    `db:"link_source"`
	WrittenAt   time.Time  `db:"updated_at"`
}

func (im *importer) stored(channelID int64, externalID string) storedListing {
	im.t.Helper()
	var l storedListing
	if err := im.st.DB.Get(&l, `SELECT id, price::text AS price, quantity, channel_updated_at, fingerprint, item_id,
		link_source, updated_at FROM channel_items WHERE channel_id = $1 AND external_id = $2`, channelID, externalID); err != nil {
		im.t.Fatalf("listing %s: %v", externalID, err)
	}
	return l
}

func fingerprintOf(l channel.Listing) int64 {
	rows, _ := catalogue.Prepare([]channel.Listing{l})
	return rows[0].Fingerprint
}

func TestAStockAndPriceChangeRewritesTheListingAndKeepsItsLink(t *testing.T) {
	im := newImporter(t)
	im.itemsUnchanged = true
	red := im.item("Red mug", "SKU-1", true)
	ch := im.channel("shop")
	q := 3
	linked, unconfirmed := listing("1", "SKU-1", "Red"), listing("2", "N-2", "Plate")
	linked.Quantity, unconfirmed.Quantity = &q, &q
	im.run(ch, linked, unconfirmed)
	before := im.stored(ch, "1")

	q2, at := 7, time.Date(2026, 11, 2, 3, 4, 5, 0, time.UTC)
	linked.Price, linked.Quantity, linked.UpdatedAt = "11.25", &q2, at
	unconfirmed.Price = "4.00"
	_, c := im.run(ch, linked, unconfirmed)
	if c.Updated != 2 || c.Unchanged != 0 || c.New != 0 || c.Failed != 0 || c.Synced != 1 || c.NewUnconfirmed != 0 {
		t.Fatalf("counts %+v", c)
	}
	after := im.stored(ch, "1")
	if after.ID != before.ID || after.Price != "11.2500" || after.Quantity == nil || *after.Quantity != 7 ||
		after.Updated == nil || !after.Updated.Equal(at) || !after.WrittenAt.After(before.WrittenAt) {
		t.Fatalf("listing 1 after the change: %+v (before %+v)", after, before)
	}
	if after.Fingerprint != fingerprintOf(linked) {
		t.Fatalf("fingerprint %d, want the changed listing's %d", after.Fingerprint, fingerprintOf(linked))
	}
	if after.ItemID == nil || *after.ItemID != red || *after.Source != "sku" {
		t.Fatalf("listing 1 lost its link: %+v", after)
	}
	if l := im.stored(ch, "2"); l.Price != "4.0000" || l.ItemID != nil || l.Fingerprint != fingerprintOf(unconfirmed) {
		t.Fatalf("listing 2 after the change: %+v", l)
	}
	var listings, unconfirmedCount int
	im.st.DB.QueryRow(`SELECT listings, unconfirmed FROM channels WHERE id = $1`, ch).Scan(&listings, &unconfirmedCount)
	if listings != 2 || unconfirmedCount != 1 {
		t.Fatalf("channel counts %d listings, %d unconfirmed; want 2 and 1", listings, unconfirmedCount)
	}

	// The same sync again changes nothing.
	_, again := im.run(ch, linked, unconfirmed)
	if again.Unchanged != 2 || again.Updated != 0 || again.Synced != 1 {
		t.Fatalf("the same sync again: %+v", again)
	}
	if l := im.stored(ch, "1"); !l.WrittenAt.Equal(after.WrittenAt) {
		t.Fatalf("an unchanged listing was rewritten at %v", l.WrittenAt)
	}
}

func TestASKUOrNameChangeStillLinksAndChecksForDuplicates(t *testing.T) {
	im := newImporter(t)
	im.itemsUnchanged = true
	red := im.item("Red mug", "SKU-1", true)
	oak := im.item("Oak shelf", "", true)
	ch := im.channel("shop")
	im.run(ch, listing("1", "OLD-1", "Thing"), listing("2", "N-2", "Plate"), listing("3", "N-3", "Bowl"),
		listing("4", "", "Oak"))

	// Only the changed listings, as the sync's importer sends them.
	sku, dup, renamed := listing("1", "SKU-1", "Thing"), listing("2", "N-3", "Plate"), listing("4", "", "Oak shelf")
	for _, l := range []*channel.Listing{&sku, &dup, &renamed} {
		l.Price = "1.00"
	}
	runID, c := im.run(ch, sku, dup, renamed)
	if c.Updated != 2 || c.Failed != 1 || c.Synced != 2 {
		t.Fatalf("counts %+v", c)
	}
	if item, source := im.link(ch, "1"); item != red || source != "sku" {
		t.Fatalf("a listing given an item's SKU linked to %d by %q", item, source)
	}
	if item, source := im.link(ch, "4"); item != oak || source != "name" {
		t.Fatalf("a listing given an item's name linked to %d by %q", item, source)
	}
	fs, _ := im.st.RunFailures(context.Background(), runID, 0, 0)
	if len(fs) != 1 || fs[0].ExternalID != "2" || !strings.Contains(fs[0].Cause, "listings 2 and 3") {
		t.Fatalf("a SKU taken from a stored listing: %+v", fs)
	}
	if l := im.stored(ch, "2"); l.Price != "9.5000" {
		t.Fatalf("the refused listing was written: %+v", l)
	}
}

// A stored listing that only changed price still holds its SKU: a new
// listing claiming it in the same batch fails alone, as it would had the
// stored one not changed.
func TestAStoredListingKeepsItsSKUWhenOnlyItsPriceChanged(t *testing.T) {
	im := newImporter(t)
	im.itemsUnchanged = true
	ch := im.channel("shop")
	im.run(ch, listing("1", "S-1", "Mug"))
	repriced := listing("1", "S-1", "Mug")
	repriced.Price = "12.00"
	runID, c := im.run(ch, repriced, listing("2", "S-1", "Copy"))
	fs, _ := im.st.RunFailures(context.Background(), runID, 0, 0)
	if c.Updated != 1 || c.Failed != 1 || len(fs) != 1 || fs[0].ExternalID != "2" {
		t.Fatalf("counts %+v, failures %+v", c, fs)
	}
	if l := im.stored(ch, "1"); l.Price != "12.0000" {
		t.Fatalf("the repriced listing was not written: %+v", l)
	}
}

// When items changed since the last sync, an unconfirmed listing whose
// price changed looks for a match as before.
func TestAChangedUnconfirmedListingLooksForANewItem(t *testing.T) {
	im := newImporter(t)
	ch := im.channel("shop")
	im.run(ch, listing("1", "", "Oak shelf"))
	oak := im.item("Oak shelf", "", true)
	changed := listing("1", "", "Oak shelf")
	changed.Price = "20.00"
	_, c := im.run(ch, changed)
	if item, source := im.link(ch, "1"); item != oak || source != "name" || c.Updated != 1 || c.Synced != 1 {
		t.Fatalf("linked to %d by %q, counts %+v", item, source, c)
	}
}
