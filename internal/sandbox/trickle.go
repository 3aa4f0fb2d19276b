package sandbox

import (
	"context"
	"fmt"
	"log/slog"
	"math/rand/v2"
	"strconv"
	"time"

	shopifyfake "stocksync/internal/channel/shopify/fake"
	woofake "stocksync/internal/channel/woocommerce/fake"
)

// The webhook secrets the sandbox channels sign with; the presets fill
// them in, as a merchant would paste the channel's secret.
const (
	ShopifyWebhookSecret = "sandbox-shopify-client-secret"
	WooWebhookSecret     = "sandbox-woocommerce-webhook-secret"
)

// ChannelsAt lists the connected channels of a kind whose credential field
// holds value: the channels connected to a sandbox channel.
type ChannelsAt func(ctx context.Context, kind, field, value string) ([]int64, error)

// Trickle places a new order on a sandbox channel every 20 to 60 seconds
// while a channel is connected to it, and the channel delivers it by
// webhook to base (this server's address), as a shop with customers
// would. About one order in three sells a product just added to the
// channel, which arrives unconfirmed; now and then an earlier order is
// cancelled. It returns when ctx ends.
func (sb *Sandbox) Trickle(ctx context.Context, base string, at ChannelsAt, log *slog.Logger) {
	rng := rand.New(rand.NewPCG(uint64(time.Now().UnixNano()), 7))
	go sb.trickleEbay(ctx, base, at, log)
	go sb.amazonTrickle(ctx, log)
	for n := 0; ; n++ {
		wait := 20*time.Second + time.Duration(rng.IntN(40))*time.Second
		select {
		case <-ctx.Done():
			return
		case <-time.After(wait):
		}
		turns := append([]trickle{sb.shopifyOrder, sb.wooOrder}, sb.trickles...)
		turns[n%len(turns)](ctx, base, at, rng, log)
	}
}

// pause waits 30 to 90 seconds, the pace of the orders Sandbox Amazon and
// Sandbox eBay trickle; false when ctx ends first.
func pause(ctx context.Context, rng *rand.Rand) bool {
	select {
	case <-ctx.Done():
		return false
	case <-time.After(30*time.Second + time.Duration(rng.IntN(60))*time.Second):
		return true
	}
}

// trickle places one order on one sandbox channel (see Trickle).
type trickle func(ctx context.Context, base string, at ChannelsAt, rng *rand.Rand, log *slog.Logger)

// hooks points a fake's webhooks at every channel connected to it.
func hooks(ctx context.Context, base, kind, field, value, secret string, at ChannelsAt) ([]shopifyfake.Webhook, error) {
	ids, err := at(ctx, kind, field, value)
	if err != nil {
		return nil, err
	}
	out := make([]shopifyfake.Webhook, len(ids))
	for i, id := range ids {
		out[i] = shopifyfake.Webhook{URL: base + "/webhooks/" + kind + "/" + strconv.FormatInt(id, 10), Secret: secret}
	}
	return out, nil
}

func (sb *Sandbox) shopifyOrder(ctx context.Context, base string, at ChannelsAt, rng *rand.Rand, log *slog.Logger) {
	targets, err := hooks(ctx, base, "shopify", "shop_url", sb.shopURL, ShopifyWebhookSecret, at)
	if err != nil || len(targets) == 0 {
		return
	}
	sb.Shopify.SetWebhooks(targets...)
	if orders := sb.Shopify.Orders(); len(orders) > 3 && rng.IntN(8) == 0 {
		if o := orders[rng.IntN(len(orders))]; o.CancelledAt.IsZero() {
			_ = sb.Shopify.CancelOrder(o.ID)
			log.Info("sandbox: Shopify order cancelled", "order", o.Name)
			return
		}
	}
	var sellable []shopifyfake.Listing
	for _, l := range sb.Shopify.Listings() {
		if l.SKU != "" && l.ProductTitle != "" {
			sellable = append(sellable, l)
		}
	}
	if len(sellable) == 0 {
		return
	}
	var lines []shopifyfake.OrderLine
	for range 1 + rng.IntN(3) {
		lines = append(lines, shopifyfake.OrderLine{VariantID: sellable[rng.IntN(len(sellable))].ID, Quantity: 1 + rng.IntN(2)})
	}
	if rng.IntN(3) == 0 {
		sb.newProducts++
		l := sb.Shopify.AddListing(shopifyfake.Listing{ProductTitle: fmt.Sprintf("Sandbox Shopify Limited Edition %d", sb.newProducts),
			SKU: fmt.Sprintf("SHOP-LTD-%03d", sb.newProducts), Price: "24.00", Quantity: 10})
		lines = append(lines, shopifyfake.OrderLine{VariantID: l.ID, Quantity: 1})
	}
	if o, err := sb.Shopify.AddOrder(shopifyfake.Order{Lines: lines}); err == nil {
		log.Info("sandbox: new Shopify order, delivered by webhook", "order", o.Name, "lines", len(lines), "channels", len(targets))
	}
}

func (sb *Sandbox) wooOrder(ctx context.Context, base string, at ChannelsAt, rng *rand.Rand, log *slog.Logger) {
	targets, err := hooks(ctx, base, "woocommerce", "site_url", sb.wooURL, WooWebhookSecret, at)
	if err != nil || len(targets) == 0 {
		return
	}
	sb.Woo.SetWebhooks(targets...)
	if orders := sb.Woo.Orders(); len(orders) > 3 && rng.IntN(8) == 0 {
		if o := orders[rng.IntN(len(orders))]; o.Status == "processing" {
			_ = sb.Woo.SetOrderStatus(o.ID, "cancelled")
			log.Info("sandbox: WooCommerce order cancelled", "order", o.Number)
			return
		}
	}
	var sellable []woofake.OrderLine
	for _, p := range sb.Woo.Products() {
		switch {
		case p.Type == "variable":
			for _, v := range p.Variations {
				sellable = append(sellable, woofake.OrderLine{ProductID: p.ID, VariationID: v.ID})
			}
		case p.SKU != "" && p.Name != "":
			sellable = append(sellable, woofake.OrderLine{ProductID: p.ID})
		}
	}
	if len(sellable) == 0 {
		return
	}
	var lines []woofake.OrderLine
	for range 1 + rng.IntN(3) {
		l := sellable[rng.IntN(len(sellable))]
		l.Quantity = 1 + rng.IntN(2)
		lines = append(lines, l)
	}
	if rng.IntN(3) == 0 {
		sb.newProducts++
		p := sb.Woo.AddListing(woofake.Product{Name: fmt.Sprintf("Woo Workshop Seasonal %d", sb.newProducts),
			SKU: fmt.Sprintf("WOO-SSN-%03d", sb.newProducts), Price: "18.50"})
		lines = append(lines, woofake.OrderLine{ProductID: p.ID, Quantity: 1})
	}
	if o, err := sb.Woo.AddOrder(woofake.Order{Lines: lines}); err == nil {
		log.Info("sandbox: new WooCommerce order, delivered by webhook", "order", o.Number, "lines", len(lines), "channels", len(targets))
	}
}
