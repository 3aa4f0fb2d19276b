package fake

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math/big"
	"net/http"
	"strconv"
)

type putBody struct {
	Products           []map[string]json.RawMessage `json:"products"`
	PriceOnProperty    []int64                      `json:"price_on_property"`
	QuantityOnProperty []int64                      `json:"quantity_on_property"`
	SKUOnProperty      []int64                      `json:"sku_on_property"`
}

type putValue struct {
	PropertyID   int64    `json:"property_id"`
	ValueIDs     []int64  `json:"value_ids"`
	PropertyName *string  `json:"property_name"`
	Values       []string `json:"values"`
}

type putOffering map[string]json.RawMessage

// putInventory is updateListingInventory: the body replaces the whole
// inventory. Products are matched to the stored ones by their property
// values; a stored product the body leaves out is deleted, as on Etsy, and
// recorded (DeletedProducts). Every product gets a new product_id.
func (s *Server) putInventory(w http.ResponseWriter, r *http.Request) {
	var body putBody
	dec := json.NewDecoder(http.MaxBytesReader(w, r.Body, 1<<20))
	dec.UseNumber()
	if err := dec.Decode(&body); err != nil {
		writeError(w, http.StatusBadRequest, "Could not read the request body as JSON")
		return
	}
	if body.Products == nil {
		writeError(w, http.StatusBadRequest, "products is required")
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	l := s.pathListing(w, r)
	if l == nil {
		return
	}
	products, msg := s.readProducts(body)
	if msg != "" {
		writeError(w, http.StatusBadRequest, msg)
		return
	}
	if len(products) > 1 && len(body.QuantityOnProperty) == 0 {
		for _, p := range products[1:] {
			if p.Quantity != products[0].Quantity {
				writeError(w, http.StatusBadRequest, "quantity_on_property is empty, so every product must have the same quantity")
				return
			}
		}
	}
	kept := map[string]bool{}
	for _, p := range products {
		kept[l.Key(p)] = true
	}
	for _, p := range l.Products {
		if !kept[l.Key(p)] {
			s.deleted = append(s.deleted, describe(l, p))
		}
	}
	l.Products = products
	l.QuantityOnProperty, l.PriceOnProperty, l.SKUOnProperty = body.QuantityOnProperty, body.PriceOnProperty, body.SKUOnProperty
	l.LastModified = s.now()
	s.puts++
	writeJSON(w, http.StatusOK, s.renderInventory(l))
}

// readProducts validates the products as Etsy does and returns them with
// new IDs, or the error message.
func (s *Server) readProducts(body putBody) ([]Product, string) {
	var out []Product
	seen := map[string]bool{}
	for i, raw := range body.Products {
		where := fmt.Sprintf("products[%d]", i)
		for _, assigned := range []string{"product_id", "is_deleted"} {
			if _, ok := raw[assigned]; ok {
				return nil, where + " has the property " + assigned + ", which is not allowed in an update"
			}
		}
		p := Product{ID: s.nextID}
		s.nextID++
		if v, ok := raw["sku"]; ok && string(v) != "null" {
			if json.Unmarshal(v, &p.SKU) != nil {
				return nil, where + ".sku must be a string"
			}
		}
		var values []putValue
		if v, ok := raw["property_values"]; ok && json.Unmarshal(v, &values) != nil {
			return nil, where + ".property_values could not be read"
		}
		for _, v := range values {
			if len(v.ValueIDs) != 1 || len(v.Values) != 1 {
				return nil, where + ".property_values: the fake takes one value per property"
			}
			name := ""
			if v.PropertyName != nil {
				name = *v.PropertyName
			}
			p.Values = append(p.Values, Value{PropertyID: v.PropertyID, Name: name, ValueID: v.ValueIDs[0], Value: v.Values[0]})
		}
		var offerings []putOffering
		if json.Unmarshal(raw["offerings"], &offerings) != nil || len(offerings) != 1 {
			return nil, where + ".offerings must hold exactly one offering"
		}
		if msg := readOffering(offerings[0], &p, where+".offerings[0]"); msg != "" {
			return nil, msg
		}
		key := Listing{}.Key(p)
		if seen[key] {
			return nil, where + " repeats the property values of another product"
		}
		seen[key] = true
		out = append(out, p)
	}
	if len(out) == 0 {
		return nil, "products must hold at least one product"
	}
	return out, ""
}

func readOffering(o putOffering, p *Product, where string) string {
	if _, ok := o["offering_id"]; ok {
		return where + " has the property offering_id, which is not allowed in an update"
	}
	price := bytes.TrimSpace(o["price"])
	if len(price) == 0 || price[0] == '{' || price[0] == '"' {
		return where + ".price must be a decimal number, such as 12.50"
	}
	r, ok := new(big.Rat).SetString(string(price))
	if !ok || r.Sign() <= 0 {
		return where + ".price must be a positive number"
	}
	p.Price = r.FloatString(2)
	q, err := strconv.Atoi(string(bytes.TrimSpace(o["quantity"])))
	if err != nil || q < 0 || q > 999 {
		return where + ".quantity must be a whole number between 0 and 999"
	}
	p.Quantity = q
	enabled := true
	if v, ok := o["is_enabled"]; ok && json.Unmarshal(v, &enabled) != nil {
		return where + ".is_enabled must be true or false"
	}
	p.Disabled = !enabled
	return ""
}
