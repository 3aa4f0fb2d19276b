package shopify

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"time"

	"stocksync/internal/channel"
)

type pageInfo struct {
	HasNextPage bool   `json:"hasNextPage"`
	EndCursor   string `json:"endCursor"`
}

type variantNode struct {
	ID            string          `json:"id"`
	Title         string          `json:"title"`
	DisplayName   string          `json:"displayName"`
	SKU           string          `json:"sku"`
	Price         json.RawMessage `json:"price"`
	UpdatedAt     time.Time       `json:"updatedAt"`
	InventoryItem struct {
		ID      string `json:"id"`
		Tracked bool   `json:"tracked"`
		// InventoryLevel is the item's stock at the managed location; null
		// where the item is not stocked.
		InventoryLevel *struct {
			Quantities []struct {
				Name     string `json:"name"`
				Quantity *int   `json:"quantity"`
			} `json:"quantities"`
		} `json:"inventoryLevel"`
	} `json:"inventoryItem"`
	Product struct {
		ID    string `json:"id"`
		Title string `json:"title"`
		// OnlineStoreURL is the product's page on the shop's storefront;
		// null when the product is not published to the Online Store.
		OnlineStoreURL string `json:"onlineStoreUrl"`
	} `json:"product"`
	ParentID string `json:"__parentId"` // bulk export lines only: a nested connection's node
}

// FetchListings returns one page of product variants, oldest ID first.
func (c *Client) FetchListings(ctx context.Context, since time.Time, cursor string) (channel.ListingPage, error) {
	var out struct {
		ProductVariants struct {
			Nodes    []json.RawMessage `json:"nodes"`
			PageInfo pageInfo          `json:"pageInfo"`
		} `json:"productVariants"`
	}
	location, err := c.location(ctx)
	if err != nil {
		return channel.ListingPage{}, err
	}
	vars := pageVariables(variantsPageSize, since, cursor)
	vars["location"] = location
	if err := c.graphql(ctx, "productVariants page", productVariantsQuery, vars, &out); err != nil {
		return channel.ListingPage{}, err
	}
	page := channel.ListingPage{Listings: make([]channel.Listing, len(out.ProductVariants.Nodes)), Total: -1}
	for i, raw := range out.ProductVariants.Nodes {
		page.Listings[i] = listingFrom(raw)
	}
	if out.ProductVariants.PageInfo.HasNextPage {
		page.HasMore, page.NextCursor = true, out.ProductVariants.PageInfo.EndCursor
	}
	return page, nil
}

// pageVariables are the paging variables every connection query shares.
func pageVariables(first int, since time.Time, cursor string) map[string]any {
	vars := map[string]any{"first": first, "after": nil, "query": nil}
	if cursor != "" {
		vars["after"] = cursor
	}
	if !since.IsZero() {
		vars["query"] = fmt.Sprintf("updated_at:>'%s'", since.UTC().Format(time.RFC3339))
	}
	return vars
}

// listingFrom maps one variant; a node that cannot be read becomes a listing
// carrying the Problem, so one odd record does not sink the page.
func listingFrom(raw json.RawMessage) channel.Listing {
	var n variantNode
	if err := json.Unmarshal(raw, &n); err != nil {
		return channel.Listing{Raw: raw, Problem: "the variant could not be read: " + err.Error()}
	}
	return n.listing(raw)
}

func (n variantNode) listing(raw json.RawMessage) channel.Listing {
	l := channel.Listing{
		ExternalID:   n.ID,
		ProductID:    n.Product.ID,
		SKU:          n.SKU,
		Name:         n.name(),
		Price:        channel.RawText(n.Price),
		InventoryRef: n.InventoryItem.ID,
		UpdatedAt:    n.UpdatedAt,
		URL:          n.Product.OnlineStoreURL,
		Raw:          raw,
	}
	if n.InventoryItem.Tracked {
		l.Quantity, l.Problem = n.available()
	}
	return l
}

// available is the variant's available stock at the managed location. An
// item not stocked there has none there; Shopify stocks it at the location
// when a quantity is first set.
func (n variantNode) available() (*int, string) {
	q := 0
	level := n.InventoryItem.InventoryLevel
	if level == nil {
		return &q, ""
	}
	for _, lq := range level.Quantities {
		if lq.Name == "available" && lq.Quantity != nil {
			q = *lq.Quantity
			return &q, ""
		}
	}
	return nil, "the shop did not report the available quantity at the location stocksync manages"
}

// name is the listing's name: Shopify's displayName ("Mug - Blue", which it
// writes "Mug - Default Title" for a lone variant), or else the same made
// from the product's title and the variant's.
func (n variantNode) name() string {
	if n.DisplayName != "" {
		return strings.TrimSuffix(n.DisplayName, " - Default Title")
	}
	return variantName(n.Product.Title, n.Title)
}

// variantName adds the variant's title to the product's when it tells the
// variants apart; Shopify calls a product's only variant "Default Title".
func variantName(product, variant string) string {
	v := strings.TrimSpace(variant)
	switch {
	case v == "" || v == "Default Title" || v == strings.TrimSpace(product):
		return product
	case strings.TrimSpace(product) == "":
		return variant
	}
	return product + " - " + variant
}
