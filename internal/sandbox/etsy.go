package sandbox

import (
	"context"
	"fmt"
	"log/slog"
	"math/rand/v2"
	"strconv"

	etsyfake "stocksync/internal/channel/etsy/fake"
	channelviews "stocksync/views/channels"
)

// EtsyAddr is Sandbox Etsy's fixed loopback port (see ShopifyAddr).
var EtsyAddr = "127.0.0.1:8093"

// EtsyRefreshToken is the refresh token the Sandbox Etsy preset fills in.
// It stays valid after use so that the preset connects again and again;
// the tokens the fake hands out in exchange rotate as Etsy's do.
const EtsyRefreshToken = "271828.sandbox-etsy-refresh-token"

// sandboxEtsy is Sandbox Etsy's part of the sandbox.
type sandboxEtsy struct {
	Etsy    *etsyfake.Server
	etsyURL string
}

// startEtsy serves Sandbox Etsy, seeded, and adds its preset and its
// trickle of orders.
func (sb *Sandbox) startEtsy(items []DemoItem, log *slog.Logger) error {
	sb.Etsy = etsyfake.New(etsyfake.Options{PermanentRefreshToken: EtsyRefreshToken, AcceptEarlierRefreshTokens: true})
	sb.Etsy.SetListings(etsyCatalogue(items))
	if err := seedEtsyReceipts(sb.Etsy); err != nil {
		return err
	}
	u, err := sb.serve(sb.Etsy.Handler(), EtsyAddr, log)
	if err != nil {
		return err
	}
	sb.etsyURL = u
	sb.Etsy.SetStorefront(u)
	sb.Presets = append(sb.Presets, channelviews.Preset{Key: "sandbox-etsy", Label: "Sandbox Etsy", Kind: "etsy", Name: "Sandbox Etsy",
		Credentials: map[string]string{"keystring": etsyfake.DefaultKeystring, "shared_secret": etsyfake.DefaultSharedSecret,
			"shop_id": strconv.Itoa(etsyfake.DefaultShopID), "refresh_token": EtsyRefreshToken, "api_url": u}})
	sb.trickles = append(sb.trickles, sb.etsyOrder)
	log.Info("sandbox: Etsy is running", "etsy", u)
	return nil
}

// etsyCatalogue: listings sharing a SKU with demo items, listings with
// variations, one whose products have no SKU, new ones, and a few broken
// records.
func etsyCatalogue(items []DemoItem) []etsyfake.Listing {
	var ls []etsyfake.Listing
	one := func(title, sku, price string, qty int) etsyfake.Listing {
		return etsyfake.Listing{Title: title, Created: seeded, Products: []etsyfake.Product{{SKU: sku, Price: price, Quantity: qty}}}
	}
	for _, it := range items[20:60] {
		ls = append(ls, one(it.Name+" (handmade)", it.SKU, it.Price, it.Stock))
	}
	for i := 0; i < 4; i++ {
		l := etsyfake.Listing{Title: fmt.Sprintf("Etsy Hand-knitted Beanie %d", i+1), Created: seeded,
			QuantityOnProperty: []int64{100}, SKUOnProperty: []int64{100}}
		for j, size := range []string{"S", "M", "L"} {
			l.Products = append(l.Products, etsyfake.Product{SKU: fmt.Sprintf("ETSY-BNE-%d-%s", i+1, size), Price: "28.00", Quantity: 2 + j,
				Values: []etsyfake.Value{{PropertyID: 100, Name: "Size", ValueID: int64(5100 + j), Value: size}}})
		}
		ls = append(ls, l)
	}
	towel := etsyfake.Listing{Title: "Etsy Block-printed Tea Towel", Created: seeded, QuantityOnProperty: []int64{200}}
	for j, colour := range []string{"Indigo", "Ochre", "Sage"} {
		towel.Products = append(towel.Products, etsyfake.Product{Price: "14.00", Quantity: 4 + j,
			Values: []etsyfake.Value{{PropertyID: 200, Name: "Primary color", ValueID: int64(1200 + j), Value: colour}}})
	}
	ls = append(ls, towel)
	for i := 0; i < 30; i++ {
		ls = append(ls, one(fmt.Sprintf("Etsy Handmade Piece %d", i+1), fmt.Sprintf("ETSY-NEW-%03d", i+1), fmt.Sprintf("%d.00", 12+i%20), 2+i%9))
	}
	ls = append(ls,
		one("", "", "5.00", 1), // no title and no SKU
		etsyfake.Listing{Title: "Beeswax Candle", Created: seeded, Products: []etsyfake.Product{{SKU: "ETSY-BAD-1", Price: "9.00", RawQuantity: `"lots"`}}},
		one("Felt Coaster", "ETSY-DUP", "6.00", 5),
		one("Felt Coaster (old)", "ETSY-DUP", "6.00", 5),
	)
	return ls
}

// seedEtsyReceipts: receipts of linked listings, one with a line of a new
// listing (frozen until settled), one cancelled.
func seedEtsyReceipts(shop *etsyfake.Server) error {
	keys := map[string]string{}
	for _, l := range shop.Listings() {
		for _, p := range l.Products {
			if p.SKU != "" {
				keys[p.SKU] = l.Key(p)
			}
		}
	}
	line := func(sku string, q int) etsyfake.Transaction { return etsyfake.Transaction{Key: keys[sku], Quantity: q} }
	for i, r := range []etsyfake.Receipt{
		{Name: "Freya Holm", Lines: []etsyfake.Transaction{line("SB-0021", 1), line("SB-0022", 2)}},
		{Name: "Kofi Mensah", Lines: []etsyfake.Transaction{line("SB-0023", 1), line("ETSY-NEW-001", 1)}},
		{Name: "Leila Haddad", Lines: []etsyfake.Transaction{line("ETSY-BNE-1-M", 1)}},
		{Name: "Marco Bianchi", Lines: []etsyfake.Transaction{line("SB-0024", 3)}, Status: "canceled"},
	} {
		r.Created, r.Updated = seeded, seeded
		if _, err := shop.AddReceipt(r); err != nil {
			return fmt.Errorf("sandbox: etsy receipt %d: %w", i+1, err)
		}
	}
	return nil
}

// etsyOrder places a receipt on Sandbox Etsy while a channel is connected
// to it; Etsy has no order webhooks here, so the next sync brings it in.
// Now and then an earlier receipt is cancelled.
func (sb *Sandbox) etsyOrder(ctx context.Context, _ string, at ChannelsAt, rng *rand.Rand, log *slog.Logger) {
	if ids, err := at(ctx, "etsy", "api_url", sb.etsyURL); err != nil || len(ids) == 0 {
		return
	}
	if rs := sb.Etsy.Receipts(); len(rs) > 4 && rng.IntN(8) == 0 {
		if r := rs[rng.IntN(len(rs))]; r.Status == "paid" {
			_ = sb.Etsy.SetReceiptStatus(r.ID, "canceled")
			log.Info("sandbox: Etsy receipt cancelled", "receipt", r.ID)
			return
		}
	}
	var keys []string
	for _, l := range sb.Etsy.Listings() {
		for _, p := range l.Products {
			if l.Title != "" && p.RawQuantity == "" {
				keys = append(keys, l.Key(p))
			}
		}
	}
	if len(keys) == 0 {
		return
	}
	var lines []etsyfake.Transaction
	for range 1 + rng.IntN(3) {
		lines = append(lines, etsyfake.Transaction{Key: keys[rng.IntN(len(keys))], Quantity: 1 + rng.IntN(2)})
	}
	if r, err := sb.Etsy.AddReceipt(etsyfake.Receipt{Name: "Etsy Buyer", Lines: lines}); err == nil {
		log.Info("sandbox: new Etsy receipt, imported by the next sync", "receipt", r.ID, "lines", len(lines))
	}
}
