package fake

import (
	"fmt"
	"math/big"
	"net/http"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"time"
)

// Order is an order in the fake's order book, as seeded and as read back.
type Order struct {
	OrderID     string // assigned when empty, as eBay's "12-34567-89012"
	Created     time.Time
	Modified    time.Time
	Fulfillment string // NOT_STARTED (default), IN_PROGRESS or FULFILLED
	Cancelled   bool   // cancelStatus.cancelState CANCELED
	Buyer       string // buyer's registration name; username "buyer1" always
	Currency    string // USD when empty
	Lines       []OrderLine
}

// OrderLine is one line item.
type OrderLine struct {
	LineItemID  string // assigned
	SKU         string // "" for a listing without a SKU
	Title       string // the item's when empty
	Quantity    int
	UnitPrice   string // the offer's price when empty; lineItemCost is UnitPrice × Quantity
	Marketplace string // EBAY_US when empty
	ListingID   string // the offer's when empty
}

// AddOrder places an order as a buyer would: blank details come from the
// catalogue, and the item's quantity goes down by what was bought.
func (s *Server) AddOrder(o Order) (Order, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	now := s.now()
	if o.OrderID == "" {
		n := s.id()
		o.OrderID = fmt.Sprintf("%02d-%05d-%05d", n%100, (n/100)%100000, n%100000)
	}
	if o.Created.IsZero() {
		o.Created = now
	}
	if o.Modified.IsZero() {
		o.Modified = o.Created
	}
	if o.Fulfillment == "" {
		o.Fulfillment = "NOT_STARTED"
	}
	if o.Currency == "" {
		o.Currency = "USD"
	}
	lines := append([]OrderLine(nil), o.Lines...)
	for i := range lines {
		l := &lines[i]
		if l.Quantity <= 0 {
			return Order{}, fmt.Errorf("ebay fake: line %d has quantity %d", i+1, l.Quantity)
		}
		if l.Marketplace == "" {
			l.Marketplace = DefaultMarketplace
		}
		l.LineItemID = strconv.FormatInt(10000000000+s.id(), 10)
		it := s.bySKU[l.SKU]
		if it == nil {
			continue
		}
		if l.Title == "" {
			l.Title = it.Title
		}
		for k := range it.Offers {
			off := &it.Offers[k]
			if off.MarketplaceID != l.Marketplace {
				continue
			}
			if l.UnitPrice == "" {
				l.UnitPrice = off.Price
			}
			if l.ListingID == "" {
				l.ListingID = off.ListingID
			}
			if off.AvailableQuantity != nil {
				q := max(*off.AvailableQuantity-l.Quantity, 0)
				off.AvailableQuantity = &q
			}
		}
		it.Quantity = max(it.Quantity-l.Quantity, 0)
	}
	o.Lines = lines
	stored := o
	s.orders = append(s.orders, &stored)
	return stored, nil
}

// CancelOrder cancels an order as eBay does when buyer and seller agree.
func (s *Server) CancelOrder(orderID string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, o := range s.orders {
		if o.OrderID == orderID {
			o.Cancelled, o.Modified = true, s.now()
			return nil
		}
	}
	return fmt.Errorf("ebay fake: no order %s", orderID)
}

// Orders returns the order book, oldest first.
func (s *Server) Orders() []Order {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make([]Order, len(s.orders))
	for i, o := range s.orders {
		out[i] = *o
		out[i].Lines = append([]OrderLine(nil), o.Lines...)
	}
	return out
}

var modifiedFilter = regexp.MustCompile(`^lastmodifieddate:\[([^\]]*?)\.\.([^\]]*)\]$`)

// window is how old an order getOrders returns.
const window = 90 * 24 * time.Hour

// listOrders is getOrders with the lastmodifieddate filter (the only one
// the fake knows): orders created in the last 90 days, modified within
// the filter's range, inclusive, oldest creation first.
func (s *Server) listOrders(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	limit, offset, bad := pageParams(q, maxOrdersPage, 50)
	if bad != nil {
		// The Fulfillment API's own codes: 31100 invalid limit, 31000 invalid offset.
		code := 31100
		if strings.Contains(bad.Message, "offset") {
			code = 31000
		}
		writeError(w, http.StatusBadRequest, apiError{code, "API_FULFILLMENT", "REQUEST", strings.Replace(bad.Message, "You have provided invalid pagination values. ", "", 1), ""})
		return
	}
	var from, to time.Time
	if f := q.Get("filter"); f != "" {
		m := modifiedFilter.FindStringSubmatch(f)
		var err error
		if m != nil {
			from, err = time.Parse(time.RFC3339Nano, m[1])
			if err == nil && m[2] != "" {
				to, err = time.Parse(time.RFC3339Nano, m[2])
			}
		}
		if m == nil || err != nil {
			writeError(w, http.StatusBadRequest, apiError{30810, "API_FULFILLMENT", "REQUEST", "Invalid date format", ""})
			return
		}
	}
	s.mu.Lock()
	floor := s.now().Add(-window)
	var picked []*Order
	for _, o := range s.orders {
		if o.Created.Before(floor) || (!from.IsZero() && o.Modified.Before(from)) || (!to.IsZero() && o.Modified.After(to)) {
			continue
		}
		picked = append(picked, o)
	}
	sort.SliceStable(picked, func(i, j int) bool { return picked[i].Created.Before(picked[j].Created) })
	total := len(picked)
	end := min(offset+limit, total)
	page := make([]any, 0, max(end-offset, 0))
	for i := min(offset, total); i < end; i++ {
		page = append(page, renderOrder(picked[i]))
	}
	s.mu.Unlock()
	extra := map[string][]string{}
	if f := q.Get("filter"); f != "" {
		extra["filter"] = []string{f}
	}
	body := map[string]any{"href": s.pageLink(OrdersPath+"/order", offset, limit, extra), "total": total, "limit": limit, "offset": offset, "orders": page, "warnings": []any{}}
	if end < total {
		body["next"] = s.pageLink(OrdersPath+"/order", end, limit, extra)
	}
	writeJSON(w, http.StatusOK, body)
}

func ebayTime(t time.Time) string { return t.UTC().Format("2006-01-02T15:04:05.000Z") }

func renderOrder(o *Order) map[string]any {
	lines := make([]any, len(o.Lines))
	sum := new(big.Rat)
	for i, l := range o.Lines {
		cost := l.UnitPrice
		if p, ok := new(big.Rat).SetString(l.UnitPrice); ok {
			t := p.Mul(p, big.NewRat(int64(l.Quantity), 1))
			sum.Add(sum, t)
			cost = t.FloatString(2)
		}
		lines[i] = map[string]any{
			"lineItemId": l.LineItemID, "legacyItemId": l.ListingID, "sku": l.SKU, "title": l.Title,
			"quantity": l.Quantity, "lineItemCost": map[string]any{"value": cost, "currency": o.Currency},
			"total":                     map[string]any{"value": cost, "currency": o.Currency},
			"lineItemFulfillmentStatus": o.Fulfillment, "soldFormat": "FIXED_PRICE",
			"listingMarketplaceId": l.Marketplace, "purchaseMarketplaceId": l.Marketplace,
			"appliedPromotions": []any{}, "deliveryCost": map[string]any{"shippingCost": map[string]any{"value": "0.0", "currency": o.Currency}},
		}
	}
	cancel := map[string]any{"cancelState": "NONE_REQUESTED", "cancelRequests": []any{}}
	payment := "PAID"
	if o.Cancelled {
		cancel["cancelState"] = "CANCELED"
		payment = "FULLY_REFUNDED"
	}
	buyer := map[string]any{"username": "buyer1"}
	if o.Buyer != "" {
		buyer["buyerRegistrationAddress"] = map[string]any{"fullName": o.Buyer}
	}
	return map[string]any{
		"orderId": o.OrderID, "legacyOrderId": o.OrderID, "creationDate": ebayTime(o.Created), "lastModifiedDate": ebayTime(o.Modified),
		"orderFulfillmentStatus": o.Fulfillment, "orderPaymentStatus": payment, "sellerId": "sandbox_seller",
		"buyer": buyer, "cancelStatus": cancel,
		"pricingSummary": map[string]any{"total": map[string]any{"value": sum.FloatString(2), "currency": o.Currency}},
		"lineItems":      lines, "salesRecordReference": "1001",
	}
}
