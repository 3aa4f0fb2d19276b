package sandbox

import (
	"fmt"
	"strconv"

	shopifyfake "stocksync/internal/channel/shopify/fake"
	woofake "stocksync/internal/channel/woocommerce/fake"
)

// seedOrders gives each sandbox channel an order book the first sync
// imports: orders of listings that link to demo items (they commit stock),
// orders with a line of a listing nobody confirmed yet (frozen until it is
// settled), one cancelled on the channel.
func (sb *Sandbox) seedOrders() error {
	bySKU := map[string]string{}
	for _, l := range sb.Shopify.Listings() {
		if l.SKU != "" {
			bySKU[l.SKU] = l.ID
		}
	}
	shop := func(customer string, lines ...shopifyfake.OrderLine) (shopifyfake.Order, error) {
		for i, l := range lines {
			if l.VariantID == "" && l.SKU != "" {
				lines[i].VariantID, lines[i].SKU = bySKU[l.SKU], ""
			}
		}
		return sb.Shopify.AddOrder(shopifyfake.Order{Customer: customer, CreatedAt: seeded, UpdatedAt: seeded, Lines: lines})
	}
	orders := [][]shopifyfake.OrderLine{
		{{SKU: "SB-0001", Quantity: 2}, {SKU: "SB-0002", Quantity: 1}},
		{{SKU: "SB-0003", Quantity: 1}, {SKU: "SHOP-NEW-001", Quantity: 1}},
		{{SKU: "SHOP-NEW-002", Quantity: 2}, {SKU: "SHOP-NEW-003", Quantity: 1}, {SKU: "SB-0005", Quantity: 1}},
		{{SKU: "SB-0006", Quantity: 3}},
		{{SKU: "SB-0007", Quantity: 1}, {Name: "Gift wrapping", Quantity: 1, Price: "3.00"}},
	}
	customers := []string{"Maya Lindqvist", "Tom Okafor", "Priya Raman", "Lucas Moreau", "Hana Sato"}
	var placed []shopifyfake.Order
	for i, lines := range orders {
		o, err := shop(customers[i], lines...)
		if err != nil {
			return fmt.Errorf("sandbox: shopify order: %w", err)
		}
		placed = append(placed, o)
	}
	if err := sb.Shopify.CancelOrder(placed[3].ID); err != nil {
		return fmt.Errorf("sandbox: %w", err)
	}

	wooIDs := map[string]string{}
	for _, p := range sb.Woo.Products() {
		if p.SKU != "" {
			wooIDs[p.SKU] = strconv.Itoa(p.ID)
		}
	}
	wooCustomers := []string{"Ines Duarte", "Ben Carter", "Olga Petrova"}
	for i, lines := range [][]woofake.OrderLine{
		{{ExternalID: wooIDs["SB-0040"], Quantity: 1}, {ExternalID: wooIDs["SB-0041"], Quantity: 2}},
		{{ExternalID: wooIDs["SB-0042"], Quantity: 1}, {ExternalID: wooIDs["WOO-NEW-001"], Quantity: 1}},
		{{ExternalID: wooIDs["WOO-NEW-002"], Quantity: 2}},
	} {
		if _, err := sb.Woo.AddOrder(woofake.Order{Customer: wooCustomers[i], DateCreated: seeded, DateModified: seeded, Lines: lines}); err != nil {
			return fmt.Errorf("sandbox: woocommerce order: %w", err)
		}
	}
	return nil
}
