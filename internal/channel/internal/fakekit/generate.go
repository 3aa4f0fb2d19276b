package fakekit

import (
	"fmt"
	"math/rand/v2"
)

// GeneratedListing is one sellable record of a generated catalogue.
type GeneratedListing struct {
	Product      int    // index of the product it belongs to, from 0
	ProductTitle string // shared by the product's variants
	VariantTitle string // "" for a product with a single variant
	SKU          string // "" for about one listing in fifty, as real catalogues have
	Price        string // decimal with two places
	Quantity     int
}

var (
	adjectives = []string{"Classic", "Vintage", "Everyday", "Premium", "Rugged", "Slim", "Cozy", "Urban", "Coastal", "Alpine", "Heritage", "Studio"}
	materials  = []string{"Cotton", "Linen", "Wool", "Leather", "Canvas", "Bamboo", "Ceramic", "Oak", "Steel", "Denim", "Silk", "Cork"}
	nouns      = []string{"Shirt", "Mug", "Tote Bag", "Notebook", "Lamp", "Scarf", "Backpack", "Candle", "Wallet", "Cap", "Planter", "Blanket", "Apron", "Bottle"}
	sizes      = []string{"S", "M", "L", "XL"}
	colours    = []string{"Black", "White", "Navy", "Sand", "Olive", "Rust"}
)

// Catalogue generates n listings deterministically from seed: the same
// arguments always give the same SKUs, names, prices and quantities.
// Products have one to three variants; names carry the product number so
// most are unique, as in a real shop.
func Catalogue(n int, seed int64) []GeneratedListing {
	rng := rand.New(rand.NewPCG(uint64(seed), 0x9e3779b97f4a7c15))
	out := make([]GeneratedListing, 0, n)
	for product := 0; len(out) < n; product++ {
		title := fmt.Sprintf("%s %s %s %d",
			adjectives[rng.IntN(len(adjectives))], materials[rng.IntN(len(materials))], nouns[rng.IntN(len(nouns))], product+1)
		variants := min(1+rng.IntN(3), n-len(out))
		colour := colours[rng.IntN(len(colours))]
		cents := 199 + rng.IntN(19800)
		for v := range variants {
			l := GeneratedListing{
				Product:      product,
				ProductTitle: title,
				Price:        fmt.Sprintf("%d.%02d", cents/100, cents%100),
				Quantity:     rng.IntN(251),
			}
			if variants > 1 {
				l.VariantTitle = colour + " / " + sizes[v]
			}
			if rng.IntN(50) != 0 {
				l.SKU = fmt.Sprintf("SKU-%07d", len(out)+1)
			}
			out = append(out, l)
		}
	}
	return out
}
