package amazon

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"os"
	"strings"
	"testing"
	"time"

	"stocksync/internal/channel"
	"stocksync/internal/channel/internal/testkit"
)

// serveRecorded answers from testdata files: the example bodies Amazon
// publishes with its API models (x-amzn-api-sandbox), to pin the client's
// parsing independently of the fake.
func serveRecorded(t *testing.T, marketplaces string, routes map[string]string, status map[string]int) *Client {
	t.Helper()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == lwaTokenPath {
			w.Header().Set("Content-Type", "application/json")
			_, _ = w.Write([]byte(`{"access_token":"Atza|recorded","token_type":"bearer","expires_in":3600}`))
			return
		}
		route := r.Method + " " + r.URL.Path
		file, ok := routes[route]
		if !ok {
			t.Errorf("unexpected %s", route)
			w.WriteHeader(http.StatusTeapot)
			return
		}
		testkit.ServeTestdata(t, w, file, "application/json", status[route], nil)
	}))
	t.Cleanup(srv.Close)
	c, err := New(map[string]string{"region": "NA", "seller_id": "AXXXXXXXXXXXX", "marketplace_ids": marketplaces,
		"client_id": "amzn1.application-oa2-client.recorded", "client_secret": "s", "refresh_token": "Atzr|recorded", "endpoint": srv.URL},
		channel.Options{Sleep: (&testkit.Sleeps{}).Sleep, Addresses: channel.AddressPolicy{Sandbox: true}, MaxRetries: -1})
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func TestRecordedSearchGivesAListingPerMarketplace(t *testing.T) {
	c := serveRecorded(t, "ATVPDKIKX0DER,A2EUQ1WTGCTBG2", map[string]string{
		"GET /listings/2021-08-01/items/AXXXXXXXXXXXX": "search_listings_items.json"}, nil)
	page, err := c.FetchListings(context.Background(), time.Time{}, "")
	if err != nil {
		t.Fatal(err)
	}
	if !page.HasMore || page.Total != 3 || len(page.Listings) < 2 {
		t.Fatalf("page %+v", page)
	}
	us, ca := page.Listings[0], page.Listings[1]
	if us.ExternalID != "ATVPDKIKX0DER/GM-ZDPI-9B4E" || us.Name != "Hardside Carry-On Spinner Suitcase Luggage" || us.Price != "100.00" ||
		us.Quantity == nil || *us.Quantity != 100 || us.ProductID != "B071VG5N9D" || us.URL != "https://www.amazon.com/dp/B071VG5N9D" {
		t.Fatalf("US listing %+v", us)
	}
	if ca.ExternalID != "A2EUQ1WTGCTBG2/GM-ZDPI-9B4E" || ca.Price != "130.00" {
		t.Fatalf("the Canadian listing must take the Canadian offer's price: %+v", ca)
	}
	if !us.UpdatedAt.Equal(time.Date(2021, 3, 1, 0, 0, 0, 0, time.UTC)) {
		t.Fatalf("updated %v", us.UpdatedAt)
	}
}

func TestRecordedOrderAndItems(t *testing.T) {
	c := serveRecorded(t, "ATVPDKIKX0DER", map[string]string{
		"GET /orders/v0/orders":                                "get_orders.json",
		"GET /orders/v0/orders/902-1845936-5435065/orderItems": "get_order_items.json",
		"GET /orders/v0/orders/902-8745147-1934268/orderItems": "get_order_items.json",
	}, nil)
	page, err := c.FetchOrders(context.Background(), time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC), "")
	if err != nil {
		t.Fatal(err)
	}
	if len(page.Orders) == 0 {
		t.Fatal("no orders")
	}
	o := page.Orders[0]
	if o.ExternalID != "902-1845936-5435065" || o.Status != "Unshipped" || o.Cancelled || o.FulfilledByChannel || o.Currency != "USD" || len(o.Lines) != 1 {
		t.Fatalf("order %+v", o)
	}
	l := o.Lines[0]
	if l.ExternalID != "05015851154158" || l.SKU != "NABetaASINB00551Q3CS" || l.Quantity != 1 || l.UnitPrice != "10.00" ||
		l.ListingExternalID != "ATVPDKIKX0DER/NABetaASINB00551Q3CS" {
		t.Fatalf("line %+v", l)
	}
}

func TestRecordedPatchAnswers(t *testing.T) {
	for file, wantErr := range map[string]string{"patch_listings_item_accepted.json": "", "patch_listings_item_invalid.json": "The attributes are invalid. (90000900)"} {
		c := serveRecorded(t, "ATVPDKIKX0DER", map[string]string{"PATCH /listings/2021-08-01/items/AXXXXXXXXXXXX/GM-ZDPI-9B4E": file}, nil)
		res, err := c.SetQuantities(context.Background(), []channel.QuantityUpdate{{ExternalID: "ATVPDKIKX0DER/GM-ZDPI-9B4E", Quantity: 5}}, "")
		if err != nil {
			t.Fatal(err)
		}
		if (wantErr == "") != (res[0].Err == nil) || (wantErr != "" && !strings.Contains(res[0].Err.Error(), wantErr)) {
			t.Fatalf("%s: %v", file, res[0].Err)
		}
	}
}

func TestRecordedErrorBodies(t *testing.T) {
	c := serveRecorded(t, "ATVPDKIKX0DER", map[string]string{"GET /orders/v0/orders": "get_orders_400.json"},
		map[string]int{"GET /orders/v0/orders": http.StatusBadRequest})
	_, err := c.FetchOrders(context.Background(), time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC), "")
	var httpErr *channel.HTTPError
	if !errors.As(err, &httpErr) || httpErr.Message != "Invalid Input (InvalidInput)" {
		t.Fatalf("got %v", err)
	}
}

func TestRecordedDocumentsAndProcessingReport(t *testing.T) {
	var rep processingReport
	data, _ := os.ReadFile("testdata/feed_processing_report.json")
	if err := decodeJSON("report", data, &rep); err != nil {
		t.Fatal(err)
	}
	if len(rep.Issues) != 3 || rep.Issues[0].MessageID != 4 || rep.Issues[0].Severity != "ERROR" || rep.Summary.MessagesInvalid != 2 {
		t.Fatalf("report %+v", rep)
	}
	for file, want := range map[string]string{"create_feed_document.json": "3d4e42b5-1d6e-44e8-a89c-2abfca0625bb", "get_feed_document.json": "0356cf79-b8b0-4226-b4b9-0ee058ea5760"} {
		var d document
		data, _ := os.ReadFile("testdata/" + file)
		if err := decodeJSON(file, data, &d); err != nil || d.FeedDocumentID != want || !strings.HasPrefix(d.URL, "https://") {
			t.Fatalf("%s: %+v %v", file, d, err)
		}
	}
	var st reportStatus
	data, _ = os.ReadFile("testdata/get_report.json")
	if err := decodeJSON("report", data, &st); err != nil || st.ProcessingStatus != "IN_PROGRESS" || st.ReportID != "ReportId1" {
		t.Fatalf("%+v %v", st, err)
	}
	var fs feedStatus
	data, _ = os.ReadFile("testdata/get_feed.json")
	if err := decodeJSON("feed", data, &fs); err != nil || fs.ProcessingStatus != "CANCELLED" {
		t.Fatalf("%+v %v", fs, err)
	}
}
