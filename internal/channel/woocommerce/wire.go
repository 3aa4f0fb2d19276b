package woocommerce

import (
	"encoding/json"
	"time"

	"stocksync/internal/channel"
)

// The record shapes, with the fields asked for through _fields so that
// pages stay small (a product's description alone can outweigh the rest).
const (
	productFields   = "id,name,permalink,sku,type,status,price,manage_stock,stock_quantity,date_modified_gmt,variations"
	variationFields = "id,permalink,sku,status,price,manage_stock,stock_quantity,date_modified_gmt,attributes"
	orderFields     = "id,number,status,currency,date_created_gmt,date_modified_gmt,total,billing,line_items"
)

type product struct {
	ID              int             `json:"id"`
	Name            string          `json:"name"`
	Permalink       string          `json:"permalink"`
	SKU             string          `json:"sku"`
	Type            string          `json:"type"`
	Status          string          `json:"status"` // publish, draft, pending, private or future
	Price           json.RawMessage `json:"price"`
	ManageStock     json.RawMessage `json:"manage_stock"`
	StockQuantity   json.RawMessage `json:"stock_quantity"`
	DateModifiedGMT string          `json:"date_modified_gmt"`
}

type variation struct {
	ID              int             `json:"id"`
	Permalink       string          `json:"permalink"`
	SKU             string          `json:"sku"`
	Status          string          `json:"status"` // publish (enabled) or private (disabled)
	Price           json.RawMessage `json:"price"`
	ManageStock     json.RawMessage `json:"manage_stock"` // true, false or "parent"
	StockQuantity   json.RawMessage `json:"stock_quantity"`
	DateModifiedGMT string          `json:"date_modified_gmt"`
	Attributes      []struct {
		Name   string `json:"name"`
		Option string `json:"option"`
	} `json:"attributes"`
}

type order struct {
	ID              int    `json:"id"`
	Number          string `json:"number"`
	Status          string `json:"status"`
	Currency        string `json:"currency"`
	DateCreatedGMT  string `json:"date_created_gmt"`
	DateModifiedGMT string `json:"date_modified_gmt"`
	Billing         struct {
		FirstName string `json:"first_name"`
		LastName  string `json:"last_name"`
		Company   string `json:"company"`
		Email     string `json:"email"`
	} `json:"billing"`
	LineItems []struct {
		ID          int             `json:"id"`
		Name        string          `json:"name"`
		ProductID   int             `json:"product_id"`
		VariationID int             `json:"variation_id"`
		Quantity    int             `json:"quantity"`
		SKU         string          `json:"sku"`
		Price       json.RawMessage `json:"price"` // a number, unlike every other price
	} `json:"line_items"`
}

// wcDate is how WooCommerce writes dates: no zone; the _gmt fields are UTC.
const wcDate = "2006-01-02T15:04:05"

// gmtTime reads a _gmt date; zero when absent or unreadable (products
// imported by some plugins have none), which only costs an incremental sync
// its precision, never a record.
func gmtTime(s string) time.Time {
	t, err := time.Parse(wcDate, s)
	if err != nil {
		return time.Time{}
	}
	return t
}

// forSale tells whether a product or variation status is one a customer can
// buy: "publish" (an enabled variation is "publish", a disabled one
// "private"). A record without a status is taken as for sale, as every
// WooCommerce since 3.0 sends one and a plugin that drops it should not
// empty the catalogue.
func forSale(status string) bool { return status == "" || status == "publish" }

// stockMode reads manage_stock: "true", "false" or "parent".
func stockMode(raw json.RawMessage) string { return channel.RawText(raw) }
