package channel

import (
	"context"
	"strings"
	"testing"
	"time"
)

type nopConnector struct{ Connector }

func TestRegistryLooksUpAndSortsKinds(t *testing.T) {
	newFn := func(map[string]string, Options) (Connector, error) { return nopConnector{}, nil }
	Register(Kind{Name: "zz-test", DisplayName: "Z", New: newFn})
	Register(Kind{Name: "aa-test", DisplayName: "A", New: newFn})
	if k, ok := Lookup("zz-test"); !ok || k.DisplayName != "Z" {
		t.Fatalf("Lookup(zz-test) = %+v, %v", k, ok)
	}
	if _, ok := Lookup("missing"); ok {
		t.Fatal("Lookup found a kind that was never registered")
	}
	var names []string
	for _, k := range Kinds() {
		names = append(names, k.Name)
	}
	if strings.Index(strings.Join(names, ","), "aa-test") > strings.Index(strings.Join(names, ","), "zz-test") {
		t.Fatalf("Kinds not sorted: %v", names)
	}
	defer func() {
		if recover() == nil {
			t.Fatal("registering a kind twice did not panic")
		}
	}()
	Register(Kind{Name: "aa-test", New: newFn})
}

func TestRequireFieldsNamesMissingLabels(t *testing.T) {
	fields := []Field{{Name: "url", Label: "Shop URL"}, {Name: "token", Label: "Access token"}, {Name: "x", Label: "Extra"}}
	if err := RequireFields("shop", fields, map[string]string{"url": "u", "token": "t", "x": "x"}); err != nil {
		t.Fatal(err)
	}
	err := RequireFields("shop", fields, map[string]string{"url": "u", "token": "  "})
	if err == nil || err.Error() != "shop: Access token and Extra are required" {
		t.Fatalf("got %v", err)
	}
	err = RequireFields("shop", fields, map[string]string{"url": "u", "token": "t"})
	if err == nil || err.Error() != "shop: Extra is required" {
		t.Fatalf("got %v", err)
	}
}

func TestParseBaseURL(t *testing.T) {
	good := map[string]string{
		"acme.myshopify.com":           "https://acme.myshopify.com",
		" https://acme.example.com/ ":  "https://acme.example.com",
		"https://example.com/shop/":    "https://example.com/shop",
		"http://127.0.0.1:8080":        "http://127.0.0.1:8080",
		"http://localhost:9000/prefix": "http://localhost:9000/prefix",
	}
	for in, want := range good {
		got, err := ParseBaseURL("p", "URL", in, AddressPolicy{Sandbox: true})
		if err != nil || got != want {
			t.Errorf("ParseBaseURL(%q) = %q, %v; want %q", in, got, err, want)
		}
	}
	bad := map[string]string{
		"http://shop.example.com":          "https://",
		"https://user:hunter2@example.com": "user name or password",
		"https://example.com/?a=b":         "query",
		"ftp://example.com":                "https://",
		"https://":                         "not a web address",
	}
	for in, want := range bad {
		_, err := ParseBaseURL("p", "URL", in, AddressPolicy{})
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("ParseBaseURL(%q) error = %v; want it to mention %q", in, err, want)
		}
		if err != nil && strings.Contains(err.Error(), "hunter2") {
			t.Errorf("error echoes a password: %v", err)
		}
	}
}

func TestDefaultSleepStopsWhenContextEnds(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if err := (Options{}).withDefaults().Sleep(ctx, time.Hour); err != context.Canceled {
		t.Fatalf("sleep on a cancelled context returned %v", err)
	}
}

type ordersConnector struct {
	Connector
	orders []Order
}

func (c ordersConnector) FetchOrders(context.Context, time.Time, string) (OrderPage, error) {
	return OrderPage{Orders: c.orders}, nil
}

type bulkOrdersConnector struct{ ordersConnector }

func (bulkOrdersConnector) FetchAllListings(context.Context, int, func([]Listing) error) error {
	return nil
}

func TestEveryKindsOrdersComeOutFitToStore(t *testing.T) {
	dirty := Order{ExternalID: "o\x001", Number: "#10\xff", Status: "paid", Currency: "EUR",
		Raw:   []byte("{\"name\":\"#10\xff\",\"note\":\"a\\u0000b\"}"),
		Lines: []OrderLine{{ExternalID: "l1", ListingExternalID: "v\x001", SKU: "SK\x00U", Name: "Mug \xc3", Quantity: 2, UnitPrice: "1.00"}}}
	Register(Kind{Name: "orders-test", New: func(map[string]string, Options) (Connector, error) {
		return ordersConnector{orders: []Order{dirty}}, nil
	}})
	Register(Kind{Name: "orders-bulk-test", New: func(map[string]string, Options) (Connector, error) {
		return bulkOrdersConnector{ordersConnector{orders: []Order{dirty}}}, nil
	}})
	for _, name := range []string{"orders-test", "orders-bulk-test"} {
		k, _ := Lookup(name)
		c, err := k.New(nil, Options{})
		if err != nil {
			t.Fatal(err)
		}
		if _, bulk := c.(BulkLister); bulk != (name == "orders-bulk-test") {
			t.Fatalf("%s: the wrapper changed whether the connector can export in bulk", name)
		}
		page, _ := c.FetchOrders(context.Background(), time.Time{}, "")
		o := page.Orders[0]
		l := o.Lines[0]
		if o.ExternalID != "o1" || o.Number != "#10\uFFFD" || l.ListingExternalID != "v1" || l.SKU != "SKU" || l.Name != "Mug \uFFFD" || l.Quantity != 2 {
			t.Fatalf("%s: order not cleaned: %+v", name, o)
		}
		if strings.Contains(string(o.Raw), "\xff") || strings.Contains(string(o.Raw), `"a\u0000b"`) {
			t.Fatalf("%s: raw not cleaned: %s", name, o.Raw)
		}
	}
}
