package etsy

import (
	"encoding/json"
	"fmt"
	"html"
	"math/big"
	"sort"
	"strconv"
	"strings"
	"time"
)

// listing is a ShopListing as getListingsByShop and getListingsByListingIds
// send it; Inventory is there when asked for with includes=Inventory.
type listing struct {
	ListingID     int64           `json:"listing_id"`
	Title         string          `json:"title"`
	State         string          `json:"state"`
	URL           string          `json:"url"`
	LastModified  int64           `json:"last_modified_timestamp"`
	Created       int64           `json:"creation_timestamp"`
	Inventory     json.RawMessage `json:"inventory"`
	HasVariations bool            `json:"has_variations"`
}

type listingsPage struct {
	Count   int               `json:"count"`
	Results []json.RawMessage `json:"results"`
}

// inventory is a ListingInventory. Products stay raw until read one by
// one, so one unreadable product does not cost the listing's others.
type inventory struct {
	Products           []json.RawMessage `json:"products"`
	PriceOnProperty    []int64           `json:"price_on_property"`
	QuantityOnProperty []int64           `json:"quantity_on_property"`
	SKUOnProperty      []int64           `json:"sku_on_property"`
}

type product struct {
	ProductID      int64           `json:"product_id"`
	SKU            string          `json:"sku"`
	IsDeleted      bool            `json:"is_deleted"`
	Offerings      []offering      `json:"offerings"`
	PropertyValues []propertyValue `json:"property_values"`
}

type offering struct {
	OfferingID int64           `json:"offering_id"`
	Quantity   json.RawMessage `json:"quantity"`
	IsEnabled  bool            `json:"is_enabled"`
	IsDeleted  bool            `json:"is_deleted"`
	Price      money           `json:"price"`
}

type propertyValue struct {
	PropertyID   int64    `json:"property_id"`
	PropertyName *string  `json:"property_name"`
	ScaleID      *int64   `json:"scale_id"`
	ValueIDs     []int64  `json:"value_ids"`
	Values       []string `json:"values"`
}

// money is Etsy's Money: amount / divisor in currency_code.
type money struct {
	Amount       int64  `json:"amount"`
	Divisor      int64  `json:"divisor"`
	CurrencyCode string `json:"currency_code"`
}

// decimal writes m as a decimal number ("12.50"); "" when it is no price.
func (m money) decimal() string {
	if m.Divisor <= 0 {
		return ""
	}
	scale, d := 0, m.Divisor
	for d%10 == 0 {
		d /= 10
		scale++
	}
	if d == 1 {
		r := new(big.Rat).SetFrac64(m.Amount, m.Divisor)
		return r.FloatString(max(scale, 2))
	}
	return new(big.Rat).SetFrac64(m.Amount, m.Divisor).FloatString(4)
}

// activeOffering is the product's offering buyers see: Etsy keeps one
// offering per product in v3.
func (p product) activeOffering() (offering, bool) {
	for _, o := range p.Offerings {
		if !o.IsDeleted {
			return o, true
		}
	}
	return offering{}, false
}

// productKey names a product by its listing and its property value IDs,
// which survive inventory writes (product_id does not).
func productKey(listingID int64, pvs []propertyValue) string {
	id := strconv.FormatInt(listingID, 10)
	sorted := append([]propertyValue(nil), pvs...)
	sort.SliceStable(sorted, func(i, j int) bool { return sorted[i].PropertyID < sorted[j].PropertyID })
	var parts []string
	for _, pv := range sorted {
		if len(pv.ValueIDs) == 0 {
			for _, v := range pv.Values {
				parts = append(parts, strings.ToLower(strings.TrimSpace(v)))
			}
			continue
		}
		for _, v := range pv.ValueIDs {
			parts = append(parts, strconv.FormatInt(v, 10))
		}
	}
	if len(parts) == 0 {
		return id
	}
	return id + "/" + strings.Join(parts, "-")
}

// splitKey reads a productKey back: the listing ID and the part after it.
func splitKey(key string) (int64, string, error) {
	first, rest, _ := strings.Cut(key, "/")
	id, err := strconv.ParseInt(first, 10, 64)
	if err != nil || id <= 0 {
		return 0, "", fmt.Errorf("%q is not an Etsy listing reference", key)
	}
	return id, rest, nil
}

// text undoes the HTML escaping Etsy applies to titles and property values
// ("Mom&#39;s Mug").
func text(s string) string { return html.UnescapeString(s) }

func unixTime(s int64) time.Time {
	if s <= 0 {
		return time.Time{}
	}
	return time.Unix(s, 0).UTC()
}

// receipt is a ShopReceipt with its transactions.
type receipt struct {
	ReceiptID    int64         `json:"receipt_id"`
	Status       string        `json:"status"`
	Name         string        `json:"name"`
	BuyerEmail   string        `json:"buyer_email"`
	CreateTime   int64         `json:"create_timestamp"`
	UpdateTime   int64         `json:"update_timestamp"`
	GrandTotal   money         `json:"grandtotal"`
	Transactions []transaction `json:"transactions"`
}

type transaction struct {
	TransactionID int64       `json:"transaction_id"`
	Title         string      `json:"title"`
	ListingID     int64       `json:"listing_id"`
	ProductID     int64       `json:"product_id"`
	SKU           string      `json:"sku"`
	Quantity      int         `json:"quantity"`
	Price         money       `json:"price"`
	Variations    []variation `json:"variations"`
}

// variation is a transaction's chosen property value.
type variation struct {
	PropertyID     int64  `json:"property_id"`
	ValueID        *int64 `json:"value_id"`
	FormattedName  string `json:"formatted_name"`
	FormattedValue string `json:"formatted_value"`
}
