package store_test

import (
	"fmt"
	"testing"

	"stocksync/internal/catalogue"
	"stocksync/internal/channel"
	"stocksync/internal/store"
)

func (f *settleFixture) pricedItem(name, sku, price string) int64 {
	f.t.Helper()
	var id int64
	if err := f.st.DB.Get(&id, `INSERT INTO items (name, sku, selling_price) VALUES ($1, $2, $3) RETURNING id`, name, sku, price); err != nil {
		f.t.Fatal(err)
	}
	return id
}

func (f *settleFixture) deactivate(ids ...int64) {
	for _, id := range ids {
		f.st.DB.MustExec(`UPDATE items SET active = false WHERE id = $1`, id)
	}
}

func (f *settleFixture) similarity(a, b string) float64 {
	f.t.Helper()
	var s float64
	if err := f.st.DB.Get(&s, `SELECT similarity($1, $2)`, a, b); err != nil {
		f.t.Fatal(err)
	}
	return s
}

func (f *settleFixture) suggestions(listingID int64) []catalogue.Suggestion {
	f.t.Helper()
	got, err := f.st.Suggestions(f.t.Context(), listingID)
	if err != nil {
		f.t.Fatal(err)
	}
	return got
}

type want struct {
	item   int64
	reason catalogue.Reason
	why    string
}

func expect(t *testing.T, got []catalogue.Suggestion, wants ...want) {
	t.Helper()
	if len(got) != len(wants) {
		t.Fatalf("%d suggestions, want %d: %+v", len(got), len(wants), got)
	}
	for i, w := range wants {
		if got[i].ItemID != w.item || got[i].Reason != w.reason || got[i].Why() != w.why {
			t.Fatalf("suggestion %d: item %d, %d %q; want item %d, %d %q (all: %+v)", i, got[i].ItemID, got[i].Reason, got[i].Why(),
				w.item, w.reason, w.why, got)
		}
	}
}

func pct(s float64) string { return catalogue.Percent(s) }

// Each reason on its own, and the ranking SKU > name > same price and
// similar name > very similar name, with inactive items never suggested.
func TestSuggestionsRankEachReason(t *testing.T) {
	f := newSettleFixture(t, channel.Listing{ExternalID: "1", SKU: "mug 7/b", Name: "Green Mug Large", Price: "12.50"})
	id := f.listingID("1")
	if got := f.suggestions(id); len(got) != 0 {
		t.Fatalf("suggestions without items: %+v", got)
	}
	bySKU := f.pricedItem("Something else entirely", "MUG-7B", "99.00")
	byName := f.pricedItem("green  mug   LARGE", "", "40.00")
	priceClose := f.pricedItem("Green Mug Large Blue", "GM-LB", "12.50")
	priceFar := f.pricedItem("Green Mug", "GM", "12.50")
	alike := f.pricedItem("Green Mug Larger", "GM-LR", "30.00")
	f.pricedItem("Blue teapot", "TEA-1", "12.50") // same price, a name unlike
	inactiveSKU := f.pricedItem("Old mug", "mug-7-b", "12.50")
	inactiveName := f.pricedItem("GREEN MUG LARGE", "", "12.50")
	f.deactivate(inactiveSKU, inactiveName)

	const skuWhy, nameWhy = "same SKU apart from case, spaces or punctuation", "same name apart from case and spacing"
	closeWhy := "same price and similar name (names " + pct(f.similarity("Green Mug Large Blue", "Green Mug Large")) + " alike)"
	farWhy := "same price and similar name (names " + pct(f.similarity("Green Mug", "Green Mug Large")) + " alike)"
	alikeWhy := "very similar name (names " + pct(f.similarity("Green Mug Larger", "Green Mug Large")) + " alike)"
	if f.similarity("Green Mug Larger", "Green Mug Large") <= f.similarity("Green Mug", "Green Mug Large") {
		t.Fatal("fixture: the very similar name must be more alike than the same-price one, to show the price outranks it")
	}
	expect(t, f.suggestions(id), want{bySKU, catalogue.SameSKU, skuWhy}, want{byName, catalogue.SameName, nameWhy},
		want{priceClose, catalogue.SamePriceSimilarName, closeWhy})

	f.deactivate(bySKU)
	expect(t, f.suggestions(id), want{byName, catalogue.SameName, nameWhy},
		want{priceClose, catalogue.SamePriceSimilarName, closeWhy}, want{priceFar, catalogue.SamePriceSimilarName, farWhy})

	// the same price outranks a more alike name
	f.deactivate(byName, priceClose)
	expect(t, f.suggestions(id), want{priceFar, catalogue.SamePriceSimilarName, farWhy}, want{alike, catalogue.SimilarName, alikeWhy})

	f.deactivate(priceFar)
	expect(t, f.suggestions(id), want{alike, catalogue.SimilarName, alikeWhy})

	// a settled listing has none
	f.st.DB.MustExec(`UPDATE items SET active = true WHERE id = $1`, bySKU)
	if err := f.st.LinkListing(t.Context(), id, bySKU, f.user); err != nil {
		t.Fatal(err)
	}
	if got := f.suggestions(id); len(got) != 0 {
		t.Fatalf("suggestions for a linked listing: %+v", got)
	}
}

// A name only somewhat alike counts with the same price, not alone.
func TestSuggestionsSimilarNameNeedsAHighScoreWithoutThePrice(t *testing.T) {
	f := newSettleFixture(t, channel.Listing{ExternalID: "1", Name: "Walnut Desk Organiser", Price: "25.00"})
	id := f.listingID("1")
	somewhat := f.pricedItem("Walnut Desk", "WD", "31.00")
	s := f.similarity("Walnut Desk", "Walnut Desk Organiser")
	if s < catalogue.SimilarNameMin || s >= catalogue.VerySimilarName {
		t.Fatalf("fixture: similarity %.2f is not between the thresholds", s)
	}
	if got := f.suggestions(id); len(got) != 0 {
		t.Fatalf("a somewhat alike name at another price was suggested: %+v", got)
	}
	f.st.DB.MustExec(`UPDATE items SET selling_price = 25 WHERE id = $1`, somewhat)
	expect(t, f.suggestions(id), want{somewhat, catalogue.SamePriceSimilarName, "same price and similar name (names " + pct(s) + " alike)"})
}

// The bulk preview: each unconfirmed listing of a selection with its top
// suggestion or none, settled ones left out, in two statements.
func TestTopSuggestionsForASelection(t *testing.T) {
	var listings []channel.Listing
	for i := 0; i < 30; i++ {
		listings = append(listings, channel.Listing{ExternalID: fmt.Sprint(i), SKU: fmt.Sprintf("cup %d", i), Name: fmt.Sprintf("Cup number %d", i), Price: "5.00"})
	}
	listings = append(listings,
		channel.Listing{ExternalID: "alike", Name: "Porcelain Teapot Large", Price: "40.00"},
		channel.Listing{ExternalID: "none", SKU: "ZZZ", Name: "Quite unlike anything", Price: "1.00"},
		channel.Listing{ExternalID: "linked", SKU: "LNK", Name: "Linked one", Price: "1.00"},
	)
	f := newSettleFixture(t, listings...)
	ctx := t.Context()
	cups := map[int64]int64{}
	for i := 0; i < 30; i++ {
		cups[f.listingID(fmt.Sprint(i))] = f.pricedItem(fmt.Sprintf("Mug %d", i), fmt.Sprintf("CUP-%d", i), "9.00")
	}
	teapot := f.pricedItem("Porcelain Teapot Larger", "TP-L", "55.00")
	other := f.pricedItem("Other", "OTHER", "1.00")
	if err := f.st.LinkListing(ctx, f.listingID("linked"), other, f.user); err != nil {
		t.Fatal(err)
	}
	ids, more, err := f.st.SelectUnconfirmed(ctx, store.ListingSelection{All: true, ChannelID: f.ch}, 100)
	if err != nil || more || len(ids) != 32 {
		t.Fatalf("select all unconfirmed: %d ids, more %v, %v", len(ids), more, err)
	}
	ids = append(ids, f.listingID("linked"))
	rows, err := f.st.TopSuggestions(ctx, ids)
	if err != nil {
		t.Fatal(err)
	}
	if len(rows) != 32 {
		t.Fatalf("%d rows, want the 32 unconfirmed", len(rows))
	}
	for _, r := range rows {
		switch {
		case cups[r.ListingID] != 0:
			if r.Top == nil || r.Top.ItemID != cups[r.ListingID] || r.Top.Reason != catalogue.SameSKU {
				t.Fatalf("listing %s: top %+v", r.ExternalID, r.Top)
			}
		case r.ExternalID == "alike":
			if r.Top == nil || r.Top.ItemID != teapot || r.Top.Reason != catalogue.SimilarName || r.Top.ItemName != "Porcelain Teapot Larger" {
				t.Fatalf("very similar name: %+v", r.Top)
			}
		case r.ExternalID == "none":
			if r.Top != nil {
				t.Fatalf("a suggestion for a listing like nothing: %+v", r.Top)
			}
		default:
			t.Fatalf("unexpected row %+v", r)
		}
		if r.ChannelName != "Main shop" {
			t.Fatalf("channel name %q", r.ChannelName)
		}
	}
	// a capped selection says there is more; the filter's search narrows it
	if ids, more, _ := f.st.SelectUnconfirmed(ctx, store.ListingSelection{All: true}, 10); len(ids) != 10 || !more {
		t.Fatalf("capped: %d, more %v", len(ids), more)
	}
	if ids, _, _ := f.st.SelectUnconfirmed(ctx, store.ListingSelection{All: true, Q: "teapot"}, 10); len(ids) != 1 || ids[0] != f.listingID("alike") {
		t.Fatalf("search: %v", ids)
	}
	picked := []int64{f.listingID("none"), f.listingID("linked")}
	if ids, _, _ := f.st.SelectUnconfirmed(ctx, store.ListingSelection{IDs: picked}, 10); len(ids) != 1 || ids[0] != picked[0] {
		t.Fatalf("by ids: %v", ids)
	}
}
