package sandbox

import (
	"context"
	"fmt"
	"log/slog"
	"math/rand/v2"
	"time"

	ebayfake "stocksync/internal/channel/ebay/fake"
	channelviews "stocksync/views/channels"
)

// EbayAddr is where Sandbox eBay listens (see ShopifyAddr).
var EbayAddr = "127.0.0.1:8094"

// startEbay seeds and serves Sandbox eBay and returns its Connect preset.
// eBay has no order webhooks in the APIs stocksync uses: its orders arrive
// with each sync, as they do from the real eBay.
func (sb *Sandbox) startEbay(log *slog.Logger) (channelviews.Preset, error) {
	sb.Ebay = ebayfake.New(ebayfake.Options{})
	sb.Ebay.SetItems(ebayCatalogue(DemoItems()))
	if err := seedEbayOrders(sb.Ebay); err != nil {
		return channelviews.Preset{}, err
	}
	url, err := sb.serve(sb.Ebay.Handler(), EbayAddr, log)
	if err != nil {
		return channelviews.Preset{}, err
	}
	sb.ebayURL = url
	creds := sb.Ebay.Credentials()
	creds["api_url"] = url
	return channelviews.Preset{Key: "sandbox-ebay", Label: "Sandbox eBay", Kind: "ebay", Name: "Sandbox eBay", Credentials: creds}, nil
}

// ebayCatalogue: half share a SKU with demo items, some carry a demo
// item's title under an eBay SKU, most of the rest are new, one is a draft
// not yet listed, and a few are broken the way eBay records can be.
func ebayCatalogue(items []DemoItem) []ebayfake.Item {
	var out []ebayfake.Item
	add := func(sku, title, price string, qty int) {
		out = append(out, ebayfake.Item{SKU: sku, Title: title, Quantity: qty, Offers: []ebayfake.Offer{{Price: price}}})
	}
	for _, it := range items[20:70] {
		add(it.SKU, it.Name, it.Price, it.Stock)
	}
	for i, it := range items[70:80] {
		add(fmt.Sprintf("EB-NM-%02d", i+1), it.Name, it.Price, 2)
	}
	for i := 0; i < 40; i++ {
		add(fmt.Sprintf("EB-NEW-%03d", i+1), fmt.Sprintf("Sandbox eBay Find %d", i+1), fmt.Sprintf("%d.99", 6+i%40), 1+i%12)
	}
	out = append(out,
		ebayfake.Item{SKU: "EB-DRAFT-1", Title: "Draft, not yet listed", Quantity: 5, Offers: []ebayfake.Offer{{Price: "15.00", Status: "UNPUBLISHED"}}},
		ebayfake.Item{SKU: "EB-BAD-1", Offers: []ebayfake.Offer{{Price: "9.00"}},
			Raw: []byte(`{"sku":"EB-BAD-1","product":{"title":"Brass Bell"},"availability":{"shipToLocationAvailability":{"quantity":"plenty"}}}`)},
		ebayfake.Item{Raw: []byte(`{"product":{"title":"Record without a SKU"},"availability":{"shipToLocationAvailability":{"quantity":3}}}`)},
		ebayfake.Item{SKU: "EB-BAD-2", Title: "Copper Kettle", Quantity: 4, Offers: []ebayfake.Offer{{Price: "forty"}}},
	)
	return out
}

// seedEbayOrders: orders of linked listings (they commit stock), one with
// a line of a listing nobody confirmed yet (frozen), one cancelled.
func seedEbayOrders(seller *ebayfake.Server) error {
	placed := time.Now().Add(-48 * time.Hour)
	buyers := []string{"Kofi Mensah", "Sara Nilsen", "Diego Alvarez"}
	for i, lines := range [][]ebayfake.OrderLine{
		{{SKU: "SB-0021", Quantity: 1}, {SKU: "SB-0022", Quantity: 2}},
		{{SKU: "SB-0023", Quantity: 1}, {SKU: "EB-NEW-001", Quantity: 1}},
		{{SKU: "SB-0024", Quantity: 2}},
	} {
		at := placed.Add(time.Duration(i) * time.Hour)
		// The third was cancelled an hour after it was placed.
		o := ebayfake.Order{Buyer: buyers[i], Created: at, Modified: at, Cancelled: i == 2, Lines: lines}
		if o.Cancelled {
			o.Modified = at.Add(time.Hour)
		}
		if _, err := seller.AddOrder(o); err != nil {
			return fmt.Errorf("sandbox: ebay order: %w", err)
		}
	}
	return nil
}

// trickleEbay places a Sandbox eBay order every 30 to 90 seconds while a
// channel is connected to it; now and then an earlier one is cancelled.
// The next sync brings them in. It also registers this server's callback
// (at base) as the accept URL of Sandbox eBay's RuName, as a developer
// does on eBay, so that "Connect with eBay" works in the sandbox.
func (sb *Sandbox) trickleEbay(ctx context.Context, base string, at ChannelsAt, log *slog.Logger) {
	sb.Ebay.SetAcceptURL(base + "/channels/oauth/ebay/callback")
	rng := rand.New(rand.NewPCG(uint64(time.Now().UnixNano()), 11))
	for pause(ctx, rng) {
		if ids, err := at(ctx, "ebay", "api_url", sb.ebayURL); err != nil || len(ids) == 0 {
			continue
		}
		sb.ebayOrder(rng, log)
	}
}

func (sb *Sandbox) ebayOrder(rng *rand.Rand, log *slog.Logger) {
	if orders := sb.Ebay.Orders(); len(orders) > 3 && rng.IntN(8) == 0 {
		if o := orders[rng.IntN(len(orders))]; !o.Cancelled {
			_ = sb.Ebay.CancelOrder(o.OrderID)
			log.Info("sandbox: eBay order cancelled", "order", o.OrderID)
			return
		}
	}
	var skus []string
	for _, it := range sb.Ebay.Items() {
		if it.SKU != "" && it.Raw == nil && it.Quantity > 0 && len(it.Offers) > 0 && it.Offers[0].Status == "PUBLISHED" {
			skus = append(skus, it.SKU)
		}
	}
	if len(skus) == 0 {
		return
	}
	var lines []ebayfake.OrderLine
	for range 1 + rng.IntN(2) {
		lines = append(lines, ebayfake.OrderLine{SKU: skus[rng.IntN(len(skus))], Quantity: 1})
	}
	if o, err := sb.Ebay.AddOrder(ebayfake.Order{Buyer: "Sandbox eBay buyer", Lines: lines}); err == nil {
		log.Info("sandbox: new eBay order, imported by the next sync", "order", o.OrderID, "lines", len(lines))
	}
}
