package catalogue

import (
	"encoding/json"
	"strings"
	"testing"
	"unicode/utf8"

	"stocksync/internal/channel"
)

func TestPrepareSortsOutWhatCannotBeImported(t *testing.T) {
	q := 3
	cases := []struct {
		name    string
		listing channel.Listing
		cause   string // "" when the listing is imported
		sku     string
	}{
		{"fine", channel.Listing{ExternalID: "1", SKU: " A-1 ", Name: " Mug ", Price: "12.50", Quantity: &q}, "", "A-1"},
		{"no price is allowed", channel.Listing{ExternalID: "2", SKU: "A-2"}, "", "A-2"},
		{"name only", channel.Listing{ExternalID: "3", Name: "Mug"}, "", ""},
		{"no SKU and no name", channel.Listing{ExternalID: "4", SKU: "  ", Name: "\t"}, "no SKU and no name", ""},
		{"comma decimal", channel.Listing{ExternalID: "5", SKU: "A-5", Price: "12,50"}, `price "12,50" is not a number`, ""},
		{"words", channel.Listing{ExternalID: "6", SKU: "A-6", Price: "abc"}, `price "abc" is not a number`, ""},
		{"negative", channel.Listing{ExternalID: "7", SKU: "A-7", Price: "-3"}, `price "-3" is negative`, ""},
		{"channel's own problem", channel.Listing{ExternalID: "8", SKU: "A-8", Problem: "stock quantity \"lots\" is not a whole number"}, "is not a whole number", ""},
		{"no id", channel.Listing{SKU: "A-9"}, "without an id", ""},
		{"long name", channel.Listing{ExternalID: "10", Name: strings.Repeat("x", MaxNameLength+1)}, "longer than 500 characters", ""},
		{"bad text", channel.Listing{ExternalID: "11", Name: "bad \xff"}, "not valid text", ""},
		{"bad SKU text", channel.Listing{ExternalID: "12", SKU: "\xfe", Name: "Mug"}, "not valid text", ""},
		{"long multibyte name within the limit", channel.Listing{ExternalID: "13", Name: strings.Repeat("é", MaxNameLength)}, "", ""},
		{"long multibyte name", channel.Listing{ExternalID: "14", Name: strings.Repeat("é", MaxNameLength+1)}, "longer than 500 characters", ""},
		{"long SKU", channel.Listing{ExternalID: "15", SKU: strings.Repeat("s", MaxSKULength+1)}, "SKU is longer", ""},
		{"whole price", channel.Listing{ExternalID: "16", SKU: "A-16", Price: "12"}, "", "A-16"},
		{"four decimals", channel.Listing{ExternalID: "17", SKU: "A-17", Price: "0.1234"}, "", "A-17"},
		{"five decimals", channel.Listing{ExternalID: "18", SKU: "A-18", Price: "0.12345"}, "is not a number", ""},
		{"eleven digits", channel.Listing{ExternalID: "19", SKU: "A-19", Price: "12345678901"}, "is not a number", ""},
		{"trailing point", channel.Listing{ExternalID: "20", SKU: "A-20", Price: "12."}, "is not a number", ""},
		{"leading point", channel.Listing{ExternalID: "21", SKU: "A-21", Price: ".5"}, "is not a number", ""},
		{"two points", channel.Listing{ExternalID: "22", SKU: "A-22", Price: "1.2.3"}, "is not a number", ""},
		{"exponent", channel.Listing{ExternalID: "23", SKU: "A-23", Price: "1e3"}, "is not a number", ""},
		{"plus sign", channel.Listing{ExternalID: "24", SKU: "A-24", Price: "+3"}, "is not a number", ""},
		{"NUL in the SKU", channel.Listing{ExternalID: "25", SKU: "A\x0025", Name: "Mug"}, "the SKU contains a character that is not allowed (NUL): fix the SKU on the channel", ""},
		{"NUL in the name", channel.Listing{ExternalID: "26", SKU: "A-26", Name: "Mug\x00"}, "the name contains a character that is not allowed (NUL)", ""},
		{"NUL in the id", channel.Listing{ExternalID: "2\x007", SKU: "A-27"}, "cannot be tracked", ""},
		// JSON decoding turned the bad bytes of the record into U+FFFD
		{"decoded bad bytes", channel.Listing{ExternalID: "28", SKU: "A-\uFFFD", Raw: []byte("{\"sku\":\"A-\xff\"}")}, "the SKU contains bytes that are not valid text", ""},
		{"a real U+FFFD", channel.Listing{ExternalID: "29", SKU: "A-\uFFFD", Raw: []byte(`{"sku":"A-\uFFFD"}`)}, "", "A-\uFFFD"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			rows, failures := Prepare([]channel.Listing{tc.listing})
			if tc.cause == "" {
				if len(rows) != 1 || len(failures) != 0 || rows[0].SKU != tc.sku {
					t.Fatalf("rows %+v failures %+v", rows, failures)
				}
				return
			}
			if len(rows) != 0 || len(failures) != 1 || !strings.Contains(failures[0].Cause, tc.cause) {
				t.Fatalf("rows %+v failures %+v, want a failure saying %q", rows, failures, tc.cause)
			}
		})
	}
}

func TestLabelNamesTheListingAsAPersonWouldLookForIt(t *testing.T) {
	for _, tc := range [][4]string{
		{"A-1", "Mug", "9", "Mug (A-1)"},
		{"A-1", "", "9", "SKU A-1"},
		{"", "Mug", "9", "Mug"},
		{"", "", "9", "listing 9"},
		{"", "", "gid://shopify/ProductVariant/44", "listing 44"},
	} {
		if got := Label(tc[0], tc[1], tc[2]); got != tc[3] {
			t.Errorf("Label(%q, %q, %q) = %q, want %q", tc[0], tc[1], tc[2], got, tc[3])
		}
	}
}

func TestRawRecordsAreCapped(t *testing.T) {
	big := []byte(`"` + strings.Repeat("x", 20000) + `"`)
	_, failures := Prepare([]channel.Listing{{ExternalID: "1", Raw: big}})
	if len(failures) != 1 || len(failures[0].Raw) > maxRawBytes+100 {
		t.Fatalf("raw kept at %d bytes", len(failures[0].Raw))
	}
}

func TestFailuresCanBeStoredWhateverTheChannelSent(t *testing.T) {
	_, failures := Prepare([]channel.Listing{{ExternalID: "1\x00", SKU: "A\x00\xff", Name: "Mug \xfe", Raw: []byte("{\"sku\":\"A\\u0000\xff\"}")}})
	if len(failures) != 1 {
		t.Fatalf("failures %+v", failures)
	}
	f := failures[0]
	if f.ExternalID != "1" || f.Label != "Mug \uFFFD (A\uFFFD)" || strings.ContainsRune(f.Cause, 0) || !json.Valid(f.Raw) || !utf8.Valid(f.Raw) {
		t.Fatalf("failure %+v raw %s", f, f.Raw)
	}
}

func TestForSaleSplitsOffWhatTheChannelDoesNotSell(t *testing.T) {
	all := []channel.Listing{{ExternalID: "1"}, {ExternalID: "2"}}
	if got, withdrawn := ForSale(all); len(got) != 2 || &got[0] != &all[0] || withdrawn != nil {
		t.Fatal("a page all for sale was copied or changed")
	}
	mixed := []channel.Listing{{ExternalID: "1"}, {ExternalID: "2", NotForSale: true}, {ExternalID: "3"}, {ExternalID: "4\x00", NotForSale: true}}
	got, withdrawn := ForSale(mixed)
	if len(got) != 2 || got[0].ExternalID != "1" || got[1].ExternalID != "3" || len(withdrawn) != 1 || withdrawn[0] != "2" {
		t.Fatalf("for sale %+v, withdrawn %q", got, withdrawn)
	}
}
