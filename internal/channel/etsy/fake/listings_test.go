package fake_test

import (
	"encoding/json"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"

	"stocksync/internal/channel/etsy/fake"
)

// getListingsByListingIds takes its IDs as Etsy's published model gives
// them (listing_ids repeated) and comma-separated, and refuses more than 100.
func TestListingsByIDsTakesRepeatedAndCommaSeparatedIDs(t *testing.T) {
	shop := fake.New(fake.Options{})
	defer shop.Close()
	a := shop.AddListing(fake.Listing{Title: "Mug", Products: []fake.Product{{SKU: "MUG-1", Price: "8.50", Quantity: 3}}})
	b := shop.AddListing(fake.Listing{Title: "Pot", Products: []fake.Product{{SKU: "POT-1", Price: "30.00", Quantity: 2}}})
	res, err := http.PostForm(shop.URL()+"/v3/public/oauth/token", url.Values{"grant_type": {"refresh_token"},
		"client_id": {fake.DefaultKeystring}, "refresh_token": {shop.IssueRefreshToken()}})
	if err != nil {
		t.Fatal(err)
	}
	var tok struct {
		AccessToken string `json:"access_token"`
	}
	if err := json.NewDecoder(res.Body).Decode(&tok); err != nil || tok.AccessToken == "" {
		t.Fatalf("token: %v %+v", err, tok)
	}
	res.Body.Close()
	get := func(query string) (int, int) {
		req, _ := http.NewRequest("GET", shop.URL()+fake.APIPath+"/listings/batch?"+query, nil)
		req.Header.Set("x-api-key", fake.DefaultKeystring+":"+fake.DefaultSharedSecret)
		req.Header.Set("Authorization", "Bearer "+tok.AccessToken)
		res, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer res.Body.Close()
		var body struct {
			Count int `json:"count"`
		}
		json.NewDecoder(res.Body).Decode(&body)
		return res.StatusCode, body.Count
	}
	ids := []string{strconv.FormatInt(a.ID, 10), strconv.FormatInt(b.ID, 10)}
	if code, n := get("listing_ids=" + ids[0] + "&listing_ids=" + ids[1]); code != 200 || n != 2 {
		t.Fatalf("repeated: %d, %d listings", code, n)
	}
	if code, n := get("listing_ids=" + strings.Join(ids, ",")); code != 200 || n != 2 {
		t.Fatalf("comma-separated: %d, %d listings", code, n)
	}
	many := make([]string, 101)
	for i := range many {
		many[i] = strconv.Itoa(i + 1)
	}
	if code, _ := get("listing_ids=" + strings.Join(many, ",")); code != http.StatusBadRequest {
		t.Fatalf("101 IDs: %d", code)
	}
	if code, _ := get("listing_ids="); code != http.StatusBadRequest {
		t.Fatalf("no IDs: %d", code)
	}
}
