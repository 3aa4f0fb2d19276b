package amazon

import (
	"context"
	"strings"
	"testing"
	"time"

	"stocksync/internal/channel"
	"stocksync/internal/channel/amazon/fake"
	"stocksync/internal/channel/internal/testkit"
)

func TestFullCatalogueComesFromTheListingsReport(t *testing.T) {
	ts := newTestSeller(t, func(o *fake.Options) { o.GzipReports = true; o.ReportDelay = 3 * time.Minute })
	ts.fake.Generate(2500, 7)
	var got []channel.Listing
	chunks := 0
	err := ts.client.FetchAllListings(context.Background(), 1000, func(ls []channel.Listing) error {
		chunks++
		got = append(got, ls...)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 2500 || chunks != 3 {
		t.Fatalf("%d listings in %d chunks, want 2500 in 3", len(got), chunks)
	}
	fba, problems := 0, 0
	for _, l := range got {
		if l.Quantity == nil {
			fba++
		}
		if l.Problem != "" {
			problems++
		}
		if !strings.HasPrefix(l.ExternalID, fake.DefaultMarketplace+"/") || l.InventoryRef != l.ExternalID || l.Name == "" || l.Price == "" {
			t.Fatalf("listing %+v", l)
		}
	}
	if fba != 250 || problems != 0 {
		t.Fatalf("%d without quantity (want the 250 FBA), %d problems", fba, problems)
	}
	for _, op := range []string{"searchListingsItems"} {
		if n := ts.fake.CallCount(op); n != 0 {
			t.Fatalf("%s called %d times", op, n)
		}
	}
	if ts.fake.CallCount("createReport") != 1 || ts.fake.CallCount("getReportDocument") != 1 || ts.fake.CallCount("downloadDocument") != 1 ||
		ts.fake.CallCount("getReport") < 2 {
		t.Fatalf("calls: %+v", ts.fake.Calls())
	}
}

func TestSearchWalksPastTheThousandSKUCap(t *testing.T) {
	ts := newTestSeller(t)
	ts.fake.Generate(2300, 3)
	all, pages := testkit.FetchAll(t, ts.client, time.Time{})
	unique := map[string]bool{}
	for _, l := range all {
		unique[l.ExternalID] = true
	}
	if len(unique) != 2300 {
		t.Fatalf("%d distinct listings over %d pages, want 2300", len(unique), pages)
	}
	for _, c := range ts.fake.Calls() {
		if c.Operation == "searchListingsItems" && !strings.Contains(c.Query, "sortBy=lastUpdatedDate") {
			t.Fatalf("search not sorted by last update: %s", c.Query)
		}
	}
}

func TestIncrementalSearchReturnsOnlyChangedListings(t *testing.T) {
	ts := newTestSeller(t)
	ts.fake.Generate(300, 1)
	since := ts.clock.Now()
	ts.clock.Advance(time.Minute)
	ls := ts.fake.Listings()
	for _, l := range ls[:3] {
		ts.fake.Edit(l.Marketplace, l.SKU, func(x *fake.Listing) { x.Price = "1.00" })
	}
	got, _ := testkit.FetchAll(t, ts.client, since)
	if len(got) != 3 {
		t.Fatalf("%d listings, want the 3 edited", len(got))
	}
	for _, l := range got {
		if l.Price != "1.00" {
			t.Fatalf("listing %+v", l)
		}
	}
}

func TestMalformedAndBrokenItemsAreNamedProblems(t *testing.T) {
	ts := newTestSeller(t)
	ts.fake.SetListings([]fake.Listing{
		{SKU: "GOOD-1", Name: "Good", Price: "5.00", Quantity: 3},
		{SKU: "BAD-QTY", Name: "Bad quantity", Price: "5.00", BadQuantity: "lots"},
		{SKU: "BROKEN", Name: "Broken", Price: "5.00", Malformed: true},
		{SKU: "FBA-1", Name: "Fulfilled by Amazon", Price: "7.00", FBA: true},
	})
	got, _ := testkit.FetchAll(t, ts.client, time.Time{})
	bySKU := map[string]channel.Listing{}
	for _, l := range got {
		bySKU[l.SKU] = l
	}
	if len(got) != 4 {
		t.Fatalf("%d listings: %+v", len(got), got)
	}
	if l := bySKU["GOOD-1"]; l.Problem != "" || l.Quantity == nil || *l.Quantity != 3 {
		t.Fatalf("good: %+v", l)
	}
	if l := bySKU["BAD-QTY"]; !strings.Contains(l.Problem, `"lots" is not a whole number`) {
		t.Fatalf("bad quantity: %+v", l)
	}
	var broken channel.Listing
	for _, l := range got {
		if strings.Contains(string(l.Raw), "BROKEN") {
			broken = l
		}
	}
	if !strings.Contains(broken.Problem, "could not be read") {
		t.Fatalf("malformed: %+v", broken)
	}
	if l := bySKU["FBA-1"]; l.Quantity != nil || l.Problem != "" {
		t.Fatalf("FBA listing must have no quantity: %+v", l)
	}
	// The report names the same problems.
	var report []channel.Listing
	if err := ts.client.FetchAllListings(context.Background(), 10, func(ls []channel.Listing) error { report = append(report, ls...); return nil }); err != nil {
		t.Fatal(err)
	}
	problems := 0
	for _, l := range report {
		if l.Problem != "" {
			problems++
		}
	}
	if len(report) != 4 || problems != 2 {
		t.Fatalf("report: %d listings, %d problems: %+v", len(report), problems, report)
	}
}

func TestReportInALegacyCharsetIsDecoded(t *testing.T) {
	ts := newTestSeller(t, func(o *fake.Options) { o.ReportCharset = "Cp1252" })
	ts.fake.SetListings([]fake.Listing{{SKU: "CAFE-1", Name: "Café Crème Tasse", Price: "4,50", Quantity: 2}})
	var got []channel.Listing
	if err := ts.client.FetchAllListings(context.Background(), 10, func(ls []channel.Listing) error { got = append(got, ls...); return nil }); err != nil {
		t.Fatal(err)
	}
	if len(got) != 1 || got[0].Name != "Café Crème Tasse" {
		t.Fatalf("listings %+v", got)
	}
}
