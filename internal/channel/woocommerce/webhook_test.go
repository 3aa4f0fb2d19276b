package woocommerce

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
	"stocksync/internal/channel/woocommerce/fake"
)

type received struct {
	header http.Header
	body   []byte
}

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

// TestWebhookOrderReadsAsFetchOrdersDoes: see the Shopify test of the name.
func TestWebhookOrderReadsAsFetchOrdersDoes(t *testing.T) {
	st := newTestStore(t)
	chair := st.fake.AddListing(fake.Product{Name: "Oak chair", SKU: "OAK-1", Price: "19.50"})
	lamp := st.fake.AddListing(fake.Product{Name: "Lamp", Type: "variable", Variations: []fake.Variation{
		{SKU: "LAMP-B", Price: "7", Attributes: []fake.Attribute{{Name: "Colour", Option: "Blue"}}}}})
	hook, deliveries := receiver(t)
	const secret = "webhook-secret"
	st.fake.SetWebhooks(fake.Webhook{URL: hook.URL, Secret: secret})
	st.fake.Ping()
	st.fake.WaitWebhooks() // deliveries run concurrently: one at a time here, for their order
	o, err := st.fake.AddOrder(fake.Order{Lines: []fake.OrderLine{{ProductID: chair.ID, Quantity: 2},
		{ProductID: lamp.ID, VariationID: lamp.Variations[0].ID, Quantity: 1}}})
	if err != nil {
		t.Fatal(err)
	}
	st.fake.WaitWebhooks()
	if err := st.fake.SetOrderStatus(o.ID, "refunded"); err != nil {
		t.Fatal(err)
	}
	st.fake.WaitWebhooks()
	got := deliveries()
	if len(got) != 3 {
		t.Fatalf("%d deliveries, want 3 (ping, created, updated)", len(got))
	}
	if ping := got[0]; ping.header.Get(webhookFormat.SignatureHeader) != "" || !isPing(ping.header.Get("Content-Type"), ping.body) {
		t.Fatalf("the ping is not recognised: %v %q", ping.header, ping.body)
	}
	if isPing("application/json", got[1].body) {
		t.Fatal("an order taken for a ping")
	}
	page, err := st.client.FetchOrders(context.Background(), time.Time{}, "")
	if err != nil || len(page.Orders) != 1 {
		t.Fatalf("fetch: %v, %d orders", err, len(page.Orders))
	}
	polled := page.Orders[0]
	polled.Raw = nil
	for i, d := range got[1:] {
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
		hooked.Raw = nil
		if i == 1 && !reflect.DeepEqual(hooked, polled) {
			t.Fatalf("webhook order\n %+v\nFetchOrders\n %+v", hooked, polled)
		}
	}
	if !polled.Cancelled || polled.Lines[1].ListingExternalID == "" || polled.Lines[0].UnitPrice != "19.5" {
		t.Fatalf("polled order: %+v", polled)
	}
}

func TestWebhookOrderThatDoesNotParse(t *testing.T) {
	for _, body := range []string{``, `not json`, `[]`, `{"number":"1"}`, `{"id":"x"}`} {
		if _, err := ParseWebhookOrder([]byte(body)); err == nil {
			t.Errorf("%q parsed as an order", body)
		}
	}
}
