package inventory

import (
	"testing"
	"time"
)

func TestParseMoneyIsExact(t *testing.T) {
	ok := map[string]Money{"": 0, "0": 0, "12": 1200, "12.5": 1250, "12.50": 1250, "1,234.05": 123405, ".99": 99, "0.01": 1}
	for in, want := range ok {
		if got, err := ParseMoney(in); err != nil || got != want {
			t.Errorf("ParseMoney(%q) = %v, %v; want %v", in, got, err, want)
		}
	}
	for _, in := range []string{"12.345", "-1", "1e3", "abc", "12.", "9999999999999"} {
		if _, err := ParseMoney(in); err == nil {
			t.Errorf("ParseMoney(%q) accepted", in)
		}
	}
	if s := Money(123405).String(); s != "1234.05" {
		t.Errorf("String = %s", s)
	}
	var m Money
	if err := m.Scan([]byte("-3.10")); err != nil || m != -310 {
		t.Errorf("Scan: %v %v", m, err)
	}
	// 0.10 + 0.20 is 0.30 exactly, unlike float64.
	a, _ := ParseMoney("0.10")
	b, _ := ParseMoney("0.20")
	if (a + b).String() != "0.30" {
		t.Error("money is not exact")
	}
}

func TestEachUnitLeavesStockOnce(t *testing.T) {
	cases := []struct {
		name                   string
		s, i, newS, newI, want int64
	}{
		{"ship first", 0, 0, 2, 0, 2},
		{"invoice after partial ship deducts only the rest", 2, 0, 2, 3, 1},
		{"ship what was invoiced", 0, 3, 3, 3, 0},
		{"ship beyond invoiced", 0, 3, 4, 3, 1},
		{"invoice what was shipped", 4, 0, 4, 4, 0},
	}
	for _, c := range cases {
		if got := Deduction(c.s, c.i, c.newS, c.newI); got != c.want {
			t.Errorf("%s: Deduction = %d, want %d", c.name, got, c.want)
		}
	}
	if Committed(5, 2, 3) != 2 || Committed(5, 5, 0) != 0 {
		t.Error("Committed")
	}
	if Available(10, 4) != 6 || PushQuantity(-2) != 0 {
		t.Error("Available / PushQuantity")
	}
	for _, c := range []struct {
		avail, reorder int64
		want           string
	}{{0, 0, StockOut}, {-1, 5, StockOut}, {3, 5, StockLow}, {5, 5, StockLow}, {6, 5, StockIn}, {1, 0, StockIn}} {
		if got := StockState(c.avail, c.reorder); got != c.want {
			t.Errorf("StockState(%d, %d) = %s", c.avail, c.reorder, got)
		}
	}
}

func TestValidationNamesTheFields(t *testing.T) {
	f, errs := ValidateItem(ItemInput{Name: "  Mug  ", SKU: " M-1 ", SellingPrice: "3.5"}, true)
	if len(errs) != 0 || f.Name != "Mug" || f.SKU != "M-1" || f.Unit != "pcs" || f.SellingPrice != 350 {
		t.Fatalf("%+v %v", f, errs)
	}
	_, errs = ValidateItem(ItemInput{Name: "", SellingPrice: "x", OpeningQty: "-1"}, true)
	for _, k := range []string{"name", "selling_price", "opening_qty"} {
		if errs[k] == "" {
			t.Errorf("no message for %s", k)
		}
	}
	today := time.Date(2026, 11, 27, 0, 0, 0, 0, time.UTC)
	r, errs := ValidateReceive(ReceiveInput{Vendor: "V", Lines: []LineInput{{}, {Item: "A", Warehouse: "1", Quantity: "2", Rate: "1"}}}, today)
	if len(errs) != 0 || len(r.Lines) != 1 || r.Lines[0].Row != 1 || !r.Date.Equal(today) {
		t.Fatalf("%+v %v", r, errs)
	}
	_, errs = ValidateAdjustment(AdjustmentInput{Reason: "Count", Lines: []LineInput{{Item: "A", Warehouse: "1", Quantity: "0"}}}, today)
	if errs[LineField(0, "quantity")] == "" {
		t.Error("a zero adjustment was accepted")
	}
	lines := []Line{{Row: 0, ItemRef: "X"}, {Row: 1, ItemRef: "Twin"}, {Row: 2, ItemRef: "Old"}, {Row: 3, ItemRef: "OK"}}
	errs = FieldErrors{}
	ResolveItems(lines, map[string][]Item{"Twin": {{ID: 1}, {ID: 2}}, "Old": {{ID: 3, Name: "Old"}}, "OK": {{ID: 4, Active: true}}}, errs)
	if len(errs) != 3 || lines[3].ItemID != 4 {
		t.Fatalf("%v %+v", errs, lines)
	}
}
