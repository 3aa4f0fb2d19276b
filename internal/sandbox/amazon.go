package sandbox

import (
	"context"
	"fmt"
	"log/slog"
	"math/rand/v2"
	"time"

	amazonfake "stocksync/internal/channel/amazon/fake"
	channelviews "stocksync/views/channels"
)

// AmazonAddr is where Sandbox Amazon listens (see ShopifyAddr).
var AmazonAddr = "127.0.0.1:8095"

// startAmazon serves Sandbox Amazon: a seller account at Amazon's
// documented rate limits, whose reports and feeds take a few seconds.
func (sb *Sandbox) startAmazon(log *slog.Logger) error {
	sb.Amazon = amazonfake.New(amazonfake.Options{ReportDelay: 3 * time.Second, FeedDelay: 5 * time.Second})
	sb.Amazon.SetListings(amazonCatalogue(DemoItems()))
	if err := sb.seedAmazonOrders(); err != nil {
		return err
	}
	url, err := sb.serve(sb.Amazon.Handler(), AmazonAddr, log)
	if err != nil {
		return err
	}
	creds := sb.Amazon.Credentials()
	creds["endpoint"] = url
	sb.Presets = append(sb.Presets, channelviews.Preset{Key: "sandbox-amazon", Label: "Sandbox Amazon", Kind: "amazon", Name: "Sandbox Amazon", Credentials: creds})
	log.Info("sandbox Amazon is running", "amazon", url)
	return nil
}

// amazonCatalogue: 40 SKUs shared with demo items (every fifth of them
// fulfilled by Amazon), 30 new listings, and a few broken the way a
// listings report can be.
func amazonCatalogue(items []DemoItem) []amazonfake.Listing {
	var ls []amazonfake.Listing
	for i, it := range items[20:60] {
		ls = append(ls, amazonfake.Listing{SKU: it.SKU, Name: it.Name, Price: it.Price, Quantity: it.Stock, FBA: i%5 == 4, UpdatedAt: seeded})
	}
	for i := range 30 {
		ls = append(ls, amazonfake.Listing{SKU: fmt.Sprintf("AMZ-NEW-%03d", i+1), Name: fmt.Sprintf("Amazon Marketplace Find %d", i+1),
			Price: fmt.Sprintf("%d.99", 12+i%20), Quantity: 4 + i%12, FBA: i%6 == 5, UpdatedAt: seeded})
	}
	return append(ls,
		amazonfake.Listing{SKU: "AMZ-BAD-1", Name: "Bamboo Cutting Board", Price: "n/a", Quantity: 3, UpdatedAt: seeded},
		amazonfake.Listing{SKU: "AMZ-BAD-2", Name: "Glass Jar", Price: "8.00", BadQuantity: "in stock", UpdatedAt: seeded},
		amazonfake.Listing{SKU: "AMZ-BAD-3", Name: "Cork Board", Price: "11.00", Malformed: true, UpdatedAt: seeded},
	)
}

// seedAmazonOrders: orders of linked and unconfirmed listings, one still
// Pending (it commits nothing until Amazon confirms it), one cancelled,
// and one Amazon fulfilled from its own warehouse (AFN, of the FBA listing
// SB-0025), which commits none of our stock and, Amazon having shipped
// it, lists as shipped, waiting for its invoice.
func (sb *Sandbox) seedAmazonOrders() error {
	for _, o := range []amazonfake.Order{
		{BuyerName: "Sofia Marquez", Items: []amazonfake.OrderItem{{SKU: "SB-0021", Quantity: 1}, {SKU: "SB-0022", Quantity: 2}}},
		{BuyerName: "Jonas Berg", Items: []amazonfake.OrderItem{{SKU: "SB-0023", Quantity: 1}, {SKU: "AMZ-NEW-001", Quantity: 1}}},
		{BuyerName: "Aiko Tanaka", Status: "Pending", Items: []amazonfake.OrderItem{{SKU: "SB-0026", Quantity: 1}}},
		{BuyerName: "Omar Haddad", Status: "Canceled", Items: []amazonfake.OrderItem{{SKU: "SB-0027", Quantity: 2}}},
		{BuyerName: "Lena Fischer", Status: "Shipped", FulfillmentChannel: "AFN", Items: []amazonfake.OrderItem{{SKU: "SB-0025", Quantity: 2}}},
	} {
		o.PurchaseDate = time.Now().Add(-24 * time.Hour)
		if _, err := sb.Amazon.AddOrder(o); err != nil {
			return fmt.Errorf("sandbox: amazon order: %w", err)
		}
	}
	return nil
}

// amazonTrickle places an order on Sandbox Amazon every 30 to 90 seconds,
// which the next sync imports (Amazon has no web hooks to push them), and
// moves earlier orders on: Pending ones are confirmed, Unshipped ones now
// and then shipped or cancelled. It returns when ctx ends.
func (sb *Sandbox) amazonTrickle(ctx context.Context, log *slog.Logger) {
	rng := rand.New(rand.NewPCG(uint64(time.Now().UnixNano()), 11))
	for pause(ctx, rng) {
		for _, o := range sb.Amazon.Orders() {
			switch {
			case o.Status == "Pending":
				_ = sb.Amazon.SetOrderStatus(o.ID, "Unshipped")
			case o.Status == "Unshipped" && rng.IntN(6) == 0:
				_ = sb.Amazon.SetOrderStatus(o.ID, "Shipped")
			case o.Status == "Unshipped" && rng.IntN(20) == 0:
				_ = sb.Amazon.SetOrderStatus(o.ID, "Canceled")
			}
		}
		ls := sb.Amazon.Listings()
		l := ls[rng.IntN(len(ls))]
		status := "Unshipped"
		if rng.IntN(3) == 0 {
			status = "Pending"
		}
		fulfilment := "MFN"
		if l.FBA {
			fulfilment = "AFN" // Amazon ships what it stocks
		}
		if _, err := sb.Amazon.AddOrder(amazonfake.Order{Status: status, BuyerName: "Sandbox buyer", FulfillmentChannel: fulfilment,
			Items: []amazonfake.OrderItem{{SKU: l.SKU, Quantity: 1 + rng.IntN(2)}}}); err != nil {
			log.Warn("sandbox: amazon order", "err", err)
		}
	}
}
