package fake

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"
)

func token(t *testing.T, s *Server) string {
	t.Helper()
	form := url.Values{"grant_type": {"refresh_token"}, "refresh_token": {DefaultRefreshToken}}
	req, _ := http.NewRequest(http.MethodPost, s.URL()+TokenPath, strings.NewReader(form.Encode()))
	req.SetBasicAuth(DefaultClientID, DefaultClientSecret)
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var out struct {
		AccessToken string `json:"access_token"`
		ExpiresIn   int    `json:"expires_in"`
	}
	_ = json.NewDecoder(resp.Body).Decode(&out)
	if resp.StatusCode != 200 || out.ExpiresIn != 7200 {
		t.Fatalf("token: %d %+v", resp.StatusCode, out)
	}
	return out.AccessToken
}

func do(t *testing.T, s *Server, tok, method, path string, body any) (int, map[string]any) {
	t.Helper()
	var b []byte
	if body != nil {
		b, _ = json.Marshal(body)
	}
	req, _ := http.NewRequest(method, s.URL()+path, bytes.NewReader(b))
	if tok != "" {
		req.Header.Set("Authorization", "Bearer "+tok)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var out map[string]any
	_ = json.NewDecoder(resp.Body).Decode(&out)
	return resp.StatusCode, out
}

func errorID(m map[string]any) float64 {
	errs, _ := m["errors"].([]any)
	if len(errs) == 0 {
		return 0
	}
	id, _ := errs[0].(map[string]any)["errorId"].(float64)
	return id
}

func TestFakeSpeaksEbaysWireFormat(t *testing.T) {
	now := time.Date(2026, 6, 1, 12, 0, 0, 0, time.UTC)
	s := New(Options{Now: func() time.Time { return now }})
	defer s.Close()
	s.Generate(450, 1)
	if st, out := do(t, s, "", "GET", InventoryPath+"/inventory_item", nil); st != 401 || errorID(out) != 1001 {
		t.Fatalf("no token: %d %v", st, out)
	}
	tok := token(t, s)
	st, out := do(t, s, tok, "GET", InventoryPath+"/inventory_item?limit=200&offset=400", nil)
	if st != 200 || out["total"] != float64(450) || len(out["inventoryItems"].([]any)) != 50 || out["next"] != nil || out["prev"] == nil {
		t.Fatalf("last page: %d %v", st, out["next"])
	}
	if st, out := do(t, s, tok, "GET", InventoryPath+"/inventory_item?limit=201", nil); st != 400 || errorID(out) != 25706 {
		t.Fatalf("limit 201: %d %v", st, out)
	}
	if st, out := do(t, s, tok, "GET", InventoryPath+"/offer?sku=NOPE", nil); st != 404 || errorID(out) != 25713 {
		t.Fatalf("no offer: %d %v", st, out)
	}
	if st, out := do(t, s, tok, "GET", OrdersPath+"/order?filter=lastmodifieddate:[yesterday..]", nil); st != 400 || errorID(out) != 30810 {
		t.Fatalf("bad filter: %d %v", st, out)
	}
	var reqs []map[string]any
	for i := range 26 {
		reqs = append(reqs, map[string]any{"sku": fmt.Sprintf("SKU-%07d", i+1), "shipToLocationAvailability": map[string]any{"quantity": 1}})
	}
	if st, _ := do(t, s, tok, "POST", InventoryPath+"/bulk_update_price_quantity", map[string]any{"requests": reqs}); st != 400 {
		t.Fatalf("26 requests: %d", st)
	}
	it, _ := s.Item("SKU-0000001")
	offer := it.Offers[0]
	s.SetRevisions(offer.ListingID, 249)
	body := map[string]any{"requests": []any{
		map[string]any{"sku": it.SKU, "offers": []any{map[string]any{"offerId": offer.OfferID, "availableQuantity": 0}}},
		map[string]any{"sku": "GONE", "offers": []any{map[string]any{"offerId": "1", "availableQuantity": 0}}},
	}}
	st, out = do(t, s, tok, "POST", InventoryPath+"/bulk_update_price_quantity", body)
	if st != 207 || len(out["responses"].([]any)) != 2 {
		t.Fatalf("mixed: %d %v", st, out)
	}
	if q, _ := s.Quantity(it.SKU, DefaultMarketplace); q != 0 || s.Revisions(offer.ListingID) != 250 {
		t.Fatalf("quantity %d, revisions %d", q, s.Revisions(offer.ListingID))
	}
	st, out = do(t, s, tok, "POST", InventoryPath+"/bulk_update_price_quantity", body)
	first := out["responses"].([]any)[0].(map[string]any)
	if st != 207 || errorID(first) != 25002 {
		t.Fatalf("251st revision: %d %v", st, first)
	}
	s.ExpireTokens()
	if st, _ := do(t, s, tok, "GET", InventoryPath+"/inventory_item", nil); st != 401 {
		t.Fatalf("expired token: %d", st)
	}
}
