package channelsync_test

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"strings"
	"testing"
	"time"

	"stocksync/internal/channel"
	shopifyfake "stocksync/internal/channel/shopify/fake"
	"stocksync/internal/channelsync"
	"stocksync/internal/jobs"
	"stocksync/internal/store"
)

const orderBody = `{"id":5000000001,"admin_graphql_api_id":"gid://shopify/Order/5000000001","name":"#1001","currency":"USD",` +
	`"created_at":"2026-11-29T10:00:00Z","updated_at":"2026-11-29T10:05:00Z","cancelled_at":null,"financial_status":"paid",` +
	`"line_items":[{"id":13000000001,"admin_graphql_api_id":"gid://shopify/LineItem/13000000001","variant_id":44000000001,` +
	`"sku":"OAK-1","name":"Oak chair","quantity":2,"price":"19.50","price_set":{"shop_money":{"amount":"19.50","currency_code":"USD"}}}]}`

func hookedShop(t *testing.T) (*channelsync.Service, *store.Store, int64, *jobs.Client) {
	t.Helper()
	svc, st := newService(t)
	shop := newShop()
	t.Cleanup(shop.Close)
	id, err := svc.Connect(context.Background(), channelsync.ConnectRequest{Kind: "shopify", Name: "Hooked",
		Credentials:  map[string]string{"shop_url": shop.URL(), "access_token": shopifyfake.DefaultAccessToken, "webhook_secret": "s3cret"},
		SyncInterval: 15 * time.Minute, FirstSyncDelay: 30 * time.Minute})
	if err != nil {
		t.Fatal(err)
	}
	reg := jobs.NewRegistry()
	channelsync.Register(reg, svc, func() *jobs.Client { return nil }, time.Hour)
	client, err := jobs.NewClient(st.DB.DB, reg, jobs.Options{InsertOnly: true, Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
	if err != nil {
		t.Fatal(err)
	}
	return svc, st, id, client
}

func receive(t *testing.T, svc *channelsync.Service, st *store.Store, client *jobs.Client, channelID int64, deliveryID, topic, body string) int64 {
	t.Helper()
	out, err := svc.ReceiveWebhook(context.Background(), client, channelsync.IncomingWebhook{Kind: "shopify", ChannelID: channelID,
		Signature: channel.SignWebhook([]byte(body), "s3cret"), DeliveryID: deliveryID, Topic: topic, Body: []byte(body)})
	if err != nil || out != channelsync.WebhookStored {
		t.Fatalf("receive: %v %v", out, err)
	}
	var id int64
	if err := st.DB.Get(&id, `SELECT id FROM webhook_deliveries WHERE delivery_id = $1`, deliveryID); err != nil {
		t.Fatal(err)
	}
	return id
}

func TestWebhookJobImportsTheOrderWithTheConnectorsParsing(t *testing.T) {
	svc, st, chID, client := hookedShop(t)
	ctx := context.Background()
	id := receive(t, svc, st, client, chID, "d-1", "orders/create", orderBody)
	var got []channel.Order
	imp := channelsync.ImportFunc(func(_ context.Context, c int64, os []channel.Order) ([]string, error) {
		if c != chID {
			t.Errorf("imported into channel %d, want %d", c, chID)
		}
		got = append(got, os...)
		return nil, nil
	})
	if err := channelsync.ProcessDelivery(ctx, svc, imp, id); err != nil {
		t.Fatal(err)
	}
	if len(got) != 1 || got[0].ExternalID != "gid://shopify/Order/5000000001" || len(got[0].Lines) != 1 ||
		got[0].Lines[0].ListingExternalID != "gid://shopify/ProductVariant/44000000001" || got[0].Lines[0].UnitPrice != "19.50" || got[0].Lines[0].Quantity != 2 {
		t.Fatalf("imported %+v", got)
	}
	d, err := st.Delivery(ctx, id)
	if err != nil || d.ProcessedAt == nil || d.Error != nil {
		t.Fatalf("delivery after import: %+v %v", d, err)
	}
	// Run again (a retried job): the delivery is done, nothing is imported twice.
	if err := channelsync.ProcessDelivery(ctx, svc, imp, id); err != nil || len(got) != 1 {
		t.Fatalf("second run: %v, %d imports", err, len(got))
	}
}

func TestWebhookJobRecordsWhatItCannotImport(t *testing.T) {
	svc, st, chID, client := hookedShop(t)
	ctx := context.Background()
	called := 0
	imp := channelsync.ImportFunc(func(context.Context, int64, []channel.Order) ([]string, error) {
		called++
		return []string{"Order #1001: line 1 names a listing a person unlinked."}, nil
	})
	for _, c := range []struct{ delivery, topic, body, want string }{
		{"bad-json", "orders/create", `{"id": 1, "line_items": [`, "could not be read as an order"},
		{"no-order", "orders/updated", `{"hello":"world"}`, "could not be read as an order"},
		{"not-json", "orders/create", "\x00\xff binary", "could not be read as an order"},
		{"topic", "products/update", orderBody, `Topic "products/update" is not an order`},
		{"problem", "orders/cancelled", orderBody, "names a listing a person unlinked"},
	} {
		id := receive(t, svc, st, client, chID, c.delivery, c.topic, c.body)
		if err := channelsync.ProcessDelivery(ctx, svc, imp, id); err != nil {
			t.Fatalf("%s: %v", c.delivery, err)
		}
		d, err := st.Delivery(ctx, id)
		if err != nil || d.ProcessedAt == nil || d.Error == nil || !strings.Contains(*d.Error, c.want) {
			t.Fatalf("%s: delivery %+v %v, want an error with %q", c.delivery, d, err, c.want)
		}
	}
	if called != 1 {
		t.Fatalf("the import was called %d times, want once (for the one order that parsed)", called)
	}
	// A failing database (or shutdown) leaves the delivery to a retry.
	id := receive(t, svc, st, client, chID, "retry", "orders/create", orderBody)
	boom := errors.New("connection lost")
	if err := channelsync.ProcessDelivery(ctx, svc, channelsync.ImportFunc(func(context.Context, int64, []channel.Order) ([]string, error) {
		return nil, boom
	}), id); !errors.Is(err, boom) {
		t.Fatalf("import error not returned for a retry: %v", err)
	}
	if d, _ := st.Delivery(ctx, id); d.ProcessedAt != nil {
		t.Fatal("a delivery whose import failed was marked processed")
	}
}

// TestWebhookJobRunsFromTheQueue: the job the handler enqueues is worked
// by River and closes its delivery.
func TestWebhookJobRunsFromTheQueue(t *testing.T) {
	svc, st, chID, _ := hookedShop(t)
	client := startClient(t, st, svc)
	id := receive(t, svc, st, client, chID, "queued", "orders/create", orderBody)
	deadline := time.Now().Add(20 * time.Second)
	for {
		d, err := st.Delivery(context.Background(), id)
		if err != nil {
			t.Fatal(err)
		}
		if d.ProcessedAt != nil {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("the queued delivery was not processed")
		}
		time.Sleep(50 * time.Millisecond)
	}
}
