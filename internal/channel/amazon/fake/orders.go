package fake

import (
	"encoding/base64"
	"fmt"
	"math/big"
	"net/http"
	"slices"
	"sort"
	"strconv"
	"strings"
	"time"
)

// Order is an order in the fake's order book, as seeded and as read back.
type Order struct {
	ID                 string // assigned: 111-0000001-0000001
	Marketplace        string // the first marketplace when empty
	Status             string // Pending, Unshipped, PartiallyShipped, Shipped, Canceled …; Unshipped when empty
	FulfillmentChannel string // MFN (default) or AFN
	Currency           string // the marketplace's when empty
	BuyerName          string
	PurchaseDate       time.Time
	LastUpdateDate     time.Time
	Items              []OrderItem
}

// OrderItem is one order item; its price is the unit price, and the wire
// shows ItemPrice as the line total, as Amazon does.
type OrderItem struct {
	ID        string // assigned
	SKU       string
	Title     string // the listing's name when empty
	Quantity  int
	UnitPrice string // the listing's price when empty
}

var orderStatuses = []string{"Pending", "Unshipped", "PartiallyShipped", "Shipped", "Canceled", "Unfulfillable", "InvoiceUnconfirmed", "PendingAvailability"}

// AddOrder places an order; blank details come from the catalogue.
func (s *Server) AddOrder(o Order) (Order, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if o.Status == "" {
		o.Status = "Unshipped"
	}
	if !slices.Contains(orderStatuses, o.Status) {
		return Order{}, fmt.Errorf("amazon fake: %q is not an order status", o.Status)
	}
	if o.Marketplace == "" {
		o.Marketplace = s.opts.Marketplaces[0]
	}
	if o.FulfillmentChannel == "" {
		o.FulfillmentChannel = "MFN"
	}
	if o.FulfillmentChannel != "MFN" && o.FulfillmentChannel != "AFN" {
		return Order{}, fmt.Errorf("amazon fake: %q is not a fulfillment channel (MFN or AFN)", o.FulfillmentChannel)
	}
	if o.Currency == "" {
		o.Currency = currencyOf(o.Marketplace)
	}
	now := s.now()
	if o.PurchaseDate.IsZero() {
		o.PurchaseDate = now
	}
	if o.LastUpdateDate.IsZero() {
		o.LastUpdateDate = o.PurchaseDate
	}
	items := slices.Clone(o.Items)
	for i := range items {
		it := &items[i]
		if it.Quantity <= 0 {
			return Order{}, fmt.Errorf("amazon fake: item %d has quantity %d", i+1, it.Quantity)
		}
		if l := s.listings[key{o.Marketplace, it.SKU}]; l != nil {
			if it.Title == "" {
				it.Title = l.Name
			}
			if it.UnitPrice == "" {
				it.UnitPrice = l.Price
			}
			if !l.FBA && o.FulfillmentChannel == "MFN" { // Amazon's own stock fills an AFN order
				l.Quantity -= it.Quantity
			}
		}
		s.orderItems++
		it.ID = fmt.Sprintf("%014d", 50000000000000+s.orderItems)
	}
	s.nextOrder++
	o.ID = fmt.Sprintf("111-%07d-%07d", s.nextOrder, 1000000+s.nextOrder*7%1000000)
	o.Items = items
	stored := o
	s.orders = append(s.orders, &stored)
	return stored, nil
}

// SetOrderStatus moves an order on (Pending → Unshipped → Shipped, or
// Canceled), updating its LastUpdateDate.
func (s *Server) SetOrderStatus(id, status string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if !slices.Contains(orderStatuses, status) {
		return fmt.Errorf("amazon fake: %q is not an order status", status)
	}
	for _, o := range s.orders {
		if o.ID == id {
			o.Status, o.LastUpdateDate = status, s.now()
			return nil
		}
	}
	return fmt.Errorf("amazon fake: no order %s", id)
}

// Orders returns the order book, oldest first.
func (s *Server) Orders() []Order {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make([]Order, len(s.orders))
	for i, o := range s.orders {
		out[i] = *o
		out[i].Items = slices.Clone(o.Items)
	}
	return out
}

func (s *Server) getOrders(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	markets, ok := s.marketplacesOf(w, q.Get("MarketplaceIds"))
	if !ok {
		return
	}
	var after time.Time
	offset, size := 0, 100
	if tok := q.Get("NextToken"); tok != "" {
		b, err := base64.RawURLEncoding.DecodeString(tok)
		parts := strings.SplitN(string(b), "|", 3)
		if err != nil || len(parts) != 3 {
			writeErrors(w, http.StatusBadRequest, "InvalidInput", "Invalid NextToken", "")
			return
		}
		after, _ = time.Parse(time.RFC3339Nano, parts[0])
		offset, _ = strconv.Atoi(parts[1])
		size, _ = strconv.Atoi(parts[2])
	} else {
		v := q.Get("LastUpdatedAfter")
		if v == "" {
			writeErrors(w, http.StatusBadRequest, "InvalidInput", "Either CreatedAfter or LastUpdatedAfter must be specified", "")
			return
		}
		t, err := time.Parse(time.RFC3339Nano, v)
		if err != nil {
			writeErrors(w, http.StatusBadRequest, "InvalidInput", "LastUpdatedAfter is not an ISO 8601 date-time", "")
			return
		}
		after = t
		if v := q.Get("MaxResultsPerPage"); v != "" {
			n, err := strconv.Atoi(v)
			if err != nil || n < 1 || n > 100 {
				writeErrors(w, http.StatusBadRequest, "InvalidInput", "MaxResultsPerPage must be between 1 and 100", "")
				return
			}
			size = n
		}
	}
	s.mu.Lock()
	var match []*Order
	for _, o := range s.orders {
		if slices.Contains(markets, o.Marketplace) && !o.LastUpdateDate.Before(after) {
			match = append(match, o)
		}
	}
	sort.SliceStable(match, func(i, j int) bool { return match[i].LastUpdateDate.Before(match[j].LastUpdateDate) })
	end := min(offset+size, len(match))
	page := make([]map[string]any, 0, max(end-offset, 0))
	for _, o := range match[min(offset, len(match)):end] {
		page = append(page, renderOrder(o))
	}
	s.mu.Unlock()
	payload := map[string]any{"Orders": page, "LastUpdatedBefore": s.now().UTC().Format(time.RFC3339)}
	if end < len(match) {
		payload["NextToken"] = base64.RawURLEncoding.EncodeToString([]byte(after.Format(time.RFC3339Nano) + "|" + strconv.Itoa(end) + "|" + strconv.Itoa(size)))
	}
	writeJSON(w, http.StatusOK, map[string]any{"payload": payload})
}

func renderOrder(o *Order) map[string]any {
	total := new(big.Rat)
	for _, it := range o.Items {
		total.Add(total, lineTotal(it))
	}
	shipped, unshipped := 0, 0
	for _, it := range o.Items {
		if o.Status == "Shipped" {
			shipped += it.Quantity
		} else {
			unshipped += it.Quantity
		}
	}
	out := map[string]any{
		"AmazonOrderId": o.ID, "PurchaseDate": o.PurchaseDate.UTC().Format(time.RFC3339), "LastUpdateDate": o.LastUpdateDate.UTC().Format(time.RFC3339),
		"OrderStatus": o.Status, "FulfillmentChannel": o.FulfillmentChannel, "SalesChannel": "Amazon.com", "MarketplaceId": o.Marketplace,
		"NumberOfItemsShipped": shipped, "NumberOfItemsUnshipped": unshipped, "OrderType": "StandardOrder", "IsPrime": false,
	}
	if o.Status != "Pending" {
		out["OrderTotal"] = map[string]string{"CurrencyCode": o.Currency, "Amount": total.FloatString(2)}
	}
	if o.BuyerName != "" {
		out["BuyerInfo"] = map[string]string{"BuyerName": o.BuyerName, "BuyerEmail": "fake-buyer@marketplace.amazon.com"}
	}
	return out
}

func lineTotal(it OrderItem) *big.Rat {
	r, ok := new(big.Rat).SetString(it.UnitPrice)
	if !ok {
		return new(big.Rat)
	}
	return r.Mul(r, new(big.Rat).SetInt64(int64(it.Quantity)))
}

func (s *Server) getOrderItems(w http.ResponseWriter, r *http.Request) {
	id := r.PathValue("orderId")
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, o := range s.orders {
		if o.ID != id {
			continue
		}
		items := make([]map[string]any, len(o.Items))
		for i, it := range o.Items {
			items[i] = map[string]any{
				"ASIN": "", "OrderItemId": it.ID, "SellerSKU": it.SKU, "Title": it.Title, "QuantityOrdered": it.Quantity,
				"QuantityShipped": 0, "ItemPrice": map[string]string{"CurrencyCode": o.Currency, "Amount": lineTotal(it).FloatString(2)},
			}
			if l := s.listings[key{o.Marketplace, it.SKU}]; l != nil {
				items[i]["ASIN"] = l.ASIN
			}
			if o.Status == "Shipped" {
				items[i]["QuantityShipped"] = it.Quantity
			}
		}
		writeJSON(w, http.StatusOK, map[string]any{"payload": map[string]any{"AmazonOrderId": o.ID, "OrderItems": items}})
		return
	}
	writeErrors(w, http.StatusNotFound, "NotFound", "Invalid AmazonOrderId: "+id, "")
}
