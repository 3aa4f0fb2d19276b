package items

import (
	"bytes"
	"context"
	"strings"
	"testing"

	"stocksync/internal/inventory"
)

func TestTableShowsStatusTotalAndBothPageLinks(t *testing.T) {
	v := ListView{
		Filter:   inventory.ItemFilter{Sort: "sku", After: 7},
		Items:    []inventory.ListItem{{ID: 8, Name: "Lamp", Active: true}, {ID: 9, Name: "Old lamp"}},
		Next:     9,
		Prev:     8,
		Currency: "EUR",
		Total:    1000, TotalMore: true,
	}
	var b bytes.Buffer
	if err := Table(v).Render(context.Background(), &b); err != nil {
		t.Fatal(err)
	}
	html := b.String()
	for _, want := range []string{
		`data-testid="items-total">1,000+ items<`,
		`<span class="badge text-bg-success">Active</span>`,
		`<span class="badge text-bg-secondary">Inactive</span>`,
		`href="/items?before=8&amp;sort=sku" rel="prev"`,
		`href="/items?after=9&amp;sort=sku" rel="next"`,
		`href="/items?sort=sku">First page`,
		"EUR 0.00",
	} {
		if !strings.Contains(html, want) {
			t.Errorf("table lacks %s", want)
		}
	}
}
