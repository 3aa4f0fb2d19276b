package shopify

import (
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"reflect"
	"sync"
	"testing"
	"time"

	"stocksync/internal/channel"
	"stocksync/internal/channel/shopify/fake"
)

type received struct {
	header http.Header
	body   []byte
}

// receiver collects the fake's deliveries.
func receiver(t *testing.T) (*httptest.Server, func() []received) {
	var mu sync.Mutex
	var got []received
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		mu.Lock()
		got = append(got, received{r.Header.Clone(), b})
		mu.Unlock()
	}))
	t.Cleanup(srv.Close)
	return srv, func() []received { mu.Lock(); defer mu.Unlock(); return append([]received(nil), got...) }
}

func comparable(o channel.Order) channel.Order {
	o.Raw, o.CreatedAt, o.UpdatedAt = nil, o.CreatedAt.UTC(), o.UpdatedAt.UTC()
	return o
}

// TestWebhookOrderReadsAsFetchOrdersDoes: the order a webhook carries is
// the very order FetchOrders returns, ids and lines alike, so a delivery
// and a poll of one order import as one.
func TestWebhookOrderReadsAsFetchOrdersDoes(t *testing.T) {
	shop := newTestShop(t)
	shop.fake.SetListings([]fake.Listing{{ProductTitle: "Oak chair", SKU: "OAK-1", Price: "19.50", Quantity: 5},
		{ProductTitle: "Lamp", Title: "Blue", SKU: "LAMP-B", Price: "7", Quantity: 1}})
	hook, deliveries := receiver(t)
	const secret = "client-secret"
	shop.fake.SetWebhooks(fake.Webhook{URL: hook.URL, Secret: secret})
	vs := shop.fake.Listings()
	o, err := shop.fake.AddOrder(fake.Order{Lines: []fake.OrderLine{{VariantID: vs[0].ID, Quantity: 2},
		{VariantID: vs[1].ID, Quantity: 1, Price: "6.50"}, {Name: "Gift wrap", Quantity: 1, Price: "2.00"}}})
	if err != nil {
		t.Fatal(err)
	}
	shop.fake.WaitWebhooks() // deliveries run concurrently: one at a time here, for their order
	shop.clock.Advance(time.Minute)
	if err := shop.fake.CancelOrder(o.ID); err != nil {
		t.Fatal(err)
	}
	shop.fake.WaitWebhooks()
	got := deliveries()
	if len(got) != 2 {
		t.Fatalf("%d deliveries, want 2", len(got))
	}
	page, err := shop.client.FetchOrders(context.Background(), time.Time{}, "")
	if err != nil || len(page.Orders) != 1 {
		t.Fatalf("fetch: %v, %d orders", err, len(page.Orders))
	}
	polled := comparable(page.Orders[0])
	for i, d := range got {
		if !channel.ValidWebhookSignature(d.body, secret, d.header.Get(webhookFormat.SignatureHeader)) {
			t.Fatalf("delivery %d: signature does not verify", i)
		}
		if d.header.Get(webhookFormat.DeliveryHeader) == "" || !webhookFormat.IsOrderTopic(d.header.Get(webhookFormat.TopicHeader)) {
			t.Fatalf("delivery %d: headers %v", i, d.header)
		}
		hooked, err := ParseWebhookOrder(d.body)
		if err != nil {
			t.Fatal(err)
		}
		if i == 0 {
			if hooked.Cancelled || len(hooked.Lines) != 3 || hooked.Lines[2].ListingExternalID != "" {
				t.Fatalf("created order: %+v", hooked)
			}
			continue
		}
		if h := comparable(hooked); !reflect.DeepEqual(h, polled) {
			t.Fatalf("webhook order\n %+v\nFetchOrders\n %+v", h, polled)
		}
	}
	if !polled.Cancelled || polled.Lines[1].UnitPrice != "6.50" || polled.Lines[0].ListingExternalID != vs[0].ID {
		t.Fatalf("polled order: %+v", polled)
	}
}

func TestWebhookOrderThatDoesNotParse(t *testing.T) {
	for _, body := range []string{``, `not json`, `[]`, `{"name":"#1"}`, `{"id":1,"line_items":{"x":1}}`} {
		if _, err := ParseWebhookOrder([]byte(body)); err == nil {
			t.Errorf("%q parsed as an order", body)
		}
	}
}
