package sandbox

import (
	"io"
	"log/slog"
	"testing"

	"stocksync/internal/auth"
	"stocksync/internal/catalogue"
	"stocksync/internal/channel"
	"stocksync/internal/store"
	"stocksync/internal/testkit/testdb"
)

// The sandbox Shopify brings unconfirmed listings that resemble demo items,
// so `make run` shows a suggestion of every reason.
func TestSandboxListingsHaveSuggestionsOfEveryReason(t *testing.T) {
	st := testdb.New(t)
	ctx := t.Context()
	if _, err := st.CreateUser(ctx, "admin@example.com", auth.RoleAdmin, "x"); err != nil {
		t.Fatal(err)
	}
	if err := SeedDemoItems(ctx, st, slog.New(slog.NewTextHandler(io.Discard, nil))); err != nil {
		t.Fatal(err)
	}
	ch, err := st.CreateChannel(ctx, store.NewChannel{Kind: "shopify", Name: "Sandbox Shopify", Credentials: []byte{1}})
	if err != nil {
		t.Fatal(err)
	}
	var listings []channel.Listing
	for i, l := range shopifyCatalogue(DemoItems()) {
		listings = append(listings, channel.Listing{ExternalID: string(rune('A'+i/26)) + string(rune('a'+i%26)), SKU: l.SKU, Name: l.ProductTitle, Price: l.Price})
	}
	runID, _ := st.StartRun(ctx, ch, "catalogue", "manual", 0)
	rows, failures := catalogue.Prepare(listings)
	if _, err := st.ImportListings(ctx, store.ImportBatch{ChannelID: ch, RunID: runID, Rows: rows, Failures: failures, Rematch: true}); err != nil {
		t.Fatal(err)
	}
	ids, _, err := st.SelectUnconfirmed(ctx, store.ListingSelection{All: true}, 1000)
	if err != nil {
		t.Fatal(err)
	}
	tops, err := st.TopSuggestions(ctx, ids)
	if err != nil {
		t.Fatal(err)
	}
	reasons := map[catalogue.Reason]int{}
	for _, r := range tops {
		if r.Top != nil {
			reasons[r.Top.Reason]++
		}
	}
	for _, r := range []catalogue.Reason{catalogue.SameSKU, catalogue.SameName, catalogue.SamePriceSimilarName, catalogue.SimilarName} {
		if reasons[r] < 3 {
			t.Errorf("reason %d: %d listings, want at least 3 (all: %v)", r, reasons[r], reasons)
		}
	}
}
