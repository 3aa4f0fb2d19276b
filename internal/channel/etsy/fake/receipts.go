package fake

import (
	"fmt"
	"html"
	"math/big"
	"net/http"
	"slices"
	"strconv"
	"time"
)

// Receipt is an order of the fake shop.
type Receipt struct {
	ID       int64  // assigned when 0
	Status   string // paid (the default), completed, open, payment processing, canceled, fully refunded, partially refunded
	Name     string // the buyer's name on the shipping address
	Email    string
	Created  time.Time // the fake's now when zero
	Updated  time.Time
	Lines    []Transaction
	Currency string // USD when empty
}

// Transaction is one line of a receipt.
type Transaction struct {
	ID int64 // assigned when 0
	// Key names the product sold (Listing.Key); AddReceipt fills in the
	// listing, SKU, title, values and price from it.
	Key       string
	ListingID int64
	ProductID int64
	SKU       string
	Title     string
	Values    []Value
	Quantity  int
	Price     string // unit price, decimal
}

// AddReceipt stores a receipt; lines naming a product by Key are filled
// in from the catalogue.
func (s *Server) AddReceipt(r Receipt) (Receipt, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	now := s.now()
	if r.ID == 0 {
		r.ID = s.nextID
	}
	s.nextID = max(s.nextID, r.ID+1)
	if r.Status == "" {
		r.Status = "paid"
	}
	if r.Created.IsZero() {
		r.Created = now
	}
	if r.Updated.IsZero() {
		r.Updated = r.Created
	}
	if r.Currency == "" {
		r.Currency = "USD"
	}
	r.Lines = slices.Clone(r.Lines)
	for i := range r.Lines {
		t := &r.Lines[i]
		if t.ID == 0 {
			t.ID = s.nextID
			s.nextID++
		}
		if t.Key == "" {
			continue
		}
		l, p := s.find(t.Key)
		if p == nil {
			return Receipt{}, fmt.Errorf("fake: no product %q", t.Key)
		}
		t.ListingID, t.ProductID, t.SKU, t.Title, t.Values = l.ID, p.ID, p.SKU, l.Title, slices.Clone(p.Values)
		if t.Price == "" {
			t.Price = p.Price
		}
	}
	stored := r
	i, _ := slices.BinarySearchFunc(s.receipts, r.ID, func(x *Receipt, id int64) int { return cmp64(x.ID, id) })
	s.receipts = slices.Insert(s.receipts, i, &stored)
	return stored, nil
}

// SetReceiptStatus changes a receipt's status ("canceled") and marks it
// updated.
func (s *Server) SetReceiptStatus(id int64, status string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, r := range s.receipts {
		if r.ID == id {
			r.Status, r.Updated = status, s.now()
			return nil
		}
	}
	return fmt.Errorf("fake: no receipt %d", id)
}

// Receipts returns every receipt, oldest first.
func (s *Server) Receipts() []Receipt {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make([]Receipt, len(s.receipts))
	for i, r := range s.receipts {
		out[i] = *r
		out[i].Lines = slices.Clone(r.Lines)
	}
	return out
}

// listReceipts is getShopReceipts, sorted by creation (receipt_id breaks
// ties) in the order asked, filtered by min_last_modified.
func (s *Server) listReceipts(w http.ResponseWriter, r *http.Request) {
	if !s.shopOK(w, r) {
		return
	}
	q := r.URL.Query()
	limit, offset, ok := paging(w, q)
	if !ok {
		return
	}
	var minModified int64
	if v := q.Get("min_last_modified"); v != "" {
		n, err := strconv.ParseInt(v, 10, 64)
		if err != nil || n < 946684800 {
			writeError(w, http.StatusBadRequest, "Expected int value >= 946684800 for min_last_modified")
			return
		}
		minModified = n
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	var selected []*Receipt
	for _, rc := range s.receipts {
		if rc.Updated.Unix() >= minModified {
			selected = append(selected, rc)
		}
	}
	desc := q.Get("sort_order") != "asc" && q.Get("sort_order") != "ascending" && q.Get("sort_order") != "up"
	slices.SortStableFunc(selected, func(a, b *Receipt) int {
		c := cmp64(a.Created.Unix(), b.Created.Unix())
		if c == 0 {
			c = cmp64(a.ID, b.ID)
		}
		if desc {
			return -c
		}
		return c
	})
	results := []any{}
	for i := offset; i < min(offset+limit, len(selected)); i++ {
		results = append(results, renderReceipt(selected[i], s.opts.ShopID))
	}
	writeJSON(w, http.StatusOK, map[string]any{"count": len(selected), "results": results})
}

func renderReceipt(r *Receipt, shopID int64) map[string]any {
	total := new(big.Rat)
	txs := make([]any, len(r.Lines))
	for i, t := range r.Lines {
		vars := make([]any, len(t.Values))
		for k, v := range t.Values {
			vars[k] = map[string]any{"property_id": v.PropertyID, "value_id": v.ValueID, "formatted_name": v.Name, "formatted_value": html.EscapeString(v.Value)}
		}
		if p, ok := new(big.Rat).SetString(t.Price); ok {
			total.Add(total, new(big.Rat).Mul(p, big.NewRat(int64(t.Quantity), 1)))
		}
		price := money(t.Price)
		price["currency_code"] = r.Currency
		var productID any
		if t.ProductID != 0 {
			productID = t.ProductID
		}
		var listingID any
		if t.ListingID != 0 {
			listingID = t.ListingID
		}
		txs[i] = map[string]any{
			"transaction_id": t.ID, "title": html.EscapeString(t.Title), "seller_user_id": 271828, "buyer_user_id": 161803,
			"create_timestamp": r.Created.Unix(), "quantity": t.Quantity, "receipt_id": r.ID, "listing_id": listingID,
			"product_id": productID, "sku": t.SKU, "transaction_type": "listing", "price": price, "variations": vars,
		}
	}
	grand := money(total.FloatString(2))
	grand["currency_code"] = r.Currency
	return map[string]any{
		"receipt_id": r.ID, "receipt_type": 0, "seller_user_id": 271828, "buyer_user_id": 161803, "shop_id": shopID,
		"name": html.EscapeString(r.Name), "buyer_email": r.Email, "status": r.Status,
		"is_paid": r.Status != "open" && r.Status != "payment processing", "is_shipped": r.Status == "completed",
		"create_timestamp": r.Created.Unix(), "created_timestamp": r.Created.Unix(),
		"update_timestamp": r.Updated.Unix(), "updated_timestamp": r.Updated.Unix(),
		"grandtotal": grand, "subtotal": grand, "total_price": grand, "transactions": txs,
	}
}
