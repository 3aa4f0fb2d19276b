package catalogue

import (
	"encoding/json"
	"strings"
	"testing"
	"unicode/utf8"
)

func TestPublicURLKeepsOnlyWebAddresses(t *testing.T) {
	for in, want := range map[string]string{
		"https://shop.example/products/mug":     "https://shop.example/products/mug",
		" http://shop.example/product/mug-12/ ": "http://shop.example/product/mug-12/",
		"javascript:alert(1)":                   "",
		"JAVASCRIPT://x%0aalert(1)":             "",
		"/products/mug":                         "",
		"https://":                              "",
		"https://shop.example/a b":              "",
		"https://shop.example/\x00":             "",
		"https://shop.example/" + strings.Repeat("a", maxURLLength): "",
	} {
		if got := PublicURL(in); got != want {
			t.Errorf("PublicURL(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestStoredRawIsCappedAndClean(t *testing.T) {
	if got := string(StoredRaw(json.RawMessage(`{"sku":"A"}`))); got != `{"sku":"A"}` {
		t.Fatalf("kept %q", got)
	}
	big := json.RawMessage(`{"description":"` + strings.Repeat("x", 40000) + `"}`)
	got := string(StoredRaw(big))
	if len(got) > maxRawBytes+100 || !json.Valid([]byte(got)) || !strings.HasSuffix(got, `…"`) {
		t.Fatalf("a big record is kept at %d bytes: %.80q", len(got), got)
	}
	bad := string(StoredRaw(json.RawMessage("{\"sku\":\"A\xff\"}")))
	if !utf8.ValidString(bad) || strings.ContainsRune(bad, 0) {
		t.Fatalf("bad bytes kept: %q", bad)
	}
	if PrettyRaw(`{"a":{"b":1}}`) != "{\n  \"a\": {\n    \"b\": 1\n  }\n}" || PrettyRaw("not json") != "not json" {
		t.Fatalf("pretty %q", PrettyRaw(`{"a":{"b":1}}`))
	}
}
