package fake

import (
	"bytes"
	"encoding/json"
	"net/http"
	"strconv"
	"time"
)

var productOrderbys = []string{"date", "id", "include", "title", "slug", "price", "popularity", "rating", "menu_order", "modified"}

func (s *Server) listProducts(w http.ResponseWriter, r *http.Request) {
	p, perr := parseList(r.URL.Query(), productOrderbys...)
	if perr != nil {
		perr.write(w)
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	page := paginate(w, r, s.products, p, func(p *Product) time.Time { return p.DateModified })
	out := make([]map[string]any, len(page))
	for i, prod := range page {
		out[i] = onlyFields(s.renderProduct(prod), p.fields)
	}
	writeJSON(w, http.StatusOK, out)
}

func (s *Server) listVariations(w http.ResponseWriter, r *http.Request) {
	p, perr := parseList(r.URL.Query(), productOrderbys...)
	if perr != nil {
		perr.write(w)
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	parent := s.product(atoi(r.PathValue("id")))
	if parent == nil {
		writeError(w, http.StatusNotFound, "woocommerce_rest_product_invalid_id", "Invalid ID.")
		return
	}
	vs := make([]*Variation, len(parent.Variations))
	for i := range parent.Variations {
		vs[i] = &parent.Variations[i]
	}
	page := paginate(w, r, vs, p, func(v *Variation) time.Time { return v.DateModified })
	out := make([]map[string]any, len(page))
	for i, v := range page {
		out[i] = onlyFields(s.renderVariation(parent, v), p.fields)
	}
	writeJSON(w, http.StatusOK, out)
}

type batchRequest struct {
	Create []json.RawMessage            `json:"create"`
	Update []map[string]json.RawMessage `json:"update"`
	Delete []json.RawMessage            `json:"delete"`
}

// readBatch decodes a batch body and enforces WooCommerce's item limit.
func readBatch(w http.ResponseWriter, r *http.Request) (batchRequest, bool) {
	var req batchRequest
	if err := json.NewDecoder(http.MaxBytesReader(w, r.Body, 4<<20)).Decode(&req); err != nil {
		writeError(w, http.StatusBadRequest, "rest_invalid_json", "Invalid JSON body passed.")
		return req, false
	}
	if n := len(req.Create) + len(req.Update) + len(req.Delete); n > maxBatchItems {
		writeError(w, http.StatusRequestEntityTooLarge, "woocommerce_rest_request_entity_too_large",
			"Unable to accept more than "+strconv.Itoa(maxBatchItems)+" items for this request.")
		return req, false
	}
	return req, true
}

func (s *Server) batchProducts(w http.ResponseWriter, r *http.Request) {
	req, ok := readBatch(w, r)
	if !ok {
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	writeJSON(w, http.StatusOK, applyBatch(req, "woocommerce_rest_product_invalid_id",
		func(id int, fields map[string]json.RawMessage) map[string]any {
			p := s.product(id)
			if p == nil {
				return nil
			}
			if manage, ok := applyStock(fields, p.ManageStock); ok {
				s.setStock(p, nil, manage.quantity)
			} else if manage.set {
				p.ManageStock = manage.on
			}
			return s.renderProduct(p)
		}))
}

func (s *Server) batchVariations(w http.ResponseWriter, r *http.Request) {
	req, ok := readBatch(w, r)
	if !ok {
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	parent := s.product(atoi(r.PathValue("id")))
	writeJSON(w, http.StatusOK, applyBatch(req, "woocommerce_rest_product_variation_invalid_id",
		func(id int, fields map[string]json.RawMessage) map[string]any {
			if parent == nil {
				return nil
			}
			v := parent.variation(id)
			if v == nil {
				return nil
			}
			if manage, ok := applyStock(fields, v.ManageStock); ok {
				v.StockFromParent = false
				s.setStock(parent, v, manage.quantity)
			} else if manage.set {
				v.ManageStock, v.StockFromParent = manage.on, false
			}
			return s.renderVariation(parent, v)
		}))
}

// applyBatch runs the updates one by one, as WooCommerce does: each item
// succeeds or fails on its own, and its answer sits at its position.
// update applies one item and renders it, or returns nil for an unknown ID.
func applyBatch(req batchRequest, invalidCode string, update func(id int, fields map[string]json.RawMessage) map[string]any) map[string]any {
	notSupported := func(n int) []any {
		out := make([]any, n)
		for i := range out {
			out[i] = map[string]any{"id": 0, "error": wpError(http.StatusBadRequest, "fake_not_supported", "The fake only supports updates.")}
		}
		return out
	}
	updated := make([]any, len(req.Update))
	for i, fields := range req.Update {
		id := atoi(string(bytes.Trim(fields["id"], `"`)))
		if rendered := update(id, fields); rendered != nil {
			updated[i] = rendered
		} else {
			updated[i] = map[string]any{"id": max(id, 0), "error": wpError(http.StatusBadRequest, invalidCode, "Invalid ID.")}
		}
	}
	return map[string]any{"create": notSupported(len(req.Create)), "update": updated, "delete": notSupported(len(req.Delete))}
}

// stockChange is what an update item says about stock.
type stockChange struct {
	set, on  bool // manage_stock was sent, and its value
	quantity int
}

// applyStock reads manage_stock and stock_quantity; ok reports a quantity
// to set. Like WooCommerce it ignores a quantity for an item whose stock is
// not managed (after this update).
func applyStock(fields map[string]json.RawMessage, managed bool) (c stockChange, ok bool) {
	if raw, present := fields["manage_stock"]; present && json.Unmarshal(raw, &c.on) == nil {
		c.set, managed = true, c.on
	}
	raw, present := fields["stock_quantity"]
	if !present || !managed {
		return c, false
	}
	var n json.Number
	if json.Unmarshal(bytes.Trim(raw, `"`), &n) != nil {
		return c, false
	}
	q, err := n.Int64()
	if err != nil {
		return c, false
	}
	c.quantity = int(q)
	return c, true
}
