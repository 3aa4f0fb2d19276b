// Package sandbox runs fake sales channels inside the server process, on
// loopback, seeded with a realistic catalogue, so a newcomer sees the whole
// product work without an account anywhere. Nothing else in the code knows
// these channels are fake: they are offered in the Connect dialog with their
// credentials filled in.
package sandbox

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"time"

	amazonfake "stocksync/internal/channel/amazon/fake"
	ebayfake "stocksync/internal/channel/ebay/fake"
	shopifyfake "stocksync/internal/channel/shopify/fake"
	woofake "stocksync/internal/channel/woocommerce/fake"
	"stocksync/internal/inventory"
	"stocksync/internal/store"
	channelviews "stocksync/views/channels"
)

type Sandbox struct {
	Shopify *shopifyfake.Server
	Woo     *woofake.Server
	Amazon  *amazonfake.Server
	Ebay    *ebayfake.Server
	servers []*http.Server
	Presets []channelviews.Preset
	// shopURL and wooURL are where the sandbox channels answer;
	// newProducts numbers the products Trickle adds.
	shopURL, wooURL string
	ebayURL         string
	newProducts     int
	// trickles are the channels Trickle places orders on in turn, after
	// Shopify and WooCommerce.
	trickles []trickle
	sandboxEtsy
}

// Start serves Sandbox Shopify and Sandbox WooCommerce on loopback ports.
func Start(log *slog.Logger) (*Sandbox, error) {
	sb := &Sandbox{Shopify: shopifyfake.New(shopifyfake.Options{ShopName: "Sandbox Shopify"}), Woo: woofake.New(woofake.Options{})}
	items := DemoItems()
	sb.Shopify.SetListings(shopifyCatalogue(items))
	sb.Woo.SetListings(wooCatalogue(items))
	if err := sb.seedOrders(); err != nil {
		return nil, err
	}
	shopURL, err := sb.serve(sb.Shopify.Handler(), ShopifyAddr, log)
	if err != nil {
		return nil, err
	}
	wooURL, err := sb.serve(sb.Woo.Handler(), WooAddr, log)
	if err != nil {
		sb.Close()
		return nil, err
	}
	// Listings link to their pages on these addresses, which outlive a
	// restart, rather than the fakes' own.
	sb.Shopify.SetStorefront(shopURL)
	sb.Woo.SetStorefront(wooURL)
	sb.shopURL, sb.wooURL = shopURL, wooURL
	sb.Presets = []channelviews.Preset{
		{Key: "sandbox-shopify", Label: "Sandbox Shopify", Kind: "shopify", Name: "Sandbox Shopify",
			Credentials: map[string]string{"shop_url": shopURL, "access_token": shopifyfake.DefaultAccessToken, "webhook_secret": ShopifyWebhookSecret}},
		{Key: "sandbox-woocommerce", Label: "Sandbox WooCommerce", Kind: "woocommerce", Name: "Sandbox WooCommerce",
			Credentials: map[string]string{"site_url": wooURL, "consumer_key": woofake.DefaultConsumerKey, "consumer_secret": woofake.DefaultConsumerSecret,
				"webhook_secret": WooWebhookSecret}},
	}
	if err := sb.startAmazon(log); err != nil {
		sb.Close()
		return nil, err
	}
	ebay, err := sb.startEbay(log)
	if err != nil {
		sb.Close()
		return nil, err
	}
	sb.Presets = append(sb.Presets, ebay)
	if err := sb.startEtsy(items, log); err != nil {
		sb.Close()
		return nil, err
	}
	log.Info("sandbox channels are running", "shopify", shopURL, "woocommerce", wooURL, "ebay", sb.ebayURL)
	return sb, nil
}

// The sandbox channels listen on fixed loopback ports, so a channel
// connected in one run still reaches its sandbox after a restart (its
// address is part of its sealed credentials). A taken port falls back to
// any free one.
var (
	ShopifyAddr = "127.0.0.1:8091"
	WooAddr     = "127.0.0.1:8092"
)

func (sb *Sandbox) serve(h http.Handler, addr string, log *slog.Logger) (string, error) {
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		log.Warn("sandbox: port taken, using another; channels connected before must be reconnected", "addr", addr)
		if ln, err = net.Listen("tcp", "127.0.0.1:0"); err != nil {
			return "", fmt.Errorf("sandbox: %w", err)
		}
	}
	srv := &http.Server{Handler: h, ReadHeaderTimeout: 10 * time.Second}
	sb.servers = append(sb.servers, srv)
	go func() { _ = srv.Serve(ln) }()
	return "http://" + ln.Addr().String(), nil
}

func (sb *Sandbox) Close() {
	for _, s := range sb.servers {
		_ = s.Close()
	}
	sb.Shopify.Close()
	sb.Woo.Close()
	if sb.Amazon != nil {
		sb.Amazon.Close()
	}
	if sb.Ebay != nil {
		sb.Ebay.Close()
	}
	if sb.Etsy != nil {
		sb.Etsy.Close()
	}
}

// SeedDemoItems adds the demo inventory when the database has no items yet,
// with opening stock, on behalf of the first user.
func SeedDemoItems(ctx context.Context, st *store.Store, log *slog.Logger) error {
	var items, userID int64
	if err := st.DB.GetContext(ctx, &items, `SELECT count(*) FROM items`); err != nil {
		return fmt.Errorf("sandbox: %w", err)
	}
	if items > 0 {
		return nil
	}
	if err := st.DB.GetContext(ctx, &userID, `SELECT COALESCE(min(id), 0) FROM users`); err != nil || userID == 0 {
		return errors.Join(err, errors.New("sandbox: no user to own the demo items; add one with `stocksync user add`"))
	}
	for _, d := range DemoItems() {
		f, errs := inventory.ValidateItem(inventory.ItemInput{Name: d.Name, SKU: d.SKU, Unit: "pcs",
			SellingPrice: d.Price, PurchasePrice: d.Price, OpeningQty: fmt.Sprint(d.Stock), OpeningValue: d.Price, ReorderLevel: "5"}, true)
		if len(errs) > 0 {
			return fmt.Errorf("sandbox: demo item %s: %v", d.SKU, errs)
		}
		if _, err := st.CreateItem(ctx, f, userID); err != nil {
			return fmt.Errorf("sandbox: demo item %s: %w", d.SKU, err)
		}
	}
	log.Info("sandbox: added 100 demo items")
	return nil
}
