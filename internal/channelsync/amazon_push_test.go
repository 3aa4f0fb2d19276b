package channelsync_test

import (
	"context"
	"fmt"
	"strings"
	"testing"

	amazonfake "stocksync/internal/channel/amazon/fake"
	"stocksync/internal/store"
)

// After a sync, linked listings are brought to our quantity (0: the seeded
// items hold no stock). A few go as patches, many as one feed; a listing
// Amazon refuses is a recorded failure and the rest are applied; the FBA
// listing, linked too, is never sent.
func TestAmazonPushByPatchAndByFeed(t *testing.T) {
	for _, n := range []int{3, 150} {
		t.Run(fmt.Sprint(n), func(t *testing.T) {
			svc, st := newService(t)
			seller := amazonfake.New(amazonfake.Options{Fast: true, Now: clock.Now})
			defer seller.Close()
			ls := []amazonfake.Listing{{SKU: "FBA-1", Name: "Lamp", Price: "30.00", FBA: true}}
			skus := []string{"FBA-1"}
			for i := range n {
				sku := fmt.Sprintf("AMZ-%03d", i)
				ls = append(ls, amazonfake.Listing{SKU: sku, Name: "Thing " + sku, Price: "5.00", Quantity: 7})
				skus = append(skus, sku)
			}
			seller.SetListings(ls)
			seller.RejectSKU("AMZ-001", "The value for 'quantity' is invalid.")
			seedItems(t, st, skus...)
			id := connectAmazon(t, svc, seller)
			ctx := context.Background()
			if _, err := svc.SyncCatalogue(ctx, id, true, "manual", 0); err != nil {
				t.Fatal(err)
			}
			seller.ResetCalls()
			if err := svc.Push(ctx, id, "sync", 0); err != nil {
				t.Fatal(err)
			}
			for i := range n {
				sku := fmt.Sprintf("AMZ-%03d", i)
				q, _ := seller.Quantity(amazonfake.DefaultMarketplace, sku)
				if want := 0; i == 1 {
					if q != 7 {
						t.Fatalf("the refused listing shows %d", q)
					}
				} else if q != want {
					t.Fatalf("%s shows %d on Amazon, want %d", sku, q, want)
				}
			}
			patches, feeds := seller.CallCount("patchListingsItem"), seller.CallCount("createFeed")
			if (n == 3 && (patches != 2+1 || feeds != 0)) || (n == 150 && (patches != 0 || feeds != 1)) {
				t.Fatalf("%d listings went as %d patches and %d feeds", n, patches, feeds)
			}
			runs, err := st.ListRuns(ctx, store.RunFilter{ChannelID: id, Kind: "stock"})
			if err != nil || len(runs) != 1 || runs[0].Synced != n-1 || runs[0].Failed != 1 {
				t.Fatalf("stock runs: %+v %v", runs, err)
			}
			failures, _ := st.RunFailures(ctx, runs[0].ID, 0, 10)
			if len(failures) != 1 || failures[0].ExternalID != amazonfake.DefaultMarketplace+"/AMZ-001" ||
				!strings.Contains(failures[0].Cause, "'quantity' is invalid") {
				t.Fatalf("failures %+v", failures)
			}
			var fbaPushed *int
			st.DB.Get(&fbaPushed, `SELECT pushed_quantity FROM channel_items WHERE channel_id = $1 AND sku = 'FBA-1'`, id)
			if fbaPushed != nil {
				t.Fatal("the FBA listing was pushed")
			}
		})
	}
}
