package woocommerce

import (
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"stocksync/internal/channel/woocommerce/fake"
)

// Products and variations carry their permalink, and the fake shop answers
// it with the product's page, so the sandbox's links to listings open
// something.
func TestListingsCarryTheirPermalink(t *testing.T) {
	s := newTestStore(t)
	q := 3
	s.fake.AddListing(fake.Product{Name: "Oak Board", SKU: "OAK-1", Price: "30", ManageStock: true, StockQuantity: &q})
	s.fake.AddListing(fake.Product{Name: "Poster", Type: "variable", Variations: []fake.Variation{
		{SKU: "P-A3", Price: "12", Attributes: []fake.Attribute{{Name: "Size", Option: "A3"}}}}})
	all, _ := fetchAll(t, s.client, time.Time{})
	if len(all) != 2 {
		t.Fatalf("listings %+v", all)
	}
	board, poster := all[0], all[1]
	if !strings.HasPrefix(board.URL, s.fake.URL()+"/product/oak-board-") || !strings.HasSuffix(board.URL, "/") ||
		!strings.HasPrefix(poster.URL, s.fake.URL()+"/product/poster-") || !strings.HasSuffix(poster.URL, "/?attribute_size=A3") {
		t.Fatalf("permalinks %q %q", board.URL, poster.URL)
	}
	calls := len(s.fake.Calls())
	resp, err := http.Get(board.URL)
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK || !strings.Contains(string(body), "Oak Board") {
		t.Fatalf("storefront answered %d %s", resp.StatusCode, body)
	}
	if len(s.fake.Calls()) != calls {
		t.Fatal("a storefront visit is not an API call")
	}
}
