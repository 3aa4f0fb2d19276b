package ebay

import (
	"encoding/json"
	"strconv"
	"strings"
)

// ebayError is one entry of eBay's error (and warning) lists, in whole-call
// answers and per item in bulk answers.
type ebayError struct {
	ErrorID     int    `json:"errorId"`
	Domain      string `json:"domain"`
	Category    string `json:"category"`
	Message     string `json:"message"`
	LongMessage string `json:"longMessage"`
}

func (e ebayError) String() string {
	msg := e.LongMessage
	if msg == "" {
		msg = e.Message
	}
	msg = strings.TrimSpace(msg)
	if e.ErrorID == 0 {
		return msg
	}
	return msg + " (eBay error " + strconv.Itoa(e.ErrorID) + ")"
}

type errorBody struct {
	Errors []ebayError `json:"errors"`
}

// errorMessage extracts eBay's explanation: the errors list of the REST
// APIs or the error_description of the OAuth endpoint.
func errorMessage(body []byte) string {
	var e struct {
		Errors           []ebayError `json:"errors"`
		Error            string      `json:"error"`
		ErrorDescription string      `json:"error_description"`
	}
	if json.Unmarshal(body, &e) != nil {
		return ""
	}
	if len(e.Errors) > 0 {
		parts := make([]string, len(e.Errors))
		for i, x := range e.Errors {
			parts[i] = x.String()
		}
		return strings.Join(parts, "; ")
	}
	if e.Error != "" {
		if e.ErrorDescription != "" {
			return e.ErrorDescription + " (" + e.Error + ")"
		}
		return e.Error
	}
	return ""
}

// amount is eBay's money: a decimal string and a currency code.
type amount struct {
	Value    json.RawMessage `json:"value"`
	Currency string          `json:"currency"`
}

type inventoryPage struct {
	Total          *int              `json:"total"`
	Next           string            `json:"next"`
	InventoryItems []json.RawMessage `json:"inventoryItems"`
}

type inventoryItem struct {
	SKU          string `json:"sku"`
	Availability struct {
		ShipToLocationAvailability struct {
			Quantity json.RawMessage `json:"quantity"`
		} `json:"shipToLocationAvailability"`
	} `json:"availability"`
	Product struct {
		Title string `json:"title"`
	} `json:"product"`
}

type offerPage struct {
	Total  int               `json:"total"`
	Next   string            `json:"next"`
	Offers []json.RawMessage `json:"offers"`
}

type offer struct {
	OfferID           string          `json:"offerId"`
	SKU               string          `json:"sku"`
	MarketplaceID     string          `json:"marketplaceId"`
	Format            string          `json:"format"`
	AvailableQuantity json.RawMessage `json:"availableQuantity"`
	PricingSummary    struct {
		Price amount `json:"price"`
	} `json:"pricingSummary"`
	Status  string `json:"status"` // PUBLISHED or UNPUBLISHED
	Listing struct {
		ListingID     string `json:"listingId"`
		ListingStatus string `json:"listingStatus"`
	} `json:"listing"`
}

type ordersPage struct {
	Total  int               `json:"total"`
	Next   string            `json:"next"`
	Orders []json.RawMessage `json:"orders"`
}

type order struct {
	OrderID                string `json:"orderId"`
	CreationDate           string `json:"creationDate"`
	LastModifiedDate       string `json:"lastModifiedDate"`
	OrderFulfillmentStatus string `json:"orderFulfillmentStatus"`
	OrderPaymentStatus     string `json:"orderPaymentStatus"`
	CancelStatus           struct {
		CancelState string `json:"cancelState"`
	} `json:"cancelStatus"`
	Buyer struct {
		Username                 string `json:"username"`
		BuyerRegistrationAddress struct {
			FullName string `json:"fullName"`
		} `json:"buyerRegistrationAddress"`
	} `json:"buyer"`
	PricingSummary struct {
		Total amount `json:"total"`
	} `json:"pricingSummary"`
	LineItems []lineItem `json:"lineItems"`
}

type lineItem struct {
	LineItemID           string `json:"lineItemId"`
	LegacyItemID         string `json:"legacyItemId"`
	SKU                  string `json:"sku"`
	Title                string `json:"title"`
	Quantity             int    `json:"quantity"`
	LineItemCost         amount `json:"lineItemCost"`
	ListingMarketplaceID string `json:"listingMarketplaceId"`
}
