package sandbox

import (
	"context"
	"io"
	"log/slog"
	"math/rand/v2"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"

	"stocksync/internal/channel"
	_ "stocksync/internal/channel/all"
)

// TestTrickleDeliversSignedOrdersToConnectedChannels: each sandbox order
// is delivered to the connected channel's webhook address, signed with the
// secret the preset fills in; with no channel connected nothing is placed.
func TestTrickleDeliversSignedOrdersToConnectedChannels(t *testing.T) {
	sb, err := Start(slog.New(slog.NewTextHandler(io.Discard, nil)))
	if err != nil {
		t.Fatal(err)
	}
	defer sb.Close()
	var mu sync.Mutex
	bad, paths := 0, map[string]int{}
	hook := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		kind, _ := channel.Lookup(strings.Split(r.URL.Path, "/")[2])
		secret := map[string]string{"shopify": ShopifyWebhookSecret, "woocommerce": WooWebhookSecret}[kind.Name]
		mu.Lock()
		defer mu.Unlock()
		paths[r.URL.Path]++
		if kind.Webhook == nil || !channel.ValidWebhookSignature(body, secret, r.Header.Get(kind.Webhook.SignatureHeader)) {
			bad++
		} else if _, err := kind.Webhook.ParseOrder(body); err != nil {
			bad++
		}
	}))
	defer hook.Close()
	ctx := context.Background()
	rng := rand.New(rand.NewPCG(1, 2))
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	none := func(context.Context, string, string, string) ([]int64, error) { return nil, nil }
	before := len(sb.Shopify.Orders()) + len(sb.Woo.Orders())
	sb.shopifyOrder(ctx, hook.URL, none, rng, log)
	sb.wooOrder(ctx, hook.URL, none, rng, log)
	if len(sb.Shopify.Orders())+len(sb.Woo.Orders()) != before {
		t.Fatal("orders were placed with no channel connected")
	}
	connected := func(_ context.Context, kind, field, value string) ([]int64, error) {
		if (kind == "shopify" && field == "shop_url" && value == sb.shopURL) || (kind == "woocommerce" && field == "site_url" && value == sb.wooURL) {
			return []int64{7}, nil
		}
		return nil, nil
	}
	for range 6 {
		sb.shopifyOrder(ctx, hook.URL, connected, rng, log)
		sb.wooOrder(ctx, hook.URL, connected, rng, log)
	}
	sb.Shopify.WaitWebhooks()
	sb.Woo.WaitWebhooks()
	mu.Lock()
	defer mu.Unlock()
	if bad != 0 || paths["/webhooks/shopify/7"] < 6 || paths["/webhooks/woocommerce/7"] < 6 {
		t.Fatalf("deliveries %v, %d badly signed or unreadable", paths, bad)
	}
	if sb.newProducts == 0 {
		t.Error("no order sold a product new to the channel (an unconfirmed listing)")
	}
}
