package amazon

import "encoding/json"

// searchResults is searchListingsItems' answer.
type searchResults struct {
	NumberOfResults int `json:"numberOfResults"`
	Pagination      *struct {
		NextToken string `json:"nextToken"`
	} `json:"pagination"`
	Items []json.RawMessage `json:"items"`
}

// listingsItem is one SKU with the included data asked for.
type listingsItem struct {
	SKU       string `json:"sku"`
	Summaries []struct {
		MarketplaceID   string   `json:"marketplaceId"`
		ASIN            string   `json:"asin"`
		ProductType     string   `json:"productType"`
		ItemName        string   `json:"itemName"`
		Status          []string `json:"status"`
		LastUpdatedDate string   `json:"lastUpdatedDate"`
	} `json:"summaries"`
	Offers []struct {
		MarketplaceID string `json:"marketplaceId"`
		OfferType     string `json:"offerType"`
		Price         struct {
			CurrencyCode string          `json:"currencyCode"`
			Amount       json.RawMessage `json:"amount"`
		} `json:"price"`
	} `json:"offers"`
	FulfillmentAvailability []struct {
		FulfillmentChannelCode string          `json:"fulfillmentChannelCode"`
		Quantity               json.RawMessage `json:"quantity"`
	} `json:"fulfillmentAvailability"`
}

type money struct {
	CurrencyCode string `json:"CurrencyCode"`
	Amount       string `json:"Amount"`
}

// order is an Orders API v0 order, the fields read.
type order struct {
	AmazonOrderID      string `json:"AmazonOrderId"`
	PurchaseDate       string `json:"PurchaseDate"`
	LastUpdateDate     string `json:"LastUpdateDate"`
	OrderStatus        string `json:"OrderStatus"`
	FulfillmentChannel string `json:"FulfillmentChannel"`
	MarketplaceID      string `json:"MarketplaceId"`
	OrderTotal         *money `json:"OrderTotal"`
	BuyerInfo          *struct {
		BuyerName  string `json:"BuyerName"`
		BuyerEmail string `json:"BuyerEmail"`
	} `json:"BuyerInfo"`
}

type ordersPayload struct {
	Payload struct {
		Orders    []json.RawMessage `json:"Orders"`
		NextToken string            `json:"NextToken"`
	} `json:"payload"`
}

// orderItem is an Orders API v0 order item; ItemPrice is the line total.
type orderItem struct {
	OrderItemID     string `json:"OrderItemId"`
	SellerSKU       string `json:"SellerSKU"`
	ASIN            string `json:"ASIN"`
	Title           string `json:"Title"`
	QuantityOrdered int    `json:"QuantityOrdered"`
	ItemPrice       *money `json:"ItemPrice"`
}

type orderItemsPayload struct {
	Payload struct {
		OrderItems []orderItem `json:"OrderItems"`
		NextToken  string      `json:"NextToken"`
	} `json:"payload"`
}
