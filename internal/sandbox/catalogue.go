package sandbox

import (
	"fmt"
	"strings"
	"time"

	shopifyfake "stocksync/internal/channel/shopify/fake"
	woofake "stocksync/internal/channel/woocommerce/fake"
)

// DemoItem is an item of the demo inventory the sandbox channels sell.
type DemoItem struct {
	Name, SKU, Price string
	Stock            int
}

var (
	demoAdjectives = []string{"Classic", "Everyday", "Large", "Mini", "Organic", "Handmade", "Vintage", "Travel", "Deluxe", "Rustic"}
	demoNouns      = []string{"Mug", "Tote Bag", "Candle", "Notebook", "Tea Towel", "Planter", "Water Bottle", "Scarf", "Coaster Set", "Apron"}
)

// DemoItems is the demo inventory: 100 items with SKUs SB-0001… .
func DemoItems() []DemoItem {
	items := make([]DemoItem, 0, 100)
	for i := 0; i < 100; i++ {
		cents := 499 + (i*737)%4500
		items = append(items, DemoItem{
			Name:  fmt.Sprintf("%s %s", demoAdjectives[i%len(demoAdjectives)], demoNouns[(i/len(demoAdjectives))%len(demoNouns)]),
			SKU:   fmt.Sprintf("SB-%04d", i+1),
			Price: fmt.Sprintf("%d.%02d", cents/100, cents%100),
			Stock: (i * 7) % 40,
		})
	}
	return items
}

var seeded = time.Date(2026, 11, 1, 9, 0, 0, 0, time.UTC)

// shopifyCatalogue: a third share a SKU with demo items, some share only a
// name, some only resemble one (they come in unconfirmed, with
// suggestions), most of the rest are new, and a handful are broken the way
// real catalogues are.
func shopifyCatalogue(items []DemoItem) []shopifyfake.Listing {
	var ls []shopifyfake.Listing
	add := func(title, variant, sku, price string, qty int) {
		ls = append(ls, shopifyfake.Listing{ProductTitle: title, Title: variant, SKU: sku, Price: price, Quantity: qty, UpdatedAt: seeded})
	}
	for _, it := range items[:50] {
		add(it.Name+" — online", "", it.SKU, it.Price, it.Stock)
	}
	for _, it := range items[50:65] {
		add(it.Name, "", "", it.Price, it.Stock)
	}
	// Listings that match no item exactly, so they arrive unconfirmed, but
	// resemble one: each reason a suggestion can give, four times.
	for i, it := range items[65:81] {
		switch i / 4 {
		case 0: // the SKU apart from case and punctuation
			add("Shop exclusive "+strings.ToLower(it.Name), "", strings.ToLower(strings.ReplaceAll(it.SKU, "-", " ")), it.Price, 3)
		case 1: // the name apart from case and spacing
			add(strings.ToLower(strings.ReplaceAll(it.Name, " ", "  ")), "", fmt.Sprintf("SHOP-NM-%d", i), it.Price, 3)
		case 2: // the price, and a name with a word added
			add(it.Name+" Bundle", "", fmt.Sprintf("SHOP-BN-%d", i), it.Price, 3)
		default: // a very similar name at another price
			add(it.Name+" XL", "", fmt.Sprintf("SHOP-XL-%d", i), "99.00", 3)
		}
	}
	for i := 0; i < 60; i++ {
		add(fmt.Sprintf("Sandbox Shopify Special %d", i+1), "", fmt.Sprintf("SHOP-NEW-%03d", i+1), fmt.Sprintf("%d.00", 10+i%30), 5+i%20)
	}
	add("", "", "", "4.00", 1)    // no SKU and no name
	add("", "", "   ", "6.00", 1) // a blank SKU is no SKU
	add("Gift Card Holder", "", "SHOP-BAD-1", "abc", 3)
	add("Linen Napkins", "", "SHOP-BAD-2", "12,50", 8)
	add("Enamel Pin", "", "SHOP-DUP", "7.00", 4)
	add("Enamel Pin (copy)", "", "SHOP-DUP", "7.00", 4)
	return ls
}

func wooCatalogue(items []DemoItem) []woofake.Product {
	var ps []woofake.Product
	qty := func(n int) *int { return &n }
	for _, it := range items[34:84] {
		ps = append(ps, woofake.Product{Name: it.Name, SKU: it.SKU, Price: it.Price, ManageStock: true, StockQuantity: qty(it.Stock), DateModified: seeded})
	}
	for _, it := range items[84:99] {
		ps = append(ps, woofake.Product{Name: it.Name, Price: it.Price, ManageStock: true, StockQuantity: qty(it.Stock), DateModified: seeded})
	}
	for i := 0; i < 60; i++ {
		ps = append(ps, woofake.Product{Name: fmt.Sprintf("Woo Workshop Piece %d", i+1), SKU: fmt.Sprintf("WOO-NEW-%03d", i+1),
			Price: fmt.Sprintf("%d.50", 8+i%25), ManageStock: true, StockQuantity: qty(3 + i%15), DateModified: seeded})
	}
	for i := 0; i < 5; i++ {
		p := woofake.Product{Name: fmt.Sprintf("Woo Knitted Jumper %d", i+1), Type: "variable", DateModified: seeded}
		for j, size := range []string{"S", "M", "L"} {
			p.Variations = append(p.Variations, woofake.Variation{SKU: fmt.Sprintf("WOO-JMP-%d-%s", i+1, size), Price: "45.00",
				ManageStock: true, StockQuantity: qty(2 + j), Attributes: []woofake.Attribute{{Name: "Size", Option: size}}, DateModified: seeded})
		}
		ps = append(ps, p)
	}
	ps = append(ps,
		woofake.Product{Name: "", SKU: "", Price: "3.00", DateModified: seeded},
		woofake.Product{Name: "Ceramic Bowl", SKU: "WOO-BAD-1", Price: "twelve", DateModified: seeded},
		woofake.Product{Name: "Wool Socks", SKU: "WOO-DUP", Price: "9.00", DateModified: seeded},
		woofake.Product{Name: "Wool Socks (old)", SKU: "WOO-DUP", Price: "9.00", DateModified: seeded},
	)
	return ps
}
