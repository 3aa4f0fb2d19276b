package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strconv"
	"strings"

	"github.com/jmoiron/sqlx"
	"github.com/lib/pq"

	"stocksync/internal/inventory"
)

const itemColumns = `i.id, i.name, i.sku, i.unit, i.description, i.selling_price, i.purchase_price, i.opening_qty,
	i.opening_value, i.reorder_level, i.active, i.source,
	(SELECT count(*) FROM channel_items c WHERE c.item_id = i.id) AS linked_channels, s.on_hand, s.committed, s.available,
	i.created_by, i.created_at, i.updated_at`

// itemsWithStock is the FROM of itemColumns.
const itemsWithStock = `items i JOIN item_stock s ON s.item_id = i.id`

func (s *Store) ItemByID(ctx context.Context, id int64) (inventory.Item, error) {
	var it inventory.Item
	st, err := s.prepared(ctx, `SELECT `+itemColumns+`, u.email AS created_by_email
		FROM `+itemsWithStock+` LEFT JOIN users u ON u.id = i.created_by WHERE i.id = $1`)
	if err != nil {
		return it, err
	}
	err = st.GetContext(ctx, &it, id)
	if err != nil {
		return it, fmt.Errorf("store: item %d: %w", id, notFound(err, inventory.ErrNotFound))
	}
	return it, nil
}

// CreateItem stores a new item and, when it has opening stock, the opening
// movement into the primary warehouse, in one transaction.
func (s *Store) CreateItem(ctx context.Context, f inventory.ItemFields, by int64) (inventory.Item, error) {
	var id int64
	err := s.stockTx(ctx, func(tx *sqlx.Tx, c *stockChange) error {
		wh, err := primaryWarehouse(ctx, tx)
		if err != nil {
			return err
		}
		id, err = insertItem(ctx, tx, c, f, "manual", wh, by)
		return err
	})
	if err != nil {
		return inventory.Item{}, s.skuClash(ctx, err, f.SKU, 0)
	}
	return s.ItemByID(ctx, id)
}

// insertItem writes a new item, its "created" entry and its opening stock
// (the "opening" document, into warehouse) inside a stockTx.
func insertItem(ctx context.Context, tx *sqlx.Tx, c *stockChange, f inventory.ItemFields, source string, warehouse, by int64) (int64, error) {
	if err := checkSKU(ctx, tx, f.SKU, 0); err != nil {
		return 0, err
	}
	var id int64
	err := tx.GetContext(ctx, &id, `INSERT INTO items (name, sku, unit, description, selling_price, purchase_price,
		opening_qty, opening_value, reorder_level, source, created_by) VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11) RETURNING id`,
		f.Name, f.SKU, f.Unit, f.Description, f.SellingPrice, f.PurchasePrice, f.OpeningQty, f.OpeningValue, f.ReorderLevel, source, by)
	if err != nil {
		return 0, fmt.Errorf("store: create item: %w", err)
	}
	if err := logActivity(ctx, tx, id, by, "created", ""); err != nil {
		return 0, err
	}
	if f.OpeningQty > 0 {
		*c = stockChange{doc: "apply", by: by, args: []any{"opening", id}}
		c.add(id, warehouse, f.OpeningQty, 0)
	}
	return id, nil
}

// UpdateItem saves an edit and logs what changed, field by field.
func (s *Store) UpdateItem(ctx context.Context, id int64, f inventory.ItemFields, by int64) error {
	err := s.InTx(ctx, func(tx *sqlx.Tx) error {
		var old inventory.Item
		// NO KEY UPDATE: documents referencing the item (key share) go on.
		if err := tx.GetContext(ctx, &old, `SELECT `+itemColumns+` FROM `+itemsWithStock+` WHERE i.id = $1 FOR NO KEY UPDATE OF i`, id); err != nil {
			return fmt.Errorf("store: item %d: %w", id, notFound(err, inventory.ErrNotFound))
		}
		if err := checkSKU(ctx, tx, f.SKU, id); err != nil {
			return err
		}
		changes := itemChanges(old, f)
		if len(changes) == 0 {
			return nil
		}
		if _, err := tx.ExecContext(ctx, `UPDATE items SET name = $2, sku = $3, unit = $4, description = $5, selling_price = $6,
			purchase_price = $7, reorder_level = $8, updated_at = now() WHERE id = $1`,
			id, f.Name, f.SKU, f.Unit, f.Description, f.SellingPrice, f.PurchasePrice, f.ReorderLevel); err != nil {
			return fmt.Errorf("store: update item: %w", err)
		}
		return logActivity(ctx, tx, id, by, "edited", strings.Join(changes, "; "))
	})
	return s.skuClash(ctx, err, f.SKU, id)
}

func itemChanges(old inventory.Item, f inventory.ItemFields) []string {
	var out []string
	diff := func(label, a, b string) {
		if a != b {
			if a == "" {
				a = "(none)"
			}
			if b == "" {
				b = "(none)"
			}
			out = append(out, fmt.Sprintf("%s: %s → %s", label, a, b))
		}
	}
	diff("Name", old.Name, f.Name)
	diff("SKU", old.SKU, f.SKU)
	diff("Unit", old.Unit, f.Unit)
	if old.Description != f.Description {
		out = append(out, "Description changed")
	}
	diff("Selling price", old.SellingPrice.String(), f.SellingPrice.String())
	diff("Purchase price", old.PurchasePrice.String(), f.PurchasePrice.String())
	diff("Reorder level", strconv.FormatInt(old.ReorderLevel, 10), strconv.FormatInt(f.ReorderLevel, 10))
	return out
}

// SetItemActive deactivates or reactivates; items are never deleted, as
// their history must stay readable.
func (s *Store) SetItemActive(ctx context.Context, id int64, active bool, by int64) error {
	return s.InTx(ctx, func(tx *sqlx.Tx) error {
		res, err := tx.ExecContext(ctx, `UPDATE items SET active = $2, updated_at = now() WHERE id = $1 AND active <> $2`, id, active)
		if err != nil {
			return fmt.Errorf("store: set item active: %w", err)
		}
		if n, _ := res.RowsAffected(); n == 0 {
			var exists bool
			if err := tx.GetContext(ctx, &exists, `SELECT EXISTS (SELECT 1 FROM items WHERE id = $1)`, id); err != nil || !exists {
				return inventory.ErrNotFound
			}
			return nil
		}
		action := "deactivated"
		if active {
			action = "reactivated"
		}
		return logActivity(ctx, tx, id, by, action, "")
	})
}

func checkSKU(ctx context.Context, tx *sqlx.Tx, sku string, self int64) error {
	if sku == "" {
		return nil
	}
	var other inventory.Item
	err := tx.GetContext(ctx, &other, `SELECT id, name FROM items WHERE sku = $1 AND id <> $2`, sku, self)
	if err == nil {
		return &inventory.SKUTakenError{SKU: sku, OtherID: other.ID, OtherName: other.Name}
	}
	return notFoundOK(err)
}

// skuClash turns a unique violation that slipped past checkSKU (two saves
// racing) into the same message naming the other item.
func (s *Store) skuClash(ctx context.Context, err error, sku string, self int64) error {
	if err == nil || !isUniqueViolation(err) {
		return err
	}
	var other inventory.Item
	if e := s.DB.GetContext(ctx, &other, `SELECT id, name FROM items WHERE sku = $1 AND id <> $2`, sku, self); e != nil {
		return err
	}
	return &inventory.SKUTakenError{SKU: sku, OtherID: other.ID, OtherName: other.Name}
}

func logActivity(ctx context.Context, tx *sqlx.Tx, item, by int64, action, detail string) error {
	_, err := tx.ExecContext(ctx, `INSERT INTO item_activity (item_id, user_id, action, detail) VALUES ($1, $2, $3, $4)`,
		item, by, action, detail)
	if err != nil {
		return fmt.Errorf("store: log item activity: %w", err)
	}
	return nil
}

// ItemActivity is the newest 50 entries of the item's activity log.
func (s *Store) ItemActivity(ctx context.Context, id int64) ([]inventory.Activity, error) {
	var as []inventory.Activity
	st, err := s.prepared(ctx, `SELECT a.id, a.action, a.detail, u.email AS user_email, a.created_at
		FROM item_activity a LEFT JOIN users u ON u.id = a.user_id WHERE a.item_id = $1 ORDER BY a.id DESC LIMIT 50`)
	if err != nil {
		return nil, err
	}
	err = st.SelectContext(ctx, &as, id)
	if err != nil {
		return nil, fmt.Errorf("store: item activity: %w", err)
	}
	return as, nil
}

// ItemsByRef finds, for each typed reference, the item with exactly that
// SKU, or else every active or inactive item with exactly that name.
func (s *Store) ItemsByRef(ctx context.Context, refs []string) (map[string][]inventory.Item, error) {
	out := map[string][]inventory.Item{}
	if len(refs) == 0 {
		return out, nil
	}
	var rows []struct {
		Ref string `db:"ref"`
		inventory.Item
	}
	err := s.DB.SelectContext(ctx, &rows, `WITH r(ref) AS (SELECT unnest($1::text[]))
		SELECT r.ref, `+itemColumns+` FROM r JOIN items i ON i.sku = r.ref AND i.sku <> '' JOIN item_stock s ON s.item_id = i.id
		UNION ALL
		SELECT r.ref, `+itemColumns+` FROM r JOIN items i ON lower(i.name) COLLATE "C" = lower(r.ref) COLLATE "C" AND i.name = r.ref
		JOIN item_stock s ON s.item_id = i.id
		WHERE NOT EXISTS (SELECT 1 FROM items s WHERE s.sku = r.ref AND s.sku <> '')`, pq.Array(refs))
	if err != nil {
		return nil, fmt.Errorf("store: items by reference: %w", err)
	}
	for _, r := range rows {
		out[r.Ref] = append(out[r.Ref], r.Item)
	}
	return out, nil
}

func notFoundOK(err error) error {
	if err == nil || errors.Is(err, sql.ErrNoRows) {
		return nil
	}
	return fmt.Errorf("store: %w", err)
}

// ItemChoices lists active items for a form's datalist, or nothing when
// there are more than max (a datalist of a big catalogue helps nobody).
func (s *Store) ItemChoices(ctx context.Context, max int) ([]inventory.Item, error) {
	var its []inventory.Item
	err := s.DB.SelectContext(ctx, &its, `SELECT `+itemColumns+` FROM `+itemsWithStock+` WHERE active
		ORDER BY lower(name) COLLATE "C", id LIMIT $1`, max+1)
	if err != nil {
		return nil, fmt.Errorf("store: item choices: %w", err)
	}
	if len(its) > max {
		return nil, nil
	}
	return its, nil
}

// AnyItems reports whether any item exists, active or not.
func (s *Store) AnyItems(ctx context.Context) (bool, error) {
	var ok bool
	if err := s.DB.GetContext(ctx, &ok, `SELECT EXISTS (SELECT 1 FROM items)`); err != nil {
		return false, fmt.Errorf("store: any items: %w", err)
	}
	return ok, nil
}
