package catalogue

import (
	"testing"
	"time"

	"stocksync/internal/channel"
)

func TestFingerprintChangesWithEveryStoredDetail(t *testing.T) {
	q, q2, zero := 3, 4, 0
	base := channel.Listing{ExternalID: "1", ProductID: "p", SKU: "A", Name: "Mug", Price: "1.50", Quantity: &q,
		InventoryRef: "inv", UpdatedAt: time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC), Raw: []byte(`{"a":1}`)}
	fingerprintOf := func(l channel.Listing) int64 {
		rows, failures := Prepare([]channel.Listing{l})
		if len(rows) != 1 || len(failures) != 0 {
			t.Fatalf("not prepared: %+v", failures)
		}
		if rows[0].Key != ListingKey(l.ExternalID) {
			t.Fatalf("key not set")
		}
		return rows[0].Fingerprint
	}
	want := fingerprintOf(base)
	if want == 0 || want&3 != 0 {
		t.Fatalf("fingerprint %b: must be non-zero with its two low bits clear", want)
	}
	same := base
	same.Raw = []byte(`{"b":2}`) // not stored, so not part of it
	same.SKU, same.Name = " A ", "Mug\n"
	if fingerprintOf(same) != want {
		t.Error("the raw record or surrounding white space changed the fingerprint")
	}
	changes := map[string]func(*channel.Listing){
		"id":            func(l *channel.Listing) { l.ExternalID = "2" },
		"product":       func(l *channel.Listing) { l.ProductID = "q" },
		"SKU":           func(l *channel.Listing) { l.SKU = "B" },
		"name":          func(l *channel.Listing) { l.Name = "Cup" },
		"price":         func(l *channel.Listing) { l.Price = "1.5" },
		"no price":      func(l *channel.Listing) { l.Price = "" },
		"quantity":      func(l *channel.Listing) { l.Quantity = &q2 },
		"zero quantity": func(l *channel.Listing) { l.Quantity = &zero },
		"no quantity":   func(l *channel.Listing) { l.Quantity = nil },
		"inventory ref": func(l *channel.Listing) { l.InventoryRef = "inv2" },
		"updated":       func(l *channel.Listing) { l.UpdatedAt = l.UpdatedAt.Add(time.Microsecond) },
		"no updated":    func(l *channel.Listing) { l.UpdatedAt = time.Time{} },
		"fields shift":  func(l *channel.Listing) { l.SKU, l.Name = "AM", "ug" },
	}
	for name, change := range changes {
		l := base
		change(&l)
		if fingerprintOf(l) == want {
			t.Errorf("changing the %s kept the fingerprint", name)
		}
	}
}
