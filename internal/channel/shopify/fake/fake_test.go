package fake

import (
	"bytes"
	"encoding/json"
	"net/http"
	"strings"
	"testing"
)

func post(t *testing.T, s *Server, token, query string, vars map[string]any) (int, map[string]any) {
	t.Helper()
	body, _ := json.Marshal(map[string]any{"query": query, "variables": vars})
	req, _ := http.NewRequest(http.MethodPost, s.URL()+GraphQLPath, bytes.NewReader(body))
	req.Header.Set("X-Shopify-Access-Token", token)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var out map[string]any
	if err := json.NewDecoder(resp.Body).Decode(&out); err != nil {
		t.Fatal(err)
	}
	return resp.StatusCode, out
}

func errorCode(out map[string]any) string {
	errs, _ := out["errors"].([]any)
	if len(errs) == 0 {
		return ""
	}
	ext, _ := errs[0].(map[string]any)["extensions"].(map[string]any)
	code, _ := ext["code"].(string)
	return code
}

func TestParserReadsWhatClientsSend(t *testing.T) {
	op, err := parseOperation(`
		# a comment
		query Q($n: Int = 3, $q: String) {
			v: productVariants(first: $n, query: $q, extra: [1, 2.5, "x\"y", true, null, ENUM, {a: -1}]) @skip(if: false) {
				nodes { id }
			}
		}`, map[string]any{"q": "updated_at:>'2026-01-01T00:00:00Z'"})
	if err != nil {
		t.Fatal(err)
	}
	f := op.fields[0]
	if f.key() != "v" || f.name != "productVariants" || op.kind != "query" {
		t.Fatalf("field %+v", f)
	}
	if n, _ := toInt(f.args["first"]); n != 3 {
		t.Errorf("default variable not applied: %v", f.args["first"])
	}
	extra := f.args["extra"].([]any)
	if len(extra) != 7 || extra[2] != `x"y` || extra[3] != true || extra[4] != nil || extra[5] != "ENUM" {
		t.Errorf("literals %#v", extra)
	}
	if _, ok := f.directives["skip"]; !ok || f.args["query"] != "updated_at:>'2026-01-01T00:00:00Z'" {
		t.Errorf("directives %v, args %v", f.directives, f.args)
	}
	for _, bad := range []string{`{ a { ...F } }`, `fragment F on X { a }`, `{ a(`, `{ }`, `query { a } query { b }`} {
		if _, err := parseOperation(bad, nil); err == nil {
			t.Errorf("%q parsed", bad)
		}
	}
}

func TestQueryCostIsShopifys(t *testing.T) {
	op, _ := parseOperation(`{ productVariants(first: 250) { nodes { id inventoryItem { id } product { id } } pageInfo { hasNextPage } } }`, nil)
	if c := requestedCost(op); c != 752 {
		t.Errorf("variants page costs %d, want 752", c)
	}
	op, _ = parseOperation(`{ orders(first: 20) { edges { node { id lineItems(first: 10) { nodes { variant { id } originalUnitPriceSet { shopMoney { amount } } } } } } } }`, nil)
	if c := requestedCost(op); c != 2+20*(1+2+10*4) {
		t.Errorf("orders page costs %d", c)
	}

	s := New(Options{})
	defer s.Close()
	s.Generate(3, 1)
	_, out := post(t, s, DefaultAccessToken, `{ productVariants(first: 250) { nodes { id product { title } } } }`, nil)
	cost := out["extensions"].(map[string]any)["cost"].(map[string]any)
	if cost["requestedQueryCost"] != float64(502) || cost["actualQueryCost"] != float64(2+3*2) {
		t.Errorf("cost %v", cost)
	}
	_, out = post(t, s, DefaultAccessToken, `{ orders(first: 250) { nodes { lineItems(first: 250) { nodes { id } } } } }`, nil)
	if errorCode(out) != "MAX_COST_EXCEEDED" {
		t.Errorf("an over-priced query was answered: %v", out)
	}
}

func TestFakeEnforcesLimitsAndSchema(t *testing.T) {
	s := New(Options{})
	defer s.Close()
	s.Generate(3, 1)
	_, out := post(t, s, DefaultAccessToken, `{ productVariants(first: 251) { nodes { id } } }`, nil)
	if errs, _ := out["errors"].([]any); len(errs) == 0 || !strings.Contains(errs[0].(map[string]any)["message"].(string), "250") {
		t.Errorf("first: 251 answered: %v", out)
	}
	_, out = post(t, s, DefaultAccessToken, `{ productVariants(first: 1) { nodes { id colour } } }`, nil)
	if errorCode(out) != "undefinedField" {
		t.Errorf("unknown field answered: %v", out)
	}
	_, out = post(t, s, DefaultAccessToken, `{ productVariants(first: 1) { nodes { product } } }`, nil)
	if errorCode(out) != "selectionMismatch" {
		t.Errorf("object without selection answered: %v", out)
	}
	status, out := post(t, s, "shpat_wrong", `{ shop { name } }`, nil)
	if status != http.StatusUnauthorized || !strings.Contains(out["errors"].(string), "Invalid API key") {
		t.Errorf("wrong token: %d %v", status, out)
	}
	_, out = post(t, s, DefaultAccessToken, `mutation { inventorySetQuantities(input: {name: "available", reason: "correction", quantities: []}) { userErrors { code } } }`, nil)
	if !strings.Contains(out["errors"].([]any)[0].(map[string]any)["message"].(string), "@idempotent") {
		t.Errorf("mutation without @idempotent answered: %v", out)
	}
	_, out = post(t, s, DefaultAccessToken, `mutation { inventorySetQuantities(input: {name: "available", reason: "correction", quantities: [{inventoryItemId: "x", locationId: "y", quantity: 1}]}) @idempotent(key: "k") { userErrors { code } } }`, nil)
	if !strings.Contains(out["errors"].([]any)[0].(map[string]any)["message"].(string), "changeFromQuantity") {
		t.Errorf("quantity without changeFromQuantity answered: %v", out)
	}
}

func TestPagingWithEdgesAndCursors(t *testing.T) {
	s := New(Options{RestoreRate: 1e6})
	defer s.Close()
	s.Generate(5, 1)
	q := `query($after: String) { productVariants(first: 2, after: $after) { edges { cursor node { sku } } pageInfo { hasNextPage endCursor } } }`
	var skus []string
	var after any
	for {
		_, out := post(t, s, DefaultAccessToken, q, map[string]any{"after": after})
		conn := out["data"].(map[string]any)["productVariants"].(map[string]any)
		for _, e := range conn["edges"].([]any) {
			skus = append(skus, e.(map[string]any)["node"].(map[string]any)["sku"].(string))
		}
		info := conn["pageInfo"].(map[string]any)
		if info["hasNextPage"] != true {
			break
		}
		after = info["endCursor"]
	}
	var want []string
	for _, l := range s.Listings() {
		want = append(want, l.SKU)
	}
	if strings.Join(skus, ",") != strings.Join(want, ",") {
		t.Fatalf("paged skus %q, want %q", skus, want)
	}
	_, out := post(t, s, DefaultAccessToken, q, map[string]any{"after": "not-a-cursor"})
	if errorCode(out) != "BAD_REQUEST" {
		t.Errorf("bad cursor answered: %v", out)
	}
}

func TestGenerateIsDeterministic(t *testing.T) {
	a, b := New(Options{}), New(Options{})
	defer a.Close()
	defer b.Close()
	a.Generate(100_000, 9)
	b.Generate(100_000, 9)
	la, lb := a.Listings(), b.Listings()
	if len(la) != 100_000 || la[99_999] != lb[99_999] || la[500] != lb[500] {
		t.Fatalf("generated catalogues differ")
	}
}
