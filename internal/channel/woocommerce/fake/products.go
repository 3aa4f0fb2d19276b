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
	writeJSON(w, http.StatusOK, s.applyBatch(req, func(id int) func(map[string]json.RawMessage) {
		p := s.product(id)
		if p == nil {
			return nil
		}
		return func(u map[string]json.RawMessage) {
			applyStock(u, p.ManageStock, func(q int) { s.setStock(p, nil, q) }, func(m bool) { p.ManageStock = m })
		}
	}, func(id int) map[string]any { return s.renderProduct(s.product(id)) }, "woocommerce_rest_product_invalid_id"))
}

func (s *Server) batchVariations(w http.ResponseWriter, r *http.Request) {
	req, ok := readBatch(w, r)
	if !ok {
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	parent := s.product(atoi(r.PathValue("id")))
	find := func(id int) *Variation {
		if parent == nil {
			return nil
		}
		return parent.variation(id)
	}
	writeJSON(w, http.StatusOK, s.applyBatch(req, func(id int) func(map[string]json.RawMessage) {
		v := find(id)
		if v == nil {
			return nil
		}
		return func(u map[string]json.RawMessage) {
			applyStock(u, v.ManageStock, func(q int) { s.setStock(parent, v, q) }, func(m bool) { v.ManageStock, v.StockFromParent = m, false })
		}
	}, func(id int) map[string]any { return s.renderVariation(parent, find(id)) }, "woocommerce_rest_product_variation_invalid_id"))
}

// applyBatch runs the updates one by one, as WooCommerce does: each item
// succeeds or fails on its own, and its answer sits at its position.
func (s *Server) applyBatch(req batchRequest,
	lookup func(id int) func(update map[string]json.RawMessage),
	render func(id int) map[string]any, invalidCode string) map[string]any {
	notSupported := func(n int) []any {
		out := make([]any, n)
		for i := range out {
			out[i] = map[string]any{"id": 0, "error": wpError(http.StatusBadRequest, "fake_not_supported", "The fake only supports updates.")}
		}
		return out
	}
	updated := make([]any, len(req.Update))
	for i, u := range req.Update {
		id := atoi(string(bytes.Trim(u["id"], `"`)))
		apply := lookup(id)
		if apply == nil {
			updated[i] = map[string]any{"id": max(id, 0), "error": wpError(http.StatusBadRequest, invalidCode, "Invalid ID.")}
			continue
		}
		apply(u)
		updated[i] = render(id)
	}
	return map[string]any{"create": notSupported(len(req.Create)), "update": updated, "delete": notSupported(len(req.Delete))}
}

// applyStock reads manage_stock and stock_quantity; like WooCommerce it
// ignores a quantity for an item whose stock is not managed.
func applyStock(u map[string]json.RawMessage, managed bool, setQuantity func(int), setManage func(bool)) {
	if raw, ok := u["manage_stock"]; ok {
		var m bool
		if json.Unmarshal(raw, &m) == nil {
			setManage(m)
			managed = m
		}
	}
	raw, ok := u["stock_quantity"]
	if !ok || !managed {
		return
	}
	var n json.Number
	if json.Unmarshal(bytes.Trim(raw, `"`), &n) != nil {
		return
	}
	if q, err := n.Int64(); err == nil {
		setQuantity(int(q))
	}
}
