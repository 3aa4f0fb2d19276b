package store_test

import (
	"slices"
	"strconv"
	"testing"
)

// item_name_words follows every write of items: a listing's word counts
// for its suggestions only while an active item's name has it.
func TestItemNameWordsFollowItems(t *testing.T) {
	f := newSettleFixture(t)
	words := func() []string {
		t.Helper()
		var got []string
		if err := f.st.DB.Select(&got, `SELECT word || ':' || item_id FROM item_name_words ORDER BY 1`); err != nil {
			t.Fatal(err)
		}
		return got
	}
	check := func(step string, want ...string) {
		t.Helper()
		slices.Sort(want)
		if got := words(); !slices.Equal(got, want) {
			t.Fatalf("%s: words %v, want %v", step, got, want)
		}
	}
	var a, b int64
	if err := f.st.DB.Get(&a, `INSERT INTO items (name, sku) VALUES ('Oak Chair', 'W-1') RETURNING id`); err != nil {
		t.Fatal(err)
	}
	if err := f.st.DB.Get(&b, `INSERT INTO items (name, sku) VALUES ('Kovira Lamp', 'W-2') RETURNING id`); err != nil {
		t.Fatal(err)
	}
	id := func(w string, item int64) string { return w + ":" + strconv.FormatInt(item, 10) }
	check("insert", id("oak", a), id("chair", a), id("kovira", b), id("lamp", b))
	f.st.DB.MustExec(`UPDATE items SET name = 'Oak Stool', selling_price = 3 WHERE id = $1`, a)
	f.st.DB.MustExec(`UPDATE items SET selling_price = 4 WHERE id = $1`, b)
	check("rename", id("oak", a), id("stool", a), id("kovira", b), id("lamp", b))
	f.st.DB.MustExec(`UPDATE items SET active = false WHERE id = $1`, b)
	check("deactivate", id("oak", a), id("stool", a))
	f.st.DB.MustExec(`UPDATE items SET active = true WHERE id = $1`, b)
	check("reactivate", id("oak", a), id("stool", a), id("kovira", b), id("lamp", b))
	f.st.DB.MustExec(`DELETE FROM item_stock WHERE item_id = $1`, a)
	f.st.DB.MustExec(`DELETE FROM items WHERE id = $1`, a)
	check("delete", id("kovira", b), id("lamp", b))
}
