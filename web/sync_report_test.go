package web_test

import (
	"context"
	"encoding/csv"
	"strings"
	"testing"
	"time"

	"stocksync/internal/auth"
	"stocksync/internal/catalogue"
	"stocksync/internal/channel"
	"stocksync/internal/store"
	"stocksync/internal/testkit/webtest"
)

// The failures CSV opens in Excel with its accents intact (a UTF-8
// byte-order mark), has a SKU column, and still neutralises formulas in
// every cell a channel wrote.
func TestFailuresCSVHasSKUColumnAndByteOrderMark(t *testing.T) {
	s := webtest.NewServer(t)
	c, _ := s.SignedIn(t, auth.RoleStaff)
	ctx := context.Background()
	chID, err := s.Store.CreateChannel(ctx, store.NewChannel{Kind: "shopify", Name: "Boutique Zoé", Credentials: []byte{1}, SyncInterval: time.Hour})
	if err != nil {
		t.Fatal(err)
	}
	runID, err := s.Store.StartRun(ctx, chID, "full_catalogue", "manual", 1)
	if err != nil {
		t.Fatal(err)
	}
	rows, failures := catalogue.Prepare([]channel.Listing{
		{ExternalID: "1", SKU: " CAFÉ-1 ", Name: "Café crème", Price: "douze"},
		{ExternalID: "2", SKU: "=HYPERLINK(\"x\")", Name: "Trap", Price: "-1"},
		// Both listings of a SKU met twice in one batch fail, from the
		// store's duplicate check rather than from Prepare.
		{ExternalID: "3", SKU: "DUP-1", Name: "Thé vert", Price: "3"},
		{ExternalID: "4", SKU: "DUP-1", Name: "Thé noir", Price: "3"},
	})
	if _, err := s.Store.ImportListings(ctx, store.ImportBatch{ChannelID: chID, RunID: runID, Pages: 1, Rows: rows, Failures: failures}); err != nil {
		t.Fatal(err)
	}
	r := c.Get("/sync-history/" + itoa(runID) + "/failures.csv")
	if r.Status != 200 {
		t.Fatalf("csv: %d", r.Status)
	}
	body, ok := strings.CutPrefix(r.Body, "\ufeff")
	if !ok {
		t.Fatalf("no UTF-8 byte-order mark: %q", r.Body[:min(len(r.Body), 20)])
	}
	recs, err := csv.NewReader(strings.NewReader(body)).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	if strings.Join(recs[0], ",") != "run,channel,record,sku,listing id,cause" {
		t.Fatalf("header %q", recs[0])
	}
	bySKU := map[string][]string{}
	for _, rec := range recs[1:] {
		bySKU[rec[3]] = rec
	}
	if len(recs) != 5 || bySKU["CAFÉ-1"] == nil || bySKU["DUP-1"] == nil || bySKU[`'=HYPERLINK("x")`] == nil {
		t.Fatalf("rows by SKU: %q", recs[1:])
	}
	if got := bySKU["CAFÉ-1"]; got[1] != "Boutique Zoé" || got[2] != "Café crème (CAFÉ-1)" || got[4] != "1" {
		t.Errorf("accented row: %q", got)
	}
	if got := bySKU["DUP-1"]; got[2] != "Thé noir (DUP-1)" || !strings.Contains(got[5], "appears twice") {
		t.Errorf("duplicate-SKU row: %q", got)
	}
	if strings.Contains(body, ",=") {
		t.Errorf("a formula cell was not neutralised:\n%s", body)
	}
}
