package store_test

import (
	"testing"

	"stocksync/internal/testkit/testdb"
)

// Items inserted many to a statement (as bulk confirm and COPY imports
// insert them) get their stock row and search terms from one trigger call
// per statement; renames and deletes keep the terms exact one row at a time.
func TestItemInsertsRenamesAndDeletesKeepTermsAndStockRowsExact(t *testing.T) {
	st := testdb.New(t)
	ctx := t.Context()
	steps := []string{
		`INSERT INTO items (name, sku, reorder_level) SELECT 'Oak chair ' || n, 'C-' || n, n % 3 FROM generate_series(1, 500) n`,
		`INSERT INTO items (name) VALUES ('Pine table')`,
		`UPDATE items SET name = 'Birch stool ' || id WHERE id % 7 = 0`,
		`UPDATE items SET sku = sku || '-x' WHERE id % 5 = 0`,
		`DELETE FROM item_stock WHERE item_id % 11 = 0; DELETE FROM items WHERE id % 11 = 0`,
		`INSERT INTO items (name) SELECT 'Steel rack ' || n FROM generate_series(1, 3) n`,
	}
	for _, step := range steps {
		if _, err := st.DB.ExecContext(ctx, step); err != nil {
			t.Fatalf("%s: %v", step, err)
		}
		var missing, extra, noStock, stockLevel int
		if err := st.DB.QueryRowxContext(ctx, `
			WITH want AS (SELECT t AS term, lower(i.name) COLLATE "C" AS name_key, i.id AS item_id
				FROM items i, unnest(i.search_terms) t WHERE length(t) >= 3)
			SELECT (SELECT count(*) FROM (SELECT * FROM want EXCEPT ALL SELECT * FROM item_search_terms) d),
				(SELECT count(*) FROM (SELECT * FROM item_search_terms EXCEPT ALL SELECT * FROM want) d),
				(SELECT count(*) FROM items i WHERE NOT EXISTS (SELECT 1 FROM item_stock s WHERE s.item_id = i.id)),
				(SELECT count(*) FROM items i JOIN item_stock s ON s.item_id = i.id WHERE s.reorder_level <> i.reorder_level)`).
			Scan(&missing, &extra, &noStock, &stockLevel); err != nil {
			t.Fatal(err)
		}
		if missing != 0 || extra != 0 || noStock != 0 || stockLevel != 0 {
			t.Errorf("after %q: %d search terms missing, %d extra, %d items without a stock row, %d with another reorder level",
				step, missing, extra, noStock, stockLevel)
		}
	}
}
